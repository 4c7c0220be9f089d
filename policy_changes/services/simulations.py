"""Simulating a draft: its figures and the current ones applied to the population of a division, person by person
through the pure rules, then summed per village.

A simulation is one county run per county (a `core.models.Job` each), queued separately so that the workers share a
city's or the province's counties; its progress is the people done of the people to do. A county run reads its
population in chunks of consecutive ids, with every person's history read set-based for the chunk
(enrollment.selectors.person_histories_many), and never writes a person: it keeps the totals of each village, the
distributions of the changes, the county's R11 figures under both standards and the people most affected.
"""

import datetime
import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from accounts.models import User
from accounts.permissions import PREPARE_POLICY_DRAFT
from accounts.scope import user_can_see_division
from core.jobs import ProgressReporter, job_run, job_submit, job_update
from core.replica import replica_reads
from divisions.codes import city_code_of, code_is_within
from divisions.models import Division, DivisionLevel
from enrollment.models import Enrollment, EnrollmentStatus, Resident, ResidentStatus
from enrollment.policy import PolicyNotFound, policy_resolve, policy_resolve_with
from enrollment.rules import PaymentDateRefused, PolicyFigures, payment_year_check
from enrollment.selectors import person_histories_many
from reports.selectors.settlement import FiscalDataMissing, settlement_compute

from ..models import DraftStatus, ImpactCountyRun, ImpactPerson, ImpactSimulation, ImpactTotal, PolicyDraft
from ..rules import PersonImpact, PersonOutcome, change_key, person_impact_compute
from .drafts import policy_draft_changes, policy_draft_replacements

# People read and quoted at once: the chunk's histories are five queries whatever its size.
SIMULATION_CHUNK = 5_000
# The people most affected a county run keeps, with both explanations.
PEOPLE_KEPT = 50
ELASTICITY_LIMIT = Decimal("10")


@transaction.atomic
def impact_simulation_request(
    *,
    actor: User,
    draft: PolicyDraft,
    division_code: str,
    as_of: datetime.date,
    payment_date: datetime.date,
    elasticity: Decimal,
) -> ImpactSimulation:
    """Queue the simulation of the draft as it now stands for a division (the draft's region or one below it, a county
    or above) as of a date, one county run per county. Refused in Chinese, with nothing written, outside the user's
    scope, for a draft no longer a draft, a payment date no payment for the year may bear, or an elasticity out of
    range."""
    from ..tasks import impact_county_run_task

    if not actor.has_perm(PREPARE_POLICY_DRAFT) or not user_can_see_division(user=actor, division_code=division_code):
        raise ValidationError({"division": "您无权测算该区划。"})
    if draft.status != DraftStatus.DRAFT:
        raise ValidationError(f"该草案{draft.get_status_display()}，不再测算。")
    division = Division.objects.filter(
        code=division_code, level__in=(DivisionLevel.PROVINCE, DivisionLevel.CITY, DivisionLevel.COUNTY)
    ).first()
    if division is None or not code_is_within(division_code, draft.region_id):
        raise ValidationError({"division": f"{division_code} 不是草案地区{draft.region.name}内的省、市或县。"})
    try:
        payment_year_check(insurance_year=draft.insurance_year, payment_date=payment_date)
    except PaymentDateRefused as error:
        raise ValidationError({"payment_date": str(error)}) from None
    if payment_date > datetime.date(draft.insurance_year, 12, 31):
        raise ValidationError({"payment_date": f"假定缴费日期应在{draft.insurance_year}年12月31日以前。"})
    if abs(elasticity) > ELASTICITY_LIMIT:
        raise ValidationError({"elasticity": f"参保弹性应在-{ELASTICITY_LIMIT}至{ELASTICITY_LIMIT}之间。"})
    counties = list(
        Division.objects.filter(level=DivisionLevel.COUNTY, code__startswith=division_code).order_by("code")
    )
    simulation = ImpactSimulation.objects.create(
        draft=draft,
        division=division,
        as_of=as_of,
        payment_date=payment_date,
        elasticity=elasticity,
        draft_changes=policy_draft_changes(draft),
        requested_by=actor,
        counties_total=len(counties),
    )
    runs = ImpactCountyRun.objects.bulk_create(
        ImpactCountyRun(simulation=simulation, county=county, requested_by=actor) for county in counties
    )
    for run in runs:
        job_submit(task=impact_county_run_task, job_id=run.pk)
    return simulation


def impact_county_run(*, job_id: int) -> ImpactCountyRun:
    """Run one county of a simulation once (core.jobs.job_run); a finished run is not run again."""
    return job_run(
        job_model=ImpactCountyRun, job_id=job_id, work=_county_run_work, select_related=("simulation__draft",)
    )


def simulation_population(*, county_code: str) -> QuerySet[Resident]:
    """Who a county run quotes: the people whose household is registered in the county, alive and still there, each
    record once (a newborn's record merged into another is left out), under the county's figures."""
    return Resident.objects.filter(
        household_division__code__startswith=county_code, status=ResidentStatus.NORMAL, merged_into__isnull=True
    )


@dataclass
class _Sums:
    people: int = 0
    enrolled_now: int = 0
    due_before: Decimal = Decimal("0.00")
    due_after: Decimal = Decimal("0.00")
    subsidy_before: Decimal = Decimal("0.00")
    subsidy_after: Decimal = Decimal("0.00")
    income_before: Decimal = Decimal("0.00")
    income_after: Decimal = Decimal("0.00")
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, impact: PersonImpact, *, enrolled: bool) -> None:
        before, after = impact.before, impact.after
        self.people += 1
        self.due_before += before.individual_due or 0
        self.due_after += after.individual_due or 0
        self.subsidy_before += before.subsidy_amount or 0
        self.subsidy_after += after.subsidy_amount or 0
        if enrolled:
            self.enrolled_now += 1
            self.income_before += before.income
            self.income_after += after.income
        if before.refusal:
            self.counts["refused_before"] += 1
        if after.refusal:
            self.counts["refused_after"] += 1
        if not impact.changed:
            return
        self.counts["people_changed"] += 1
        for name in CHANGE_COUNTS:
            if getattr(impact, name):
                self.counts[name] += 1


CHANGE_COUNTS = (
    "due_changed",
    "subsidy_changed",
    "waiting_changed",
    "benefit_start_changed",
    "cap_changed",
    "category_changed",
)


@dataclass
class _CountyFindings:
    by_village: dict[str, _Sums] = field(default_factory=lambda: defaultdict(_Sums))
    due_changes: Counter[str] = field(default_factory=Counter)
    waiting_changes: Counter[str] = field(default_factory=Counter)
    cap_changes: Counter[str] = field(default_factory=Counter)
    # a min-heap of the most affected: (severity, -resident id, resident id, impact)
    most_affected: list[tuple[tuple[int, Decimal, int, int, Decimal], int, int, PersonImpact]] = field(
        default_factory=list
    )

    def add(self, *, resident_id: int, village: str, impact: PersonImpact, enrolled: bool) -> None:
        self.by_village[village].add(impact, enrolled=enrolled)
        if not impact.changed:
            return
        self.due_changes[change_key(impact.due_change)] += 1
        self.waiting_changes[change_key(impact.waiting_change)] += 1
        self.cap_changes[change_key(impact.cap_change)] += 1
        entry = (impact.severity, -resident_id, resident_id, impact)
        if len(self.most_affected) < PEOPLE_KEPT:
            heapq.heappush(self.most_affected, entry)
        elif entry[:2] > self.most_affected[0][:2]:
            heapq.heapreplace(self.most_affected, entry)


def _county_run_work(run: ImpactCountyRun, progress: ProgressReporter) -> None:
    simulation = run.simulation
    year = simulation.draft.insurance_year
    county_code = run.county_id
    try:
        current = policy_resolve(region_code=county_code, insurance_year=year)
        replacements = policy_draft_replacements(changes_by_region=simulation.draft_changes, insurance_year=year)
        drafted = policy_resolve_with(region_code=county_code, insurance_year=year, replacements=replacements)
    except PolicyNotFound as error:
        raise ValidationError(f"{run.county} 没有可用的政策参数：{error}") from None
    population = simulation_population(county_code=county_code)
    findings = _CountyFindings()
    # the population is read from the replica where there is one; the run's progress and findings go to the primary
    with replica_reads():
        progress.report(done=0, total=population.count())
        done = 0
        after_id = 0
        while True:
            chunk = list(
                population.filter(pk__gt=after_id)
                .order_by("pk")
                .values_list("pk", "birth_date", "household_division_id")[:SIMULATION_CHUNK]
            )
            if not chunk:
                break
            first_id, last_id = chunk[0][0], chunk[-1][0]
            _chunk_quote(
                findings=findings,
                chunk=chunk,
                people=population.filter(pk__gte=first_id, pk__lte=last_id),
                current=current,
                drafted=drafted,
                simulation=simulation,
            )
            done += len(chunk)
            after_id = last_id
            progress.report(done=done)
    _findings_store(run=run, findings=findings, current=current, drafted=drafted)


def _chunk_quote(
    *,
    findings: _CountyFindings,
    chunk: list[tuple[int, datetime.date, str]],
    people: QuerySet[Resident],
    current: PolicyFigures,
    drafted: PolicyFigures,
    simulation: ImpactSimulation,
) -> None:
    year = simulation.draft.insurance_year
    histories = person_histories_many(
        residents=people,
        birth_dates={resident_id: birth_date for resident_id, birth_date, _ in chunk},
        before_year=year,
        on_date=simulation.as_of,
    )
    enrolled_now = set(
        Enrollment.objects.filter(
            resident__in=people.values("pk"), insurance_year=year - 1, status=EnrollmentStatus.ACTIVE
        ).values_list("resident_id", flat=True)
    )
    for resident_id, _, village in chunk:
        impact = person_impact_compute(
            current=current, draft=drafted, payment_date=simulation.payment_date, history=histories[resident_id]
        )
        findings.add(resident_id=resident_id, village=village, impact=impact, enrolled=resident_id in enrolled_now)


@transaction.atomic
def _findings_store(
    *, run: ImpactCountyRun, findings: _CountyFindings, current: PolicyFigures, drafted: PolicyFigures
) -> None:
    simulation = run.simulation
    county_code = run.county_id
    # a run that starts again (its worker lost) replaces what it stored before
    ImpactTotal.objects.filter(simulation=simulation, division__code__startswith=county_code).delete()
    ImpactPerson.objects.filter(simulation=simulation, county_id=county_code).delete()
    ImpactTotal.objects.bulk_create(
        ImpactTotal(
            simulation=simulation,
            division_id=village,
            people=sums.people,
            enrolled_now=sums.enrolled_now,
            due_before=sums.due_before,
            due_after=sums.due_after,
            subsidy_before=sums.subsidy_before,
            subsidy_after=sums.subsidy_after,
            income_before=sums.income_before,
            income_after=sums.income_after,
            people_changed=sums.counts["people_changed"],
            refused_before=sums.counts["refused_before"],
            refused_after=sums.counts["refused_after"],
            **{name: sums.counts[name] for name in CHANGE_COUNTS},
        )
        for village, sums in sorted(findings.by_village.items())
    )
    most_affected = sorted(findings.most_affected, reverse=True)
    ImpactPerson.objects.bulk_create(
        _person_row(simulation=simulation, county_code=county_code, rank=rank, resident_id=resident_id, impact=impact)
        for rank, (_, _, resident_id, impact) in enumerate(most_affected, start=1)
    )
    fiscal, fiscal_note = _county_fiscal(
        year=simulation.draft.insurance_year,
        county_code=county_code,
        standard_before=current.contribution_standard,
        standard_after=drafted.contribution_standard,
    )
    job_update(
        job=run,
        due_changes=dict(findings.due_changes),
        waiting_changes=dict(findings.waiting_changes),
        cap_changes=dict(findings.cap_changes),
        fiscal=fiscal,
        fiscal_note=fiscal_note,
    )


def _person_row(
    *, simulation: ImpactSimulation, county_code: str, rank: int, resident_id: int, impact: PersonImpact
) -> ImpactPerson:
    before, after = impact.before, impact.after
    return ImpactPerson(
        simulation=simulation,
        county_id=county_code,
        resident_id=resident_id,
        rank=rank,
        due_before=before.individual_due,
        due_after=after.individual_due,
        subsidy_before=before.subsidy_amount,
        subsidy_after=after.subsidy_amount,
        waiting_before=before.waiting_months,
        waiting_after=after.waiting_months,
        benefit_start_before=before.benefit_start,
        benefit_start_after=after.benefit_start,
        cap_before=before.cap_effective,
        cap_after=after.cap_effective,
        category_before=before.subsidy_category,
        category_after=after.subsidy_category,
        explanation_before=_explanation_rows(before),
        explanation_after=_explanation_rows(after),
    )


def _explanation_rows(outcome: PersonOutcome) -> list[dict[str, str]]:
    if outcome.refusal:
        return [{"rule": "R2", "text": outcome.refusal, "source": ""}]
    return [{"rule": entry.rule, "text": entry.text, "source": entry.source} for entry in outcome.explanation]


def _county_fiscal(
    *, year: int, county_code: str, standard_before: Decimal, standard_after: Decimal
) -> tuple[dict[str, dict[str, str]], str]:
    """R11 for the county under both standards: each level's prepay (target × S) and cost (newborns × S)."""
    city_code = city_code_of(county_code)
    try:
        before = [
            row
            for row in settlement_compute(year=year, city_code=city_code, standards={county_code: standard_before})
            if row.county_code == county_code
        ]
        after = [
            row
            for row in settlement_compute(year=year, city_code=city_code, standards={county_code: standard_after})
            if row.county_code == county_code
        ]
    except FiscalDataMissing as error:
        return {}, f"未测算财政资助：{error}"
    return (
        {
            row_before.level: {
                "prepaid_before": f"{row_before.prepaid:.2f}",
                "prepaid_after": f"{row_after.prepaid:.2f}",
                "cost_before": f"{row_before.actual_cost:.2f}",
                "cost_after": f"{row_after.actual_cost:.2f}",
                "target_people": str(row_before.target_people),
                "actual_people": str(row_before.actual_people),
            }
            for row_before, row_after in zip(before, after, strict=True)
        },
        "",
    )
