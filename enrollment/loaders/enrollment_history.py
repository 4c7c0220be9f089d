"""Enrollment history (历史参保记录) from the old system or the tax bureau: the set-based checks and the load.

Each good row becomes one Enrollment of a person already in the registry, with one contribution Payment when it is
active, and one HistoricalEnrollment row (django-simple-history records nothing on bulk writes, so the load writes
them itself, in the same transaction, with the importing user and the reason "批量导入 #<job>").

The figures are the file's: what the person paid, the subsidy and its category, the benefit period and the status.
The standard is their sum; the year counts as an enrolled year (R4.1) when it has a benefit period. Waiting periods,
continuity and the catastrophic cap are not recomputed under today's rules: they are stored as zero and the
explanation says so. Payments are recorded as collected by the tax channel, which has collected resident
contributions since the 2019 reform.

A person-year that already has an active enrollment is skipped and listed in the report as "已有参保记录", so a
file can be imported again (or overlap the window's own records) without doubling anything.
"""

import datetime
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection

from accounts.models import User
from bulk.rules import (
    FIRST_YEAR,
    LAST_YEAR,
    REASON_SEPARATOR,
    Column,
    cell_at,
    cell_text_at,
    date_check,
    money_check,
)
from bulk.staging import (
    OUTCOME_SKIP,
    Stage,
    StageColumn,
    date_column,
    history_columns,
    history_reason,
    mark_duplicates,
    money_column,
    text_column,
)
from divisions.codes import code_length, county_code_of
from divisions.models import DivisionLevel
from enrollment.models import (
    Enrollment,
    EnrollmentBasis,
    EnrollmentStatus,
    Payment,
    PaymentChannel,
    PaymentKind,
    Resident,
)
from enrollment.rules import RecordDateRefused, insurance_year_open_check, payment_date_check
from enrollment.services.partitions import enrollment_partitions_ensure

from .cells import id_number_check
from .people import registry_person_checks

UNKNOWN_PERSON = "身份证号未在居民档案中登记，请先导入居民档案。"
OUTSIDE_COUNTY = "该居民户籍和居住地均不在本县（区），不能由本县（区）导入其参保记录。"
ALREADY_ENROLLED = "已有参保记录"
HISTORY_CHANNEL = PaymentChannel.TAX

ENROLLMENT_COLUMNS = (
    Column("身份证号", ("身份证号", "公民身份号码", "身份证号码")),
    Column("保险年度", ("保险年度", "参保年度")),
    Column("缴费日期", ("缴费日期",)),
    Column("个人缴费", ("个人缴费", "个人缴费金额", "个人缴费（元）")),
    Column("资助金额", ("资助金额", "资助金额（元）"), required=False),
    Column("资助类别", ("资助类别",), required=False),
    Column("待遇开始", ("待遇开始", "待遇享受开始日期"), required=False),
    Column("待遇截止", ("待遇截止", "待遇享受截止日期"), required=False),
    Column("状态", ("状态", "参保状态"), required=False),
)

ENROLLMENT_STATUS_NAMES = {
    "": "active",
    "有效": "active",
    "active": "active",
    "已退费": "refunded",
    "refunded": "refunded",
}
# The typed columns of the stage, in the order enrollment_row_check returns a good row's values.
ENROLLMENT_STAGE_COLUMNS = (
    text_column("id_number", 18),
    StageColumn("insurance_year", "smallint", "integer"),
    date_column("payment_date"),
    money_column("individual_due"),
    money_column("subsidy_amount"),
    text_column("subsidy_category", 32),
    date_column("benefit_start"),
    date_column("benefit_end"),
    text_column("status", 16),
)


def enrollment_row_check(
    cells: Sequence[object],
    *,
    positions: Mapping[str, int],
    subsidy_categories: Mapping[str, str],
    today: datetime.date,
) -> tuple[tuple[Any, ...] | None, str]:
    """A row of enrollment history: (id_number, insurance_year, payment_date, individual_due, subsidy_amount,
    subsidy_category, benefit_start, benefit_end, status) or reasons.

    `subsidy_categories` maps each accepted name of a subsidy category (its code and its Chinese name) to the code.
    The year and the payment date are checked as a payment at the window is (R13.0): no year whose collection has
    not begun, no payment after today or before 1 January of the year before its insurance year.
    """
    reasons = []
    identity = id_number_check(cell_at(cells, positions, "身份证号"), today=today)
    if isinstance(identity, str):
        reasons.append(identity)
    year_text = cell_text_at(cells, positions, "保险年度")
    year = int(year_text) if year_text.isdigit() else 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        reasons.append(f"保险年度「{year_text}」应为{FIRST_YEAR}至{LAST_YEAR}之间的年份。")
    payment_date = date_check(cell_at(cells, positions, "缴费日期"), column="缴费日期", required=True)
    individual_due = money_check(cell_at(cells, positions, "个人缴费"), column="个人缴费", required=True)
    subsidy_amount = money_check(cell_at(cells, positions, "资助金额"), column="资助金额", required=False)
    benefit_start = date_check(cell_at(cells, positions, "待遇开始"), column="待遇开始", required=False)
    benefit_end = date_check(cell_at(cells, positions, "待遇截止"), column="待遇截止", required=False)
    for checked in (payment_date, individual_due, subsidy_amount, benefit_start, benefit_end):
        if isinstance(checked, str):
            reasons.append(checked)
    if FIRST_YEAR <= year <= LAST_YEAR:
        try:
            insurance_year_open_check(insurance_year=year, today=today)
            if isinstance(payment_date, datetime.date):
                payment_date_check(insurance_year=year, payment_date=payment_date, today=today)
        except RecordDateRefused as error:
            reasons.append(str(error))
    category_text = cell_text_at(cells, positions, "资助类别")
    category = subsidy_categories.get(category_text, "") if category_text else ""
    if category_text and not category:
        reasons.append(f"资助类别「{category_text}」不是已知的资助类别。")
    status_text = cell_text_at(cells, positions, "状态")
    status = ENROLLMENT_STATUS_NAMES.get(status_text)
    if status is None:
        reasons.append(f"状态「{status_text}」应为“有效”或“已退费”。")
    dates_read = not isinstance(benefit_start, str) and not isinstance(benefit_end, str)
    if dates_read and (benefit_start is None) != (benefit_end is None):
        reasons.append("待遇开始与待遇截止应同时填写或同时留空。")
    elif dates_read and benefit_start is not None and benefit_start > benefit_end:  # type: ignore[operator]
        reasons.append("待遇开始不能晚于待遇截止。")
    if reasons:
        return None, REASON_SEPARATOR.join(reasons)
    id_number = identity[0]
    return (
        id_number,
        year,
        payment_date,
        individual_due,
        subsidy_amount,
        category,
        benefit_start,
        benefit_end,
        status,
    ), ""


def explanation(job_id: int, file_name: str) -> list[dict[str, str]]:
    return [
        {
            "rule": "",
            "text": (
                "历史参保记录，由批量导入载入：个人缴费、资助金额与类别、待遇期按原记录；"
                "等待期、连续参保、大病保险限额未按现行规则重算。"
            ),
            "source": f"批量导入 #{job_id}（{file_name}）",
        }
    ]


def enrollment_checks(stage: Stage, *, county_code: str) -> None:
    """Unknown people, people of another county, the same active person-year twice in the file, and person-years
    already recorded (skipped, not refused)."""
    registry_person_checks(stage, county_code=county_code, unknown_person=UNKNOWN_PERSON, outside_county=OUTSIDE_COUNTY)
    resident_table = Resident._meta.db_table
    mark_duplicates(
        stage, key="id_number, insurance_year", where="AND status = 'active'", what="同一人同一保险年度的有效记录"
    )
    stage.execute(
        f"""
        UPDATE {{stage}} SET outcome = %s, problem = %s
        WHERE outcome IS NULL AND EXISTS (
            SELECT 1 FROM {Enrollment._meta.db_table} e JOIN {resident_table} r ON r.id = e.resident_id
            WHERE r.id_number = {{stage}}.id_number AND e.insurance_year = {{stage}}.insurance_year
              AND ((e.status = 'active' AND {{stage}}.status = 'active')
                OR (e.status = 'refunded' AND {{stage}}.status = 'refunded'
                    AND e.payment_date = {{stage}}.payment_date)))
        """,
        [OUTCOME_SKIP, ALREADY_ENROLLED],
    )


def enrollment_report_texts(values: tuple, *, category_names: dict[str, str]) -> list[str]:
    id_number, year, payment_date, individual_due, subsidy_amount, category, start, end, status = values
    return [
        id_number or "",
        str(year or ""),
        str(payment_date or ""),
        str(individual_due if individual_due is not None else ""),
        str(subsidy_amount if subsidy_amount is not None else ""),
        category_names.get(category or "", category or ""),
        str(start or ""),
        str(end or ""),
        EnrollmentStatus(status).label if status in EnrollmentStatus.values else (status or ""),
    ]


def enrollment_load(
    stage: Stage, *, job_id: int, file_name: str, actor: User, now: datetime.datetime
) -> tuple[int, int]:
    """Insert the stage's good rows as enrollments with their payments and history; returns (created, 0)."""
    if connection.vendor == "postgresql":
        created = _load_postgresql(stage, job_id=job_id, file_name=file_name, actor=actor, now=now)
    else:
        created = _load_batched(stage, job_id=job_id, file_name=file_name, actor=actor, now=now)
    return created, 0


def _load_postgresql(stage: Stage, *, job_id: int, file_name: str, actor: User, now: datetime.datetime) -> int:
    # Past years come in here: each gets its partition first, so that none of them fills the DEFAULT partition.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT insurance_year FROM {stage.name} WHERE outcome IS NULL")
        years = [year for (year,) in cursor.fetchall() if year is not None]
    enrollment_partitions_ensure(years=years)
    columns = ", ".join(history_columns(Enrollment))
    sql = f"""
        WITH inserted AS (
            INSERT INTO {Enrollment._meta.db_table} (
                resident_id, insurance_year, status, payment_date, channel, payer_id_number, payer_relation,
                accident_topup, special_status, special_date, back_paid_years, projected, contribution_standard,
                in_collection_period, continuous, break_years, individual_due, subsidy_amount, subsidy_category,
                back_payment_due, waiting_fixed_months, waiting_variable_months, waiting_repaired_months,
                waiting_total_months, benefit_start, benefit_end, counts_as_enrolled_year, cap_base,
                cap_continuity_bonus, cap_zero_claim_bonus, cap_break_penalty, cap_effective, explanation,
                recorded_by_id, created_at, refund_reason, refund_date, void_reason,
                enrolling_county_id, enrollment_basis, basis_document_no, basis_valid_from, basis_valid_to,
                exit_kind, policy_versions)
            SELECT r.id, s.insurance_year, s.status, s.payment_date, %(channel)s, '', '',
                NULL, '', NULL, 0, false, s.individual_due + s.subsidy_amount,
                s.payment_date < make_date(s.insurance_year, 1, 1), false, 0, s.individual_due, s.subsidy_amount,
                s.subsidy_category, 0, 0, 0, 0,
                0, s.benefit_start, s.benefit_end, s.benefit_start IS NOT NULL, 0,
                0, 0, 0, 0, %(explanation)s::jsonb,
                %(user)s, %(now)s, '', NULL, '',
                substr(r.household_division_id, 1, %(county_length)s), %(basis)s, '', NULL, NULL,
                '', ''
            FROM {stage.name} s JOIN {Resident._meta.db_table} r ON r.id_number = s.id_number
            WHERE s.outcome IS NULL
            ORDER BY r.id, s.insurance_year
            RETURNING *
        ), history AS (
            INSERT INTO {Enrollment.history.model._meta.db_table} (
                {columns}, history_date, history_change_reason, history_type, history_user_id)
            SELECT {columns}, %(now)s, %(reason)s, '+', %(user)s FROM inserted
        ), payments AS (
            INSERT INTO {Payment._meta.db_table} (
                kind, amount, date, years, reason, created_at, enrollment_id, recorded_by_id)
            SELECT %(kind)s, individual_due, payment_date, 0, '', %(now)s, id, %(user)s
            FROM inserted WHERE status = %(active)s
        )
        SELECT COUNT(*) FROM inserted
    """
    params: dict[str, Any] = {
        "channel": HISTORY_CHANNEL,
        "explanation": json.dumps(explanation(job_id, file_name), ensure_ascii=False),
        "user": actor.pk,
        "now": now,
        "reason": history_reason(job_id),
        "kind": PaymentKind.CONTRIBUTION,
        "active": EnrollmentStatus.ACTIVE,
        "county_length": code_length(DivisionLevel.COUNTY),
        "basis": EnrollmentBasis.HOUSEHOLD,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (created,) = cursor.fetchone()
    return created


def _load_batched(stage: Stage, *, job_id: int, file_name: str, actor: User, now: datetime.datetime) -> int:
    """SQLite: 5,000 rows at a time with `bulk_create`, their payments and their history rows."""
    created = 0
    names = [
        "id_number",
        "insurance_year",
        "payment_date",
        "individual_due",
        "subsidy_amount",
        "subsidy_category",
        "benefit_start",
        "benefit_end",
        "status",
    ]
    note = explanation(job_id, file_name)
    for batch in stage.good_row_batches(names):
        residents = {
            id_number: (pk, county_code_of(household))
            for id_number, pk, household in Resident.objects.filter(
                id_number__in=[row[0] for row in batch]
            ).values_list("id_number", "id", "household_division_id")
        }
        enrollments = []
        for id_number, year, paid_on, individual, subsidy, category, start, end, status in batch:
            payment_date = datetime.date.fromisoformat(paid_on)
            individual_due, subsidy_amount = _decimal(individual), _decimal(subsidy)
            benefit_start = datetime.date.fromisoformat(start) if start else None
            enrollments.append(
                Enrollment(
                    resident_id=residents[id_number][0],
                    enrolling_county_id=residents[id_number][1],  # the household county (R13.0a)
                    insurance_year=year,
                    status=status,
                    payment_date=payment_date,
                    channel=HISTORY_CHANNEL,
                    projected=False,
                    contribution_standard=individual_due + subsidy_amount,
                    in_collection_period=payment_date < datetime.date(year, 1, 1),
                    continuous=False,
                    break_years=0,
                    individual_due=individual_due,
                    subsidy_amount=subsidy_amount,
                    subsidy_category=category,
                    back_payment_due=0,
                    waiting_fixed_months=0,
                    waiting_variable_months=0,
                    waiting_repaired_months=0,
                    waiting_total_months=0,
                    benefit_start=benefit_start,
                    benefit_end=datetime.date.fromisoformat(end) if end else None,
                    counts_as_enrolled_year=benefit_start is not None,
                    cap_base=0,
                    cap_continuity_bonus=0,
                    cap_zero_claim_bonus=0,
                    cap_break_penalty=0,
                    cap_effective=0,
                    explanation=note,
                    recorded_by=actor,
                )
            )
        Enrollment.objects.bulk_create(enrollments)
        Payment.objects.bulk_create(
            Payment(
                enrollment=enrollment,
                kind=PaymentKind.CONTRIBUTION,
                amount=enrollment.individual_due,
                date=enrollment.payment_date,
                recorded_by=actor,
            )
            for enrollment in enrollments
            if enrollment.status == EnrollmentStatus.ACTIVE
        )
        Enrollment.history.bulk_history_create(
            enrollments, default_user=actor, default_change_reason=history_reason(job_id), default_date=now
        )
        created += len(enrollments)
    return created


def _decimal(text: str) -> Decimal:
    return Decimal(text).quantize(Decimal("0.01"))
