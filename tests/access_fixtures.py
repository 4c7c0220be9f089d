"""The world of the access matrix (tests/test_access_matrix.py): one object of every kind in 山阴县玉井镇, a user of
every role whose division holds them ("own") and a user of the same role whose division does not ("other")."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Role, User
from accounts.scope import user_can_see_division
from bulk.models import BulkImportJob, BulkImportKind
from conftest import SHANYIN, YUJING_TOWN, make_user
from core.excel import report_xlsx
from core.models import JobStatus
from divisions.models import Division
from duplicates.models import DuplicateCase, DuplicateKind, DuplicateScanJob
from enrollment.models import Enrollment, ExportJob, ExportKind, Resident
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, enrollment_create, resident_create
from exchange.models import FeedBatch, FeedChannel, FeedRecord
from exchange.services import feed_receive
from newborns.models import BirthImportBatch, BirthRecord, PreEnrollment
from newborns.services import birth_import_preview, newborn_register, pre_enrollment_create
from outreach.models import Campaign, CampaignSendJob, PhoneOptOut
from outreach.services import campaign_create, campaign_send_run, phone_opt_out_create
from outreach.sources import UNINSURED_SOURCE
from policy_changes.models import ImpactSimulation, PolicyDraft
from policy_changes.tests.factories import draft_with, simulation_run
from reports.models import FiscalTier
from reports.tests.factories import pilot_tier_assign
from subsidies.models import IdentityListBatch
from subsidies.services import hardship_identity_create, identity_list_preview
from targets.models import BaselineImportBatch, ProgressJob, ProgressSnapshot, TargetSplitBatch
from targets.rules import time_progress
from targets.services.baselines import baseline_import_stage
from targets.services.split import target_split_stage
from tax_payments.loaders import tax_payment_match
from tax_payments.models import TaxPaymentMatch, TaxPaymentRecord
from tests.bad_files import birth_layout
from tests.factories import xlsx_bytes
from uninsured.models import UninsuredLedgerImportBatch, UninsuredList, UninsuredPerson, UninsuredPushBatch
from uninsured.resources import uninsured_ledger_report
from uninsured.selectors import uninsured_ledger_counts, uninsured_ledger_rows
from uninsured.services.imports import uninsured_ledger_import_stage
from uninsured.services.lists import uninsured_push_stage

D = datetime.date
SHUOZHOU = "1406"
YUJING_VILLAGE = "140621100200"  # 玉井村委会
JUNE_30 = D(2026, 6, 30)

# Whose division holds the world's objects. Finance is the city's (朔州) bureau: a county's finance governs no tier
# (reports.selectors.fiscal_tier_list), so only a city's has an own tier to edit. The policy approver is the city's
# too, approving a draft its city staff prepared.
OWN_DIVISIONS = {
    Role.WINDOW_CLERK: SHANYIN,
    Role.TOWNSHIP_OFFICIAL: YUJING_TOWN,
    Role.CITY_STAFF: SHUOZHOU,
    Role.PROVINCE_STAFF: "14",
    Role.FINANCE: SHUOZHOU,
    Role.POLICY_APPROVER: SHUOZHOU,
    Role.SYSTEM_ADMIN: "14",
}
# The same roles elsewhere: 应县 (its county and 金城镇), 太原, 河北. The administrator is a superuser: every division
# is theirs, so their "other" answers as their own.
OTHER_DIVISIONS = {
    Role.WINDOW_CLERK: "140622",
    Role.TOWNSHIP_OFFICIAL: "140622100",
    Role.CITY_STAFF: "1401",
    Role.PROVINCE_STAFF: "13",
    Role.FINANCE: "1401",
    Role.POLICY_APPROVER: "1401",
    Role.SYSTEM_ADMIN: "13",
}


def person_id(birth_date: D, sequence: int) -> str:
    """An ID number of 山阴县; an even sequence is a woman's."""
    return id_number_compose(address_code=SHANYIN, birth_date=birth_date, sequence=sequence)


# The people of the world: no page or file of another division may show their names or ID numbers.
RESIDENT = ("常青松", person_id(D(1985, 3, 12), 17))
SECOND_RESIDENT = ("常青柏", person_id(D(1987, 4, 2), 19))
MOTHER = ("柳含烟", person_id(D(1995, 6, 1), 24))
EXPECTING_MOTHER = ("苏望舒", person_id(D(1996, 2, 2), 26))
NEWBORN = ("柳小禾", "M140000001")  # name, birth certificate number; registered without an ID number
UNINSURED = ("郝未保", person_id(D(1980, 1, 2), 41))
FOUND = ("郝自寻", person_id(D(1982, 5, 5), 45))  # on 玉井镇's ledger by its own search, on no pushed list
UNMATCHED = ("赵外来", person_id(D(1970, 1, 1), 31))  # on the identity list, not in the registry
NEW_RESIDENT = ("常新登", person_id(D(1988, 8, 8), 33))  # registered by the requests themselves
PUSHED = ("郝新推", person_id(D(1979, 9, 9), 43))  # on the province's list waiting to be pushed
NEW_UNINSURED = ("郝新寻", person_id(D(1983, 6, 6), 47))  # added to the ledger by the requests themselves
NEWBORN_ID = id_number_compose(address_code=SHANYIN, birth_date=D(2026, 9, 1), sequence=12)  # a girl's
API_NEWBORN_ID = id_number_compose(address_code=SHANYIN, birth_date=D(2026, 11, 1), sequence=14)
SENTINELS = tuple(
    value
    for person in (RESIDENT, SECOND_RESIDENT, MOTHER, EXPECTING_MOTHER, NEWBORN, UNINSURED, FOUND, UNMATCHED)
    for value in person
)


@dataclass
class World:
    own: dict[str, User]
    other: dict[str, User]
    tokens: dict[int, str]
    resident: Resident
    second_resident: Resident
    enrollment: Enrollment
    late_enrollment: Enrollment
    newborn: BirthRecord
    pre_enrollment: PreEnrollment
    identity_batch: IdentityListBatch
    birth_batch: BirthImportBatch
    bulk_job: BulkImportJob
    interrupted_job: BulkImportJob  # its worker lost mid-way (已中断): it may be queued again
    checked_job: BulkImportJob  # checked, waiting for the clerk (待确认): it may be confirmed or discarded
    export_jobs: dict[str, ExportJob]
    uninsured_list: UninsuredList
    uninsured_person: UninsuredPerson
    found_person: UninsuredPerson  # its outcome may be recorded at once: no list waits to be signed first
    push_batch: UninsuredPushBatch  # the province's list of 玉井镇, previewed by the province's own user
    ledger_batch: UninsuredLedgerImportBatch  # 玉井镇's ledger as exported, previewed by its own official
    split_batch: TargetSplitBatch  # 朔州's split, previewed by its own city staff
    baseline_batch: BaselineImportBatch  # 山阴县's baseline, previewed by the province's own user
    refused_baseline_batch: BaselineImportBatch  # a division unknown: its error rows to download
    fiscal_tier: FiscalTier
    progress_job: ProgressJob
    duplicate_case: DuplicateCase  # the world's enrollment also in a (made-up) employee-insured year: open
    duplicate_scan_job: DuplicateScanJob
    feed_batch: FeedBatch  # 山阴县's deaths feed: one record waiting for a clerk (an ID the registry lacks)
    feed_record: FeedRecord
    policy_draft: PolicyDraft  # 山阴县's longer fixed waiting period, prepared by 朔州's city staff
    impact_simulation: ImpactSimulation  # of the draft as it stands, over 山阴县, finished: it may be approved on
    campaign: Campaign | None = None  # 玉井镇's reminder to its ledger, sent by file
    opt_out: PhoneOptOut | None = None  # a phone 玉井镇's official recorded as refusing reminders
    sentinels: tuple[str, ...] = field(default=SENTINELS)


BIRTH_LIST_HEADER = list(birth_layout().header)
IDENTITY_LIST_HEADER = ["姓名", "身份证号", "身份类别"]
BASELINE_HEADER = ["区划代码", "区划名称", "年度", "户籍人口", "常住人口", "参加职工医保人数", "数据来源"]


def _users() -> tuple[dict[str, User], dict[str, User]]:
    own: dict[str, User] = {role: make_user(f"own_{role}", role, code) for role, code in OWN_DIVISIONS.items()}
    other: dict[str, User] = {role: make_user(f"other_{role}", role, code) for role, code in OTHER_DIVISIONS.items()}
    for user in own.values():
        assert user_can_see_division(user=user, division_code=YUJING_VILLAGE)
    for user in other.values():
        assert user.is_superuser or not user_can_see_division(user=user, division_code=YUJING_VILLAGE)
    return own, other


def world_build() -> World:
    own, other = _users()
    tokens = {user.pk: Token.objects.create(user=user).key for user in [*own.values(), *other.values()]}
    clerk, province = own[Role.WINDOW_CLERK], own[Role.PROVINCE_STAFF]
    village = Division.objects.get(code=YUJING_VILLAGE)
    county = Division.objects.get(code=SHANYIN)

    def resident(person: tuple[str, str]) -> Resident:
        name, id_number = person
        return resident_create(actor=clerk, id_number=id_number, name=name, household_division=village)

    first, second, mother, expecting = (
        resident(person) for person in (RESIDENT, SECOND_RESIDENT, MOTHER, EXPECTING_MOTHER)
    )
    enrollment = enrollment_create(
        actor=clerk, resident=first, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    # Paid outside the collection period after a break: the years missed may still be paid (R4.5).
    late = enrollment_create(
        actor=clerk, resident=second, details=PaymentDetails(insurance_year=2026, payment_date=D(2026, 3, 10))
    )
    for enrolled in (mother, expecting):  # a pre-enrollment needs the mother enrolled in the year she applies
        enrollment_create(
            actor=clerk, resident=enrolled, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
        )
    hardship_identity_create(actor=clerk, resident=first, category="dibao", department="民政", valid_from=D(2025, 1, 1))
    newborn, _ = newborn_register(
        actor=clerk,
        birth_certificate_no=NEWBORN[1],
        name=NEWBORN[0],
        gender="F",
        birth_date=D(2026, 9, 1),
        mother_id_number=mother.id_number,
        division=village,
        registration_date=D(2026, 9, 5),
    )
    pre_enrollment = pre_enrollment_create(
        actor=clerk,
        mother_id_number=expecting.id_number,
        expected_delivery_date=D(2027, 3, 1),
        application_date=D(2026, 11, 20),
    )
    identity_batch = identity_list_preview(
        actor=clerk,
        county=county,
        department="民政",
        list_date=D(2025, 10, 1),
        file_name="矩阵低保名单.xlsx",
        content=xlsx_bytes(
            [
                IDENTITY_LIST_HEADER,
                [RESIDENT[0], RESIDENT[1], "低保"],
                [*UNMATCHED, "低保"],
                [SECOND_RESIDENT[0], SECOND_RESIDENT[1], "富裕户"],  # an error row
            ]
        ),
    )
    birth_batch = birth_import_preview(
        actor=clerk,
        county=county,
        file_name="矩阵出生信息.xlsx",
        content=xlsx_bytes(
            [
                BIRTH_LIST_HEADER,
                ["M140000002", "柳二", "未知", D(2026, 11, 1), mother.id_number, None, YUJING_VILLAGE, D(2026, 11, 5)],
            ]
        ),
    )
    bulk_job = BulkImportJob.objects.create(
        kind=BulkImportKind.RESIDENT_REGISTRY,
        county=county,
        file=ContentFile(b"id_number\n", name="matrix.csv"),
        file_name="矩阵户籍人口.csv",
        status=JobStatus.REFUSED,
        error_count=1,
        error_file=ContentFile(xlsx_bytes([["行号", "错误"], [2, "身份证号校验位错误"]]), name="matrix-report.xlsx"),
        requested_by=clerk,
    )
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)  # a heartbeat that old: the worker is gone
    interrupted_job = BulkImportJob.objects.create(
        kind=BulkImportKind.RESIDENT_REGISTRY,
        county=county,
        file=ContentFile(resident_registry(), name="matrix-interrupted.csv"),
        file_name="矩阵户籍人口（中断）.csv",
        status=JobStatus.VALIDATING,
        started_at=an_hour_ago,
        heartbeat_at=an_hour_ago,
        requested_by=clerk,
    )
    checked_job = BulkImportJob.objects.create(
        kind=BulkImportKind.RESIDENT_REGISTRY,
        county=county,
        file=ContentFile(resident_registry(), name="matrix-checked.csv"),
        file_name="矩阵户籍人口（待确认）.csv",
        status=JobStatus.CHECKED,
        checked_at=an_hour_ago,
        requested_by=clerk,
    )
    # The tax bureau's record of the resident's 2026 contribution, matched as an import matches it.
    TaxPaymentRecord.objects.create(
        voucher_number="314026251100000001",
        id_number=RESIDENT[1],
        name=RESIDENT[0],
        county=county,
        insurance_year=2026,
        amount=enrollment.individual_due,
        paid_on=D(2025, 11, 20),
        deposited_on=D(2025, 11, 21),
        job=bulk_job,
        match_status=TaxPaymentMatch.NOT_REGISTERED,
        match_explanation="",
        matched_at=timezone.now(),
        created_at=timezone.now(),
    )
    tax_payment_match(county_code=SHANYIN, now=timezone.now(), job_id=bulk_job.pk)
    export_jobs: dict[str, ExportJob] = {
        role: ExportJob.objects.create(
            kind=ExportKind.RESIDENT_ROSTER,
            requested_by=user,
            status=JobStatus.SUCCEEDED,
            rows_total=1,
            file=ContentFile(xlsx_bytes([["居民花名册"]]), name="matrix-roster.xlsx"),
            finished_at=timezone.now(),
        )
        for role, user in own.items()
    }
    uninsured_list = UninsuredList.objects.create(
        township_id=YUJING_TOWN,
        year=2026,
        title="2026年度未参保人员名单（玉井镇）",
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        pushed_by=province,
    )
    uninsured_person = UninsuredPerson.objects.create(
        uninsured_list=uninsured_list,
        township_id=YUJING_TOWN,
        village_id=YUJING_VILLAGE,
        year=2026,
        name=UNINSURED[0],
        id_number=UNINSURED[1],
    )
    found_person = UninsuredPerson.objects.create(
        uninsured_list=None,
        township_id=YUJING_TOWN,
        village_id=YUJING_VILLAGE,
        year=2026,
        name=FOUND[0],
        id_number=FOUND[1],
    )
    push_batch = uninsured_push_stage(
        actor=province,
        year=2027,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        file_name="矩阵未参保名单.xlsx",
        content=push_list(),
    )
    ledger_batch = uninsured_ledger_import_stage(
        actor=own[Role.TOWNSHIP_OFFICIAL],
        township=uninsured_list.township,
        year=2026,
        file_name="玉井镇台账.xlsx",
        content=_ledger_file(official=own[Role.TOWNSHIP_OFFICIAL], township=uninsured_list.township),
        today=timezone.localdate(),
    )
    split_batch = target_split_stage(
        actor=own[Role.CITY_STAFF],
        city=Division.objects.get(code=SHUOZHOU),
        year=2026,
        file_name="朔州目标分解.xlsx",
        content=split_file(),
    )
    baseline_batch = baseline_import_stage(actor=province, file_name="矩阵人口基数.xlsx", content=baseline_file())
    refused_baseline_batch = baseline_import_stage(
        actor=province,
        file_name="矩阵人口基数（有错误）.xlsx",
        content=xlsx_bytes([BASELINE_HEADER, ["149999", "不存在", 2026, 1, None, 0, "矩阵测试"]]),
    )
    fiscal_tier = pilot_tier_assign(name="矩阵试点分档", county=SHANYIN)
    for code, actual in ((SHANYIN, 3), (YUJING_TOWN, 2), ("140621101", 1)):
        ProgressSnapshot.objects.create(
            year=2026,
            as_of=JUNE_30,
            division_id=code,
            metric="subsidised_newborns",
            target=Decimal(10),
            actual=actual,
            completion_rate=Decimal(actual) / 10,
            time_progress=time_progress(JUNE_30),
            gap=5 - actual,
            computed_at=timezone.now(),
        )
    progress_job = ProgressJob.objects.create(year=2026, as_of=JUNE_30, requested_by=province)
    duplicate_case = DuplicateCase.objects.create(
        kind=DuplicateKind.EMPLOYEE_AND_RESIDENT,
        year=2026,
        enrollment=enrollment,
        resident=first,
        county=county,
        evidence="矩阵：2026年度职工医保与城乡居民医保重复参保（R8.2、R12.2）。",
        amount=Decimal("400.00"),
    )
    duplicate_scan_job = DuplicateScanJob.objects.create(requested_by=clerk, steps_total=3)
    feed_batch = feed_receive(
        actor=clerk,
        kind="deaths",
        records=[{"id_number": UNMATCHED[1], "name": UNMATCHED[0], "date": "2026-05-01", "type": "death"}],
        channel=FeedChannel.API,
        today=timezone.localdate(),
    )
    policy_draft, impact_simulation = _policy_change(preparer=own[Role.CITY_STAFF])
    return World(
        own=own,
        other=other,
        tokens=tokens,
        resident=first,
        second_resident=second,
        enrollment=enrollment,
        late_enrollment=late,
        newborn=newborn,
        pre_enrollment=pre_enrollment,
        identity_batch=identity_batch,
        birth_batch=birth_batch,
        bulk_job=bulk_job,
        interrupted_job=interrupted_job,
        checked_job=checked_job,
        export_jobs=export_jobs,
        uninsured_list=uninsured_list,
        uninsured_person=uninsured_person,
        found_person=found_person,
        push_batch=push_batch,
        ledger_batch=ledger_batch,
        split_batch=split_batch,
        baseline_batch=baseline_batch,
        refused_baseline_batch=refused_baseline_batch,
        fiscal_tier=fiscal_tier,
        progress_job=progress_job,
        duplicate_case=duplicate_case,
        duplicate_scan_job=duplicate_scan_job,
        **_outreach(official=own[Role.TOWNSHIP_OFFICIAL]),
        feed_batch=feed_batch,
        feed_record=feed_batch.records.get(),
        policy_draft=policy_draft,
        impact_simulation=impact_simulation,
    )


def _policy_change(*, preparer: User) -> tuple[PolicyDraft, ImpactSimulation]:
    draft = draft_with(preparer, SHANYIN, title="矩阵草案", fixed_waiting_months=6)
    return draft, simulation_run(preparer, draft)


def _outreach(*, official: User) -> dict[str, Any]:
    today = timezone.localdate()
    campaign = campaign_create(
        actor=official,
        name="玉井镇动员参保",
        source=UNINSURED_SOURCE,
        division_code=YUJING_TOWN,
        year=today.year + 1,
        template="{姓名}请于{截止日期}前缴费{金额}元",
        channel="file",
        today=today,
    )
    campaign_send_run(job_id=CampaignSendJob.objects.create(campaign=campaign, requested_by=official).pk, today=today)
    opt_out = phone_opt_out_create(actor=official, phone="13800000099", reason="本人要求", date=today)
    return {"campaign": campaign, "opt_out": opt_out}


# --- The uninsured lists and ledgers uploaded ----------------------------------------------------------------------


def push_list() -> bytes:
    """The province's list of one uninsured person of 玉井镇."""
    return xlsx_bytes(
        [["乡镇代码", "乡镇", "村（社区）代码", "姓名", "身份证号"], [YUJING_TOWN, "", YUJING_VILLAGE, *PUSHED]]
    )


def _ledger_file(*, official: User, township: Division) -> bytes:
    rows = uninsured_ledger_rows(user=official, township=township, year=2026)
    counts = uninsured_ledger_counts(township=township, year=2026)
    title = "玉井镇2026年度未参保人员台账"
    return report_xlsx(
        uninsured_ledger_report(title=title, unit="山阴县玉井镇", as_of=JUNE_30, year=2026, counts=counts, rows=rows)
    )


def ledger_file(world: World) -> bytes:
    """玉井镇's 2026 ledger as exported."""
    return _ledger_file(official=world.own[Role.TOWNSHIP_OFFICIAL], township=world.uninsured_list.township)


# --- The files the upload forms are sent: each names 山阴县 or its people ------------------------------------------

# 朔州's 2026 target of subsidised newborns split over its counties: the sum is the city's target.
SHUOZHOU_SPLIT = {
    "140602": 1000,
    "140603": 1000,
    SHANYIN: 1000,
    "140622": 1000,
    "140623": 1000,
    "140671": 500,
    "140681": 500,
}


def birth_list() -> bytes:
    """The health commission's list of one more birth to 柳含烟 in 玉井村, without an ID number yet."""
    birth = ["M140000003", "柳四", "F", D(2026, 11, 2), MOTHER[1], None, YUJING_VILLAGE, D(2026, 11, 6)]
    return xlsx_bytes([BIRTH_LIST_HEADER, birth])


def identity_list() -> bytes:
    """民政's 低保 list of 山阴县: the two residents of the world."""
    return xlsx_bytes([IDENTITY_LIST_HEADER, [*RESIDENT, "低保"], [*SECOND_RESIDENT, "低保"]])


def resident_registry() -> bytes:
    """A county's household registry (CSV) of one person of 玉井村."""
    return f"身份证号,姓名,户籍地代码\n{NEW_RESIDENT[1]},{NEW_RESIDENT[0]},{YUJING_VILLAGE}\n".encode()


def split_file() -> bytes:
    """朔州's split filled in, as its template would be."""
    return xlsx_bytes(
        [["区县代码", "区县", "目标人数"], *([code, "", value] for code, value in SHUOZHOU_SPLIT.items())]
    )


def baseline_file() -> bytes:
    """山阴县's 2026 population baseline."""
    return xlsx_bytes([BASELINE_HEADER, [SHANYIN, "山阴县", 2026, 300000, None, 20000, "矩阵测试"]])
