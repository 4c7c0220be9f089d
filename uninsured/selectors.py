"""Reads of the uninsured ledger (未参保台账, R13.5): the pushed lists with their progress, a township's ledger,
its counts per village and step, and the ledger's rows for the Excel file.

Everything is limited to the user's division scope (accounts.scope); counts are SQL aggregations, a group per
village and step or per list, never person by person in Python. A person counts as enrolled when the official has
recorded an enrollment date, or when the registry holds an active enrollment of theirs for the ledger's year. A
person the registry marks 迁出 (moved out of the province, from the household registration) shows as 已迁出 while no
reason is recorded.
"""

import datetime
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Substr

from accounts.models import User
from accounts.personal_data import id_number_for
from accounts.scope import DivisionOutOfScope, scope_queryset, user_can_see_division, user_scope_code_at
from divisions.codes import code_length
from divisions.models import Division, DivisionLevel
from enrollment.models import Enrollment, EnrollmentStatus, Resident, ResidentStatus

from .mobilisation import mobilisation_lines
from .models import (
    OutreachStep,
    UninsuredLedgerImportBatch,
    UninsuredList,
    UninsuredPerson,
    UninsuredPushBatch,
    UninsuredReason,
)

TOWNSHIP_FIELDS = ("township__code",)
NO_VILLAGE = "未分村（社区）"
NO_REASON = "未填写原因"
LEDGER_CHUNK = 2000


def _registry_enrollments() -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(
        resident__id_number=OuterRef("id_number"), insurance_year=OuterRef("year"), status=EnrollmentStatus.ACTIVE
    )


def registry_enrolled() -> Exists:
    """Whether the registry holds an active enrollment of the person (by ID number) for the ledger's year."""
    return Exists(_registry_enrollments())


def _registry_elsewhere_place() -> Subquery:
    """R13.5 with R13.0a: the county holding the person's active enrollment for the ledger's year when it is not the
    township's own county (已在外地参保, found in the registry); None otherwise."""
    own_county = Substr(OuterRef("township_id"), 1, code_length(DivisionLevel.COUNTY))
    return Subquery(
        _registry_enrollments().exclude(enrolling_county_id=own_county).values("enrolling_county__name")[:1]
    )


def registry_moved_out() -> Exists:
    """R13.5: whether the registry marks the person (by ID number) 迁出, moved out of the province."""
    return Exists(Resident.objects.filter(id_number=OuterRef("id_number"), status=ResidentStatus.MOVED_OUT))


def _reason_marked() -> Case:
    """The reason recorded, or, when none is, 已在外地参保 when the registry holds the year in another county and
    已迁出 when it marks the person moved out (needs the registry_elsewhere_place and registry_moved_out
    annotations)."""
    return Case(
        When(Q(reason="") & Q(registry_elsewhere_place__isnull=False), then=Value(UninsuredReason.INSURED_ELSEWHERE)),
        When(Q(reason="") & Q(registry_moved_out=True), then=Value(UninsuredReason.MOVED_AWAY)),
        default=F("reason"),
    )


ENROLLED = Q(enrollment_date__isnull=False) | Q(registry_enrolled=True)
# Without an outcome: no reason recorded and not enrolled (needs the registry_enrolled annotation).
PENDING = Q(reason="", enrollment_date__isnull=True, registry_enrolled=False)


def list_overdue(*, deadline: datetime.date, pending: int, today: datetime.date) -> bool:
    """A pushed list is overdue once its deadline has passed with people still without an outcome."""
    return today > deadline and pending > 0


# --- The pushed lists ---------------------------------------------------------------------------------------------


def uninsured_lists(*, user: User) -> QuerySet[UninsuredList]:
    return scope_queryset(
        UninsuredList.objects.select_related("township", "township__parent", "pushed_by", "signed_by"),
        user=user,
        code_fields=TOWNSHIP_FIELDS,
    )


@dataclass(frozen=True)
class ListProgress:
    uninsured_list: UninsuredList
    people: int
    enrolled: int
    pending: int
    overdue: bool

    @property
    def with_outcome(self) -> int:
        return self.people - self.pending


def uninsured_list_progress(*, lists: Sequence[UninsuredList], today: datetime.date) -> list[ListProgress]:
    """The people of each list, how many are enrolled, how many still have no outcome, and whether it is overdue."""
    figures = {
        row["uninsured_list"]: row
        for row in UninsuredPerson.objects.filter(uninsured_list__in=[item.pk for item in lists])
        .annotate(registry_enrolled=registry_enrolled())
        .values("uninsured_list")
        .annotate(people=Count("id"), enrolled=Count("id", filter=ENROLLED), pending=Count("id", filter=PENDING))
        .order_by()
    }
    progress = []
    for item in lists:
        row = figures.get(item.pk, {})
        pending = row.get("pending", 0)
        progress.append(
            ListProgress(
                uninsured_list=item,
                people=row.get("people", 0),
                enrolled=row.get("enrolled", 0),
                pending=pending,
                overdue=list_overdue(deadline=item.deadline, pending=pending, today=today),
            )
        )
    return progress


# --- A township's ledger ------------------------------------------------------------------------------------------


def uninsured_townships(*, user: User) -> QuerySet[Division]:
    """The townships whose ledger the user may open: their own, or those of their scope that have a ledger."""
    townships = Division.objects.filter(level=DivisionLevel.TOWNSHIP).select_related("parent")
    own_township = user_scope_code_at(user=user, levels=(DivisionLevel.TOWNSHIP,))
    if own_township is not None:
        return townships.filter(code=own_township)
    townships = townships.filter(code__in=UninsuredPerson.objects.values("township_id"))
    return scope_queryset(townships, user=user, code_fields=("code",))


def uninsured_push_batches(*, user: User) -> QuerySet[UninsuredPushBatch]:
    """The lists uploaded to push within the user's scope: another division's upload does not exist for them."""
    batches = UninsuredPushBatch.objects.select_related("division", "uploaded_by", "confirmed_by")
    return scope_queryset(batches, user=user, code_fields=("division__code",))


def uninsured_ledger_import_batches(*, user: User) -> QuerySet[UninsuredLedgerImportBatch]:
    """The ledger files uploaded for the townships of the user's scope."""
    batches = UninsuredLedgerImportBatch.objects.select_related("township", "uploaded_by", "confirmed_by")
    return scope_queryset(batches, user=user, code_fields=TOWNSHIP_FIELDS)


def uninsured_township_get(*, user: User, code: str) -> Division:
    township = Division.objects.filter(code=code, level=DivisionLevel.TOWNSHIP).select_related("parent").first()
    if township is None or not user_can_see_division(user=user, division_code=code):
        raise DivisionOutOfScope(code)
    return township


def uninsured_default_township_code(*, user: User) -> str:
    township = uninsured_townships(user=user).order_by("code").first()
    return township.code if township else ""


def uninsured_years(*, township: Division) -> list[int]:
    return list(
        UninsuredPerson.objects.filter(township=township).values_list("year", flat=True).distinct().order_by("-year")
    )


def uninsured_ledger_people(
    *, user: User, township: Division, year: int, village_code: str = "", step: str = "", query: str = ""
) -> QuerySet[UninsuredPerson]:
    """The people of a township's ledger for a year, in village and name order, with the registry's payment date.

    `query` is part of a name or a whole ID number (not part of one: masked users would learn the hidden digits).
    """
    people = scope_queryset(
        UninsuredPerson.objects.filter(township=township, year=year), user=user, code_fields=TOWNSHIP_FIELDS
    )
    if village_code:
        people = people.filter(village_id=village_code)
    if step:
        people = people.filter(step=step)
    query = query.strip()
    if query:
        people = people.filter(Q(name__contains=query) | Q(id_number=query.upper()))
    return (
        people.select_related("village", "uninsured_list", "updated_by")
        .annotate(
            registry_payment_date=Subquery(_registry_enrollments().values("payment_date")[:1]),
            registry_elsewhere_place=_registry_elsewhere_place(),
            registry_moved_out=registry_moved_out(),
        )
        .order_by("village_id", "name", "id")
    )


def uninsured_person_get(*, user: User, pk: int) -> UninsuredPerson | None:
    people = UninsuredPerson.objects.select_related("township", "village", "uninsured_list").annotate(
        registry_payment_date=Subquery(_registry_enrollments().values("payment_date")[:1]),
        registry_elsewhere_place=_registry_elsewhere_place(),
        registry_moved_out=registry_moved_out(),
    )
    return scope_queryset(people, user=user, code_fields=TOWNSHIP_FIELDS).filter(pk=pk).first()


def uninsured_villages(*, township: Division) -> QuerySet[Division]:
    return Division.objects.filter(parent=township, level=DivisionLevel.VILLAGE).order_by("code")


@dataclass(frozen=True)
class VillageStepRow:
    village_code: str  # "" for people not yet placed in a village
    village_name: str
    counts: tuple[int, ...]  # one per step, in the order of OutreachStep
    total: int

    @property
    def step_counts(self) -> tuple[tuple[str, int], ...]:
        return tuple(zip(OutreachStep.values, self.counts, strict=True))


@dataclass(frozen=True)
class ReasonCount:
    reason: str
    label: str
    people: int


@dataclass(frozen=True)
class LedgerCounts:
    steps: tuple[tuple[str, str], ...]
    villages: tuple[VillageStepRow, ...]
    step_totals: tuple[int, ...]
    total: int
    reasons: tuple[ReasonCount, ...]
    enrolled: int
    pending: int

    @property
    def step_total_counts(self) -> tuple[tuple[str, int], ...]:
        return tuple(zip(OutreachStep.values, self.step_totals, strict=True))


def uninsured_ledger_counts(*, township: Division, year: int) -> LedgerCounts:
    """R13.5: the township's people per village and step of the six-step method, per reason, and enrolled."""
    people = UninsuredPerson.objects.filter(township=township, year=year)
    steps = tuple((str(value), str(label)) for value, label in OutreachStep.choices)
    step_index = {value: index for index, (value, _label) in enumerate(steps)}
    matrix: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for row in people.values("village_id", "village__name", "step").annotate(people=Count("id")).order_by():
        code = row["village_id"] or ""
        names[code] = row["village__name"] or NO_VILLAGE
        matrix.setdefault(code, [0] * len(steps))[step_index[row["step"]]] += row["people"]
    villages = tuple(
        VillageStepRow(village_code=code, village_name=names[code], counts=tuple(matrix[code]), total=sum(matrix[code]))
        for code in sorted(matrix, key=lambda code: (code == "", code))
    )
    step_totals = tuple(sum(row.counts[index] for row in villages) for index in range(len(steps)))
    by_reason = dict(
        people.annotate(
            registry_elsewhere_place=_registry_elsewhere_place(),
            registry_moved_out=registry_moved_out(),
            reason_marked=_reason_marked(),
        )
        .values_list("reason_marked")
        .annotate(people=Count("id"))
        .order_by()
    )
    reasons = (
        *(
            ReasonCount(reason=str(value), label=str(label), people=by_reason.get(value, 0))
            for value, label in UninsuredReason.choices
        ),
        ReasonCount(reason="", label=NO_REASON, people=by_reason.get("", 0)),
    )
    figures = people.annotate(registry_enrolled=registry_enrolled()).aggregate(
        enrolled=Count("id", filter=ENROLLED), pending=Count("id", filter=PENDING)
    )
    return LedgerCounts(
        steps=steps,
        villages=villages,
        step_totals=step_totals,
        total=sum(step_totals),
        reasons=reasons,
        enrolled=figures["enrolled"],
        pending=figures["pending"],
    )


def uninsured_ledger_rows(*, user: User, township: Division, year: int) -> Iterator[list[object]]:
    """The township's whole ledger as the rows of its Excel file (resources.LEDGER_HEADERS).

    参保日期 is the date the official recorded or, failing that, the payment date in the registry; the last column
    holds the lines other apps register for 动员情况 (uninsured.mobilisation: a reminder sent, a notice printed).
    """
    people = uninsured_ledger_people(user=user, township=township, year=year)
    chunk: list[UninsuredPerson] = []
    for person in people.iterator(chunk_size=LEDGER_CHUNK):
        chunk.append(person)
        if len(chunk) == LEDGER_CHUNK:
            yield from _ledger_rows_of(user=user, people=chunk)
            chunk = []
    yield from _ledger_rows_of(user=user, people=chunk)


def _ledger_rows_of(*, user: User, people: list[UninsuredPerson]) -> Iterator[list[object]]:
    lines = mobilisation_lines(people)
    for person in people:
        yield [
            person.name,
            id_number_for(user=user, id_number=person.id_number),
            person.phone,
            person.village.name if person.village else "",
            person.get_reason_display() if person.reason else _registry_reason_label(person),
            person.get_verification_status_display(),
            person.get_contact_result_display(),
            person.outreach_note,
            person.enrollment_date or person.registry_payment_date,  # type: ignore[attr-defined]
            person.get_step_display(),
            person.insured_elsewhere_place or _elsewhere_place(person),
            "；".join(lines.get(person.pk, [])),
        ]


def _elsewhere_place(person: UninsuredPerson) -> str:
    return str(getattr(person, "registry_elsewhere_place", None) or "")


def _registry_reason_label(person: UninsuredPerson) -> str:
    """For a person without a recorded reason: 已在外地参保 when the year is held in another county (R13.0a), 已迁出
    when the registry marks them moved out (R13.5)."""
    if _elsewhere_place(person):
        return str(UninsuredReason.INSURED_ELSEWHERE.label)
    if getattr(person, "registry_moved_out", False):
        return str(UninsuredReason.MOVED_AWAY.label)
    return ""


# --- The township's to-dos on the home page -----------------------------------------------------------------------


def uninsured_lists_to_sign(*, user: User) -> QuerySet[UninsuredList]:
    """The lists pushed down to the user's scope that no official has signed for yet (待签领)."""
    return uninsured_lists(user=user).filter(signed_at__isnull=True)


def uninsured_people_deadline_near(*, user: User, today: datetime.date, days: int) -> QuerySet[UninsuredPerson]:
    """The people of the pushed lists of the user's scope still without an outcome, whose list's feedback deadline
    falls between today and `days` days from today (both included)."""
    people = UninsuredPerson.objects.filter(
        uninsured_list__deadline__gte=today, uninsured_list__deadline__lte=today + datetime.timedelta(days=days)
    )
    people = people.annotate(registry_enrolled=registry_enrolled()).filter(PENDING)
    return scope_queryset(people, user=user, code_fields=TOWNSHIP_FIELDS)


def uninsured_lists_overdue(*, user: User, today: datetime.date) -> QuerySet[UninsuredList]:
    """The lists of the user's scope past their feedback deadline with people still without an outcome
    (`list_overdue`)."""
    pending = (
        UninsuredPerson.objects.filter(uninsured_list=OuterRef("pk"))
        .annotate(registry_enrolled=registry_enrolled())
        .filter(PENDING)
    )
    return uninsured_lists(user=user).filter(deadline__lt=today).filter(Exists(pending))
