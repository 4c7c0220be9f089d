"""Reads of outreach: the people of the built-in sources (the uninsured ledgers, the newborns) with what their
reminder tells them, the campaigns and messages of the user's scope, the opt-outs, and the lines a campaign adds to
the township ledger's 动员情况.

Campaigns are scoped by their division, messages by their campaign's; a campaign outside the scope does not exist.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import User
from accounts.scope import scope_queryset
from core.formatting import date_table_text
from divisions.codes import county_code_of
from divisions.models import Division, DivisionLevel
from enrollment.models import Enrollment, EnrollmentStatus, Resident, ResidentStatus
from enrollment.policy import PolicyNotFound, policy_resolve
from enrollment.rules import IdNumberError, PersonHistory, PolicyFigures, id_number_parse
from enrollment.selectors import person_history
from exchange.models import MaternityReimbursement
from exchange.selectors import maternity_babies_unenrolled
from newborns.models import BirthRecord
from uninsured.models import UninsuredPerson, UninsuredReason, VerificationStatus

from .models import Campaign, CampaignMessage, CampaignSendJob, Outcome, PhoneOptOut
from .rules import Due, due_compute
from .sources import OutreachTarget

UNKNOWN_BIRTH_DATE = datetime.date(1900, 1, 1)  # as the quote API: a birth year that limits no break counting
# Outcomes of the ledger that mean nobody is to be reminded: insured somewhere, gone, or not to pay here.
NOT_TO_REMIND = (
    UninsuredReason.INSURED_ELSEWHERE,
    UninsuredReason.EMPLOYEE_INSURED,
    UninsuredReason.DECEASED,
    UninsuredReason.MOVED_AWAY,
    UninsuredReason.SERVING_OR_ABROAD,
)
CAMPAIGN_FIELDS = ("division__code",)


# --- What a person is told -----------------------------------------------------------------------------------------


class DueFinder:
    """The deadline and amount for people of one insurance year, the county's figures read once per county."""

    def __init__(self, *, year: int) -> None:
        self.year = year
        self.policies: dict[str, PolicyFigures | None] = {}

    def policy(self, county_code: str) -> PolicyFigures | None:
        if county_code not in self.policies:
            try:
                self.policies[county_code] = policy_resolve(region_code=county_code, insurance_year=self.year)
            except PolicyNotFound:
                self.policies[county_code] = None
        return self.policies[county_code]

    def due(
        self, *, county_code: str, resident: Resident | None, id_number: str, birth_date: datetime.date | None = None
    ) -> Due | None:
        """None when the county has no policy figures for the year: nobody there can be told an amount. A person
        without a record is known by an ID number, or by a birth date where the number is not known yet (a baby)."""
        policy = self.policy(county_code)
        if policy is None:
            return None
        if resident is not None:
            history = person_history(resident=resident, before_year=self.year, on_date=policy.calendar.normal_part_ends)
        else:
            history = PersonHistory(birth_date=birth_date or _birth_date_of(id_number))
        return due_compute(policy=policy, history=history)


def _birth_date_of(id_number: str) -> datetime.date:
    try:
        return id_number_parse(id_number).birth_date
    except IdNumberError:
        return UNKNOWN_BIRTH_DATE


def _in_division(division: Division, *fields: str) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__startswith": division.code})
    return condition


def _enrolled_for(year: int, id_number_field: str) -> Exists:
    return Exists(
        Enrollment.objects.filter(
            resident__id_number=OuterRef(id_number_field), insurance_year=year, status=EnrollmentStatus.ACTIVE
        )
    )


def uninsured_targets(
    *, actor: User | None, division: Division, year: int, today: datetime.date
) -> list[OutreachTarget]:
    """The people of the uninsured ledgers of the division for the year or the year before (the September campaign
    reminds last year's uninsured of the next collection), not yet enrolled for the year, whose recorded reason does
    not rule a reminder out (insured elsewhere, employee insurance, deceased, moved, serving or abroad). A person on
    both years' ledgers is reminded once, from the year's."""
    people = UninsuredPerson.objects.filter(_in_division(division, "township__code", "village__code"))
    people = people.filter(year__in=(year, year - 1)).exclude(reason__in=NOT_TO_REMIND)
    people = people.exclude(verification_status=VerificationStatus.NOT_UNINSURED)
    people = people.exclude(year=year, enrollment_date__isnull=False)
    people = people.annotate(enrolled=_enrolled_for(year, "id_number")).filter(enrolled=False)
    if actor is not None:
        people = scope_queryset(people, user=actor, code_fields=("township__code",))
    people = people.select_related("village").order_by("village_id", "name", "-year", "id")
    residents = {
        resident.id_number: resident
        for resident in Resident.objects.filter(id_number__in=people.values("id_number")).exclude(
            status=ResidentStatus.VOIDED
        )
    }
    finder = DueFinder(year=year)
    targets: dict[str, OutreachTarget] = {}
    for person in people:
        if person.id_number in targets:
            continue
        resident = residents.get(person.id_number)
        county = county_code_of(str(person.township_id))
        due = finder.due(county_code=county, resident=resident, id_number=person.id_number)
        if due is None:
            continue
        reason = person.get_reason_display() if person.reason else "未参保"
        targets[person.id_number] = OutreachTarget(
            resident_id=resident.pk if resident else None,
            name=person.name,
            id_number=person.id_number,
            phone=person.phone or (resident.phone if resident else ""),
            village=person.village,
            reason=f"{person.year}年度未参保台账：{reason}",
            deadline=due.deadline,
            amount=due.amount,
            explanation=due.explanation,
        )
    return list(targets.values())


def newborn_targets(*, actor: User | None, division: Division, year: int, today: datetime.date) -> list[OutreachTarget]:
    """Babies of the division born in the year or the year before (up to today) still without an ID number (R7.5),
    or without an active enrollment for the year; the phone is the baby's record's, else the mother's."""
    births = BirthRecord.objects.filter(_in_division(division, "division__code"))
    births = births.filter(birth_date__year__in=(year - 1, year), birth_date__lte=today)
    births = births.exclude(resident__status=ResidentStatus.VOIDED)
    births = births.annotate(
        enrolled=Exists(
            Enrollment.objects.filter(
                resident_id=OuterRef("resident_id"), insurance_year=year, status=EnrollmentStatus.ACTIVE
            )
        )
    ).filter(Q(resident__id_number_is_placeholder=True) | Q(enrolled=False) | Q(resident__isnull=True))
    if actor is not None:
        births = scope_queryset(births, user=actor, code_fields=("division__code",))
    births = births.select_related("resident__household_division", "division").order_by("division_id", "birth_date")
    mothers = dict(
        Resident.objects.filter(id_number__in=births.values("mother_id_number")).values_list("id_number", "phone")
    )
    finder = DueFinder(year=year)
    targets = []
    for birth in births:
        resident = birth.resident
        id_number = resident.id_number if resident else birth.birth_certificate_no
        due = finder.due(county_code=county_code_of(str(birth.division_id)), resident=resident, id_number=id_number)
        if due is None:
            continue
        if resident is not None and resident.id_number_is_placeholder:
            reason = "出生登记尚未补录身份证号（R7.5）"
        else:
            reason = f"新生儿尚未参加{year}年度居民医保"
        village = birth.division if birth.division.level == DivisionLevel.VILLAGE else None
        if village is None and resident is not None and resident.household_division.level == DivisionLevel.VILLAGE:
            village = resident.household_division
        targets.append(
            OutreachTarget(
                resident_id=resident.pk if resident else None,
                name=birth.name,
                id_number=id_number,
                phone=(resident.phone if resident else "") or mothers.get(birth.mother_id_number, ""),
                village=village,
                reason=reason,
                deadline=due.deadline,
                amount=due.amount,
                explanation=due.explanation,
            )
        )
    return targets


def maternity_targets(
    *, actor: User | None, division: Division, year: int, today: datetime.date
) -> list[OutreachTarget]:
    """Mothers of the division whose maternity reimbursement the employee-insurance system sent (生育保险报销) and
    whose baby, born in the year or the year before, has no active enrollment yet: the mother is reminded to register
    and enroll the baby (陕医保发〔2024〕7号 二（三）), with the baby's deadline and amount (R7.1)."""
    reimbursements = MaternityReimbursement.objects.filter(
        _in_division(division, "division__code"), baby_birth_date__year__in=(year - 1, year)
    )
    if actor is not None:
        reimbursements = scope_queryset(reimbursements, user=actor, code_fields=("division__code",))
    finder = DueFinder(year=year)
    targets = []
    for reimbursement in maternity_babies_unenrolled(reimbursements, today=today):
        due = finder.due(
            county_code=county_code_of(str(reimbursement.division_id)),
            resident=None,
            id_number="",
            birth_date=reimbursement.baby_birth_date,
        )
        if due is None:
            continue
        division_of_mother = reimbursement.division
        village = (
            division_of_mother if division_of_mother and division_of_mother.level == DivisionLevel.VILLAGE else None
        )
        targets.append(
            OutreachTarget(
                resident_id=reimbursement.mother_id,
                name=reimbursement.mother_name,
                id_number=reimbursement.mother_id_number,
                phone=reimbursement.phone or (reimbursement.mother.phone if reimbursement.mother else ""),
                village=village,
                reason=f"生育保险已报销，{date_table_text(reimbursement.baby_birth_date)}出生的婴儿尚未参保",
                deadline=due.deadline,
                amount=due.amount,
                explanation=due.explanation,
            )
        )
    return targets


# --- Campaigns -----------------------------------------------------------------------------------------------------


def campaign_list(*, user: User) -> QuerySet[Campaign]:
    campaigns = Campaign.objects.select_related("division", "created_by")
    return scope_queryset(campaigns, user=user, code_fields=CAMPAIGN_FIELDS)


def campaign_get(*, user: User, pk: int) -> Campaign | None:
    return campaign_list(user=user).filter(pk=pk).first()


def campaign_messages(*, campaign: Campaign, outcome: str = "") -> QuerySet[CampaignMessage]:
    """The messages of a campaign the caller already found in scope, by village and name."""
    messages = CampaignMessage.objects.filter(campaign=campaign).select_related("village")
    if outcome:
        messages = messages.filter(outcome=outcome)
    return messages.order_by("village_id", "name", "id")


@dataclass(frozen=True)
class OutcomeCount:
    outcome: str
    label: str
    messages: int


def campaign_outcome_counts(*, campaign: Campaign) -> list[OutcomeCount]:
    counts = dict(
        CampaignMessage.objects.filter(campaign=campaign).values_list("outcome").annotate(n=Count("id")).order_by()
    )
    return [
        OutcomeCount(outcome=str(value), label=str(label), messages=counts.get(value, 0))
        for value, label in Outcome.choices
    ]


@dataclass(frozen=True)
class VillageNotices:
    village_name: str
    messages: list[CampaignMessage]


def campaign_village_notices(*, campaign: Campaign) -> list[VillageNotices]:
    """The campaign's messages grouped by village for the printed notices (告知书), villages in code order."""
    groups: dict[str, VillageNotices] = {}
    for message in campaign_messages(campaign=campaign):
        name = message.village.name if message.village else "未分村（社区）"
        groups.setdefault(message.village_id or "", VillageNotices(village_name=name, messages=[]))
        groups[message.village_id or ""].messages.append(message)
    return [groups[code] for code in sorted(groups, key=lambda code: (code == "", code))]


def campaign_latest_job(*, campaign: Campaign) -> CampaignSendJob | None:
    return CampaignSendJob.objects.filter(campaign=campaign).order_by("-created_at", "-id").first()


def campaign_send_job_get(*, user: User, pk: int) -> CampaignSendJob | None:
    jobs = CampaignSendJob.objects.select_related("campaign__division")
    return scope_queryset(jobs, user=user, code_fields=("campaign__division__code",)).filter(pk=pk).first()


def campaigns_unsent(*, user: User) -> QuerySet[Campaign]:
    """Campaigns of the user's scope created but never sent."""
    return campaign_list(user=user).filter(status="draft")


# --- Opt-outs ------------------------------------------------------------------------------------------------------


def phone_opt_outs(*, user: User) -> QuerySet[PhoneOptOut]:
    """The opt-outs recorded in the user's scope (every opt-out applies everywhere when sending)."""
    opt_outs = PhoneOptOut.objects.select_related("division", "created_by")
    return scope_queryset(opt_outs, user=user, code_fields=("division__code",))


def phone_opt_out_get(*, user: User, pk: int) -> PhoneOptOut | None:
    return phone_opt_outs(user=user).filter(pk=pk).first()


# --- The ledger's 动员情况 (uninsured.mobilisation) -----------------------------------------------------------------


def campaign_ledger_lines(people: Sequence[UninsuredPerson]) -> dict[int, list[str]]:
    """For each ledger person reminded by a campaign of the ledger's year or the next, in the township's county,
    a line per message that left: 短信提醒 2026-09-03 已发送."""
    by_id_number: dict[str, list[UninsuredPerson]] = {}
    for person in people:
        by_id_number.setdefault(person.id_number, []).append(person)
    messages = (
        CampaignMessage.objects.filter(id_number__in=list(by_id_number))
        .exclude(outcome=Outcome.QUEUED)
        .select_related("campaign")
        .order_by("sent_at", "id")
    )
    lines: dict[int, list[str]] = {}
    for message in messages:
        campaign = message.campaign
        for person in by_id_number[message.id_number]:
            if campaign.year not in (person.year, person.year + 1):
                continue
            if county_code_of(campaign.division_id) != county_code_of(str(person.township_id)):
                continue
            when = date_table_text(message.sent_at or campaign.created_at)
            lines.setdefault(person.pk, []).append(
                f"{campaign.get_channel_display()} {when} {message.get_outcome_display()}"
            )
    return lines
