"""Reads of the drafts and their simulations, scoped: a draft is seen in the scope of its region, and by the users
above it (a county's draft by its city and the province); a simulation's totals only as far as the user's scope
reaches into its division."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, Q, QuerySet, Sum
from django.db.models.functions import Substr

from accounts.models import User
from accounts.scope import scope_queryset
from core.models import JobStatus
from divisions.codes import child_code_length, code_is_within
from divisions.models import Division
from reports.models import FiscalLevel

from .models import ImpactCountyRun, ImpactPerson, ImpactSimulation, ImpactTotal, PolicyDraft
from .rules import EnrollmentEffect, enrollment_effect_estimate

# The figures of a village's ImpactTotal that add up to a town's, a county's, a city's: every one but its keys.
TOTAL_FIELDS = [
    field for field in ImpactTotal._meta.concrete_fields if field.name not in ("id", "simulation", "division")
]
TOTAL_SUMS = tuple(field.name for field in TOTAL_FIELDS)
MONEY_SUMS = frozenset(field.name for field in TOTAL_FIELDS if isinstance(field, DecimalField))
ZERO = Decimal("0.00")


def policy_draft_list(*, user: User) -> QuerySet[PolicyDraft]:
    """The drafts of regions in the user's scope."""
    drafts = scope_queryset(PolicyDraft.objects.all(), user=user, code_fields=("region__code",))
    return drafts.select_related("region", "prepared_by", "approved_by")


def policy_draft_get(*, user: User, pk: int) -> PolicyDraft | None:
    return policy_draft_list(user=user).filter(pk=pk).first()


def impact_simulation_list(*, user: User) -> QuerySet[ImpactSimulation]:
    """Simulations of a division in the user's scope."""
    simulations = scope_queryset(ImpactSimulation.objects.all(), user=user, code_fields=("division__code",))
    return simulations.select_related("draft", "draft__region", "division", "requested_by")


def impact_simulation_get(*, user: User, pk: int) -> ImpactSimulation | None:
    return impact_simulation_list(user=user).filter(pk=pk).first()


@dataclass(frozen=True)
class SimulationProgress:
    people_done: int
    people_total: int
    counties_done: int
    counties_total: int
    failed: list[str]  # each failed county's name and message

    @property
    def finished(self) -> bool:
        return self.counties_done + len(self.failed) >= self.counties_total

    @property
    def succeeded(self) -> bool:
        return self.finished and not self.failed

    @property
    def percent(self) -> int:
        if self.succeeded:
            return 100
        return self.people_done * 100 // self.people_total if self.people_total else 0


def impact_simulation_progress(simulation: ImpactSimulation) -> SimulationProgress:
    runs = list(
        ImpactCountyRun.objects.filter(simulation=simulation)
        .select_related("county")
        .only("status", "rows_done", "rows_total", "error_message", "county__name", "heartbeat_at", "started_at")
    )
    return SimulationProgress(
        people_done=sum(run.rows_done for run in runs),
        people_total=sum(run.rows_total for run in runs),
        counties_done=sum(1 for run in runs if run.status == JobStatus.SUCCEEDED),
        counties_total=simulation.counties_total,
        failed=[f"{run.county.name}：{run.error_message}" for run in runs if run.status == JobStatus.FAILED],
    )


@dataclass(frozen=True)
class DivisionImpact:
    """A division's totals in a simulation: sums before (现行) and after (草案), counts of the people each change
    touches, and the expected enrollment under the simulation's elasticity."""

    code: str
    name: str
    sums: dict[str, Decimal | int]
    effect: EnrollmentEffect

    def __getattr__(self, name: str) -> Decimal | int:
        try:
            return self.sums[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def due_change(self) -> Decimal:
        return Decimal(self.sums["due_after"]) - Decimal(self.sums["due_before"])

    @property
    def subsidy_change(self) -> Decimal:
        return Decimal(self.sums["subsidy_after"]) - Decimal(self.sums["subsidy_before"])

    @property
    def income_change(self) -> Decimal:
        return Decimal(self.sums["income_after"]) - Decimal(self.sums["income_before"])


def _division_impact(*, code: str, name: str, sums: dict[str, Decimal | int], elasticity: Decimal) -> DivisionImpact:
    sums = {field: sums.get(field) or (ZERO if field in MONEY_SUMS else 0) for field in TOTAL_SUMS}
    return DivisionImpact(
        code=code,
        name=name,
        sums=sums,
        effect=enrollment_effect_estimate(
            enrolled_now=int(sums["enrolled_now"]),
            people=int(sums["people"]),
            due_before=Decimal(sums["due_before"]),
            due_after=Decimal(sums["due_after"]),
            elasticity=elasticity,
        ),
    )


def _scoped_totals(*, user: User, simulation: ImpactSimulation, division_code: str) -> QuerySet[ImpactTotal]:
    return scope_queryset(
        ImpactTotal.objects.filter(simulation=simulation, division__code__startswith=division_code),
        user=user,
        code_fields=("division__code",),
    )


def impact_division_totals(
    *, user: User, simulation: ImpactSimulation, division_code: str
) -> tuple[DivisionImpact, list[DivisionImpact]]:
    """The totals of a division of the simulation (its own division or one below it, in the user's scope) and of
    each division one level below it that has people, for the drill-down. A division outside the user's scope or the
    simulation's raises LookupError (the simulation itself is found in the user's scope: impact_simulation_get)."""
    if not code_is_within(division_code, simulation.division_id):
        raise LookupError(division_code)
    division = Division.objects.filter(code=division_code).first()
    if division is None:
        raise LookupError(division_code)
    totals = _scoped_totals(user=user, simulation=simulation, division_code=division_code)
    whole = totals.aggregate(**{field: Sum(field) for field in TOTAL_SUMS})
    length = child_code_length(division_code)
    children = (
        totals.annotate(child=Substr("division_id", 1, length))
        .values("child")
        .annotate(**{field: Sum(field) for field in TOTAL_SUMS})
        .order_by("child")
    )
    by_child = {row["child"]: row for row in children}
    names = dict(Division.objects.filter(code__in=list(by_child)).values_list("code", "name"))
    elasticity = simulation.elasticity
    return (
        _division_impact(code=division.code, name=division.name, sums=whole, elasticity=elasticity),
        [
            _division_impact(code=code, name=names.get(code, code), sums=row, elasticity=elasticity)
            for code, row in by_child.items()
        ],
    )


def impact_distributions(*, user: User, simulation: ImpactSimulation, division_code: str) -> dict[str, Counter[str]]:
    """The changes of the people of the division's counties (in the user's scope), each kind as change → people:
    `due` (元), `waiting` (months), `cap` (元). A county's distribution is its own; a division below a county shows
    its county's."""
    runs = scope_queryset(
        ImpactCountyRun.objects.filter(simulation=simulation), user=user, code_fields=("county__code",)
    )
    runs = runs.filter(Q(county__code__startswith=division_code) | Q(county_id=division_code[:6]))
    merged: dict[str, Counter[str]] = {"due": Counter(), "waiting": Counter(), "cap": Counter()}
    for due, waiting, cap in runs.values_list("due_changes", "waiting_changes", "cap_changes"):
        merged["due"].update(due)
        merged["waiting"].update(waiting)
        merged["cap"].update(cap)
    return merged


@dataclass(frozen=True)
class FiscalImpact:
    """R11 for a level: the prepay and the programme's cost, before and after, summed over the counties."""

    level: str
    prepaid_before: Decimal
    prepaid_after: Decimal
    cost_before: Decimal
    cost_after: Decimal

    @property
    def level_label(self) -> str:
        return FiscalLevel(self.level).label

    @property
    def prepaid_change(self) -> Decimal:
        return self.prepaid_after - self.prepaid_before

    @property
    def cost_change(self) -> Decimal:
        return self.cost_after - self.cost_before


def impact_fiscal(
    *, user: User, simulation: ImpactSimulation, division_code: str
) -> tuple[list[FiscalImpact], list[str]]:
    """Each level's R11 figures summed over the division's counties in the user's scope, and the notes of the
    counties whose figures could not be computed."""
    runs = scope_queryset(
        ImpactCountyRun.objects.filter(simulation=simulation, county__code__startswith=division_code[:6]),
        user=user,
        code_fields=("county__code",),
    ).select_related("county")
    sums: dict[str, dict[str, Decimal]] = {
        level: {key: ZERO for key in ("prepaid_before", "prepaid_after", "cost_before", "cost_after")}
        for level in FiscalLevel.values
    }
    notes = []
    for run in runs:
        if run.fiscal_note:
            notes.append(f"{run.county.name}：{run.fiscal_note}")
        for level, figures in run.fiscal.items():
            for key in sums[level]:
                sums[level][key] += Decimal(figures[key])
    return [FiscalImpact(level=level, **sums[level]) for level in FiscalLevel.values], notes


def impact_people(*, user: User, simulation: ImpactSimulation, division_code: str) -> QuerySet[ImpactPerson]:
    """The people most affected, of the division's counties and in the user's scope, the most affected first."""
    people = scope_queryset(
        ImpactPerson.objects.filter(
            simulation=simulation, resident__household_division__code__startswith=division_code
        ),
        user=user,
        code_fields=("resident__household_division__code",),
    )
    return people.select_related("resident", "county").order_by("county_id", "rank")
