"""The simulation of a policy draft over a county: `make bench` runs it after bench/run.py, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/canbao_bench BENCH_SCALE=1.0 python bench/policy_impact.py

The goal: a county of 300,000 residents simulated in under a minute; the province's 26 million by extrapolation.

Set-up (not timed), set-based in SQL on a scratch database whose registry it empties first: POLICY_BENCH_RESIDENTS
residents (default 300,000 × BENCH_SCALE) of 山阴县 living in its real villages, and 1.5% more dead or moved out,
with valid GB 11643 ID numbers; their enrollment histories 2020–2026 with gaps (steady payers, intermittent ones,
people who stopped, late joiners, people who never enrolled), a few percent of hardship identities (低保, 特困,
稳定脱贫…, some already ended), some years under employee insurance and the settlement system's claim summaries.
Then a draft of the 2027 figures changing Shanyin's standard 400 → 420 元 and its fixed waiting period 3 → 6 months.

Timed, each in its own process so that its peak memory (VmHWM) is its own:
(a) the simulation of the draft over the county as the worker runs it: impact_simulation_request with Celery eager,
    whose one county run (policy_changes.services.impact_county_run) runs when the request commits;
(b) the naive path on a sample of 2,000 people of the same population: each resident read through the ORM, its
    history read alone (enrollment.selectors.person_history) and quoted twice (enrollment.rules.quote_compute),
    extrapolated to the county;
(c) the province's 26,000,000 residents, extrapolated from (a)'s people per second for 1, 2, 8 and 16 workers.
Prints a table and writes the section of BENCHMARKS.md between its markers, keeping the rest of the file.

    python bench/policy_impact.py profile   # the same set-up, then (a) under cProfile: the top entries
"""

import cProfile
import datetime
import io
import os
import pstats
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from policy_changes.models import ImpactSimulation

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["CELERY_BROKER_URL"] = ""  # Celery eager: the county run runs in this process when the request commits

from bench.run import (  # noqa: E402
    GIVEN,
    OTHER_ADDRESS_CODES,
    SURNAMES,
    benchmarks_section_write,
    log,
    machine,
    measure,
    setup_django,
    sql,
)
from bench.run import measure_in_subprocess as run_measure_in_subprocess  # noqa: E402

COUNTY = "140621"  # 山阴县
CITY = "1406"
FULL_RESIDENTS = 300_000
PROVINCE_RESIDENTS = 26_000_000
WORKERS = (1, 2, 8, 16)
SAMPLE = 2_000
GOAL_SECONDS = 60
YEAR = 2027  # the draft's insurance year; 2020–2026 are the histories it reads
AS_OF = datetime.date(2026, 12, 1)
PAYMENT_DATE = datetime.date(2026, 12, 1)  # in the normal part of 2027's collection period
STANDARD_AFTER = Decimal("420.00")
FIXED_WAITING_AFTER = 6
ACTOR = "bench-policy"
SECTION_START, SECTION_END = "<!-- policy impact -->", "<!-- /policy impact -->"


# --- Set-up -------------------------------------------------------------------------------------------------------

# `count` residents living in the county, and `gone` more dead or moved out, whom the simulation leaves out; each
# with a birth date over an age pyramid (triangular 1930–2025, mode 1970, and 0.6% born in 2026 before the
# simulation's date), 85% with an ID number of the county and the rest of other Shanxi counties, a sequence number
# unique per address code and birth date (its parity the gender), the GB 11643 check digit computed in SQL.
RESIDENTS_SQL = """
INSERT INTO enrollment_resident (
    id_number, id_number_is_placeholder, merged_into_id, name, gender, birth_date, phone, household_division_id,
    residence_division_id, status, created_at, updated_at)
SELECT body || substr('10X98765432', (
           SELECT SUM(substr(body, t.i::int, 1)::int * t.w)
           FROM unnest(ARRAY[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]) WITH ORDINALITY AS t(w, i)
       )::int %% 11 + 1, 1),
       false, NULL, name, CASE WHEN sequence %% 2 = 1 THEN 'M' ELSE 'F' END, born, phone, village, NULL, status,
       now(), now()
FROM (
    SELECT p.*, p.address || to_char(p.born, 'YYYYMMDD') || lpad(sequence::text, 3, '0') AS body
    FROM (
        SELECT q.*, 2 * row_number() OVER (PARTITION BY q.address, q.born ORDER BY q.n) + q.male AS sequence
        FROM (
            SELECT g.n,
                CASE WHEN d.a %% 100 < 85 THEN %(county)s
                     ELSE (%(other_codes)s::text[])[1 + d.a %% cardinality(%(other_codes)s::text[])] END AS address,
                CASE WHEN d.b %% 1000 < 6 THEN make_date(2026, 1, 1) + (d.c %% 334)::int
                     ELSE make_date(1930, 1, 1) + (365.25 * (CASE
                         WHEN u < 40.0 / 95 THEN sqrt(u * 95 * 40)
                         ELSE 95 - sqrt((1 - u) * 95 * 55) END))::int END AS born,
                d.c %% 2 AS male,
                substr(%(surnames)s::text, (1 + d.a %% char_length(%(surnames)s::text))::int, 1)
                    || substr(%(given)s::text, (1 + 2 * (d.b %% (char_length(%(given)s::text) / 2)))::int,
                              1 + (d.c %% 5 > 0)::int)
                    AS name,
                CASE WHEN d.a %% 10 < 7 THEN '13' || lpad((d.b %% 1000000000)::text, 9, '0') ELSE '' END AS phone,
                (%(villages)s::text[])[1 + d.b %% cardinality(%(villages)s::text[])] AS village,
                CASE WHEN g.n <= %(count)s THEN 'normal' WHEN d.c %% 3 = 0 THEN 'moved_out'
                     ELSE 'deceased' END AS status
            FROM generate_series(1, %(count)s + %(gone)s) AS g(n)
            CROSS JOIN LATERAL (
                SELECT abs(hashint8(g.n * 8 + 1)::bigint) AS a, abs(hashint8(g.n * 8 + 2)::bigint) AS b,
                       abs(hashint8(g.n * 8 + 3)::bigint) AS c,
                       (abs(hashint8(g.n * 8 + 4)::bigint) %% 1000000) / 1000000.0 AS u) d
        ) q
    ) p
) r
"""

# Every resident's enrollments 2020–2026 from the birth year, with gaps by the kind of payer the person is: 72% steady
# (a year missed now and then), 12% intermittent, 8% who stopped in some year, 4% who joined late, 4% never.
# Programme newborns of 2026 are subsidised in full; 0.5% of the years were refunded.
ENROLLMENTS_SQL = """
INSERT INTO enrollment_enrollment (
    resident_id, insurance_year, status, payment_date, channel, payer_id_number, payer_relation, accident_topup,
    special_status, special_date, back_paid_years, projected, contribution_standard, in_collection_period, continuous,
    break_years, individual_due, subsidy_amount, subsidy_category, back_payment_due, waiting_fixed_months,
    waiting_variable_months, waiting_repaired_months, waiting_total_months, benefit_start, benefit_end,
    counts_as_enrolled_year, cap_base, cap_continuity_bonus, cap_zero_claim_bonus, cap_break_penalty, cap_effective,
    explanation, policy_versions, recorded_by_id, created_at, refund_reason, refund_date, void_reason, exit_kind,
    enrolling_county_id, enrollment_basis, basis_document_no, basis_valid_from, basis_valid_to)
SELECT r.id, y.year, CASE WHEN refunded THEN 'refunded' ELSE 'active' END, paid,
    CASE WHEN h.draw %% 10 < 8 THEN 'tax' ELSE 'window' END, '', '', NULL,
    CASE WHEN newborn THEN 'newborn' ELSE '' END, CASE WHEN newborn THEN r.birth_date END, 0, false,
    standard, NOT newborn, true, 0,
    CASE WHEN programme THEN 0 ELSE standard END, CASE WHEN programme THEN standard ELSE 0 END,
    CASE WHEN programme THEN 'newborn_programme' ELSE '' END,
    0, 0, 0, 0, 0,
    CASE WHEN newborn THEN r.birth_date ELSE make_date(y.year, 1, 1) END, make_date(y.year, 12, 31), true,
    0, 0, 0, 0, 0, '[]'::jsonb, '', %(user)s, now(), CASE WHEN refunded THEN 'death' ELSE '' END,
    CASE WHEN refunded THEN paid + 90 END, '', '',
    %(county)s, 'household', '', NULL, NULL
FROM enrollment_resident r
CROSS JOIN LATERAL (SELECT abs(hashint8(r.id * 16 + 7)::bigint) %% 100 AS kind) k
CROSS JOIN LATERAL generate_series(GREATEST(2020, extract(year FROM r.birth_date)::int), 2026) AS y(year)
CROSS JOIN LATERAL (SELECT abs(hashint8(r.id * 100 + y.year)::bigint) AS draw) h
CROSS JOIN LATERAL (
    SELECT y.year = extract(year FROM r.birth_date) AS newborn,
           y.year = 2026 AND extract(year FROM r.birth_date) = 2026 AS programme,
           h.draw %% 1000 < 5 AS refunded,
           (CASE y.year WHEN 2020 THEN 280 WHEN 2021 THEN 320 WHEN 2022 THEN 350 WHEN 2023 THEN 380
                        ELSE 400 END)::numeric(12, 2) AS standard) f
CROSS JOIN LATERAL (
    SELECT CASE WHEN newborn THEN r.birth_date + (h.draw %% 60)::int
                ELSE make_date(y.year - 1, 9, 1) + (h.draw %% 120)::int END AS paid) p
WHERE r.id BETWEEN %(low)s AND %(high)s AND CASE
    WHEN k.kind < 72 THEN h.draw %% 100 >= 4
    WHEN k.kind < 84 THEN h.draw %% 100 < 55
    WHEN k.kind < 92 THEN y.year < 2021 + k.kind %% 6
    WHEN k.kind < 96 THEN y.year >= 2022 + k.kind %% 5
    ELSE false END
ORDER BY r.id, y.year
"""

# 6% of the residents hold a hardship identity certified by its department, valid from a year 2021–2025; a tenth of
# the 低保 ended in 2025 and no longer count.
IDENTITIES_SQL = """
INSERT INTO subsidies_hardshipidentity (
    resident_id, category, disability_grade, department, valid_from, valid_to, batch_id, ended_by_batch_id,
    recorded_by_id, created_at)
SELECT r.id, c.category, c.grade, c.department, make_date(2021 + (d.draw / 1000 %% 5)::int, 1, 1),
    CASE WHEN d.draw %% 1000 < 2 THEN make_date(2025, 12, 31) END, NULL, NULL, %(user)s, now()
FROM enrollment_resident r
CROSS JOIN LATERAL (SELECT abs(hashint8(r.id * 16 + 11)::bigint) AS draw) d
CROSS JOIN LATERAL (
    SELECT CASE WHEN d.draw %% 1000 < 20 THEN 'dibao' WHEN d.draw %% 1000 < 25 THEN 'tekun'
                WHEN d.draw %% 1000 < 45 THEN 'stable_poverty_alleviated'
                WHEN d.draw %% 1000 < 50 THEN 'unstable_poverty_alleviated'
                WHEN d.draw %% 1000 < 53 THEN 'edge_poverty'
                WHEN d.draw %% 1000 < 55 THEN 'severe_disability'
                ELSE 'disability' END AS category,
           CASE WHEN d.draw %% 1000 < 55 THEN NULL ELSE 1 + (d.draw / 1000 %% 4)::int END AS grade,
           CASE WHEN d.draw %% 1000 < 25 THEN '民政' WHEN d.draw %% 1000 < 53 THEN '农业农村' ELSE '残联' END
               AS department) c
WHERE d.draw %% 1000 < 60
"""

# 3% of the adults were under employee insurance in some of the years 2020–2025 they did not enroll as residents.
EMPLOYEE_YEARS_SQL = """
INSERT INTO enrollment_employeeinsuredyear (
    resident_id, year, source, exit_date, recorded_by_id, created_at, bulk_import_job_id)
SELECT r.id, y.year, 'import', NULL, %(user)s, now(), NULL
FROM enrollment_resident r
CROSS JOIN generate_series(2020, 2025) AS y(year)
WHERE abs(hashint8(r.id * 16 + 13)::bigint) %% 100 < 3
  AND extract(year FROM r.birth_date) BETWEEN y.year - 60 AND y.year - 18
  AND abs(hashint8(r.id * 100 + y.year + 50)::bigint) %% 100 < 70
  AND NOT EXISTS (
      SELECT 1 FROM enrollment_enrollment e
      WHERE e.resident_id = r.id AND e.insurance_year = y.year AND e.status = 'active')
"""

# The settlement system's yearly figures for 70% of the enrolled years 2020–2025: two thirds without a claim paid
# by the fund (R5.3), 3% of the others having used the reward.
CLAIM_SUMMARIES_SQL = """
INSERT INTO enrollment_claimsummary (resident_id, year, fund_paid_total, reward_used, updated_at)
SELECT e.resident_id, e.insurance_year,
    CASE WHEN d.draw %% 100 < 47 THEN 0 ELSE (d.draw %% 800000) / 100.0 END,
    d.draw %% 100 >= 47 AND d.draw / 100 %% 100 < 3, now()
FROM enrollment_enrollment e
CROSS JOIN LATERAL (SELECT abs(hashint8(e.resident_id * 100 + e.insurance_year + 30)::bigint) AS draw) d
WHERE e.status = 'active' AND e.insurance_year BETWEEN 2020 AND 2025 AND d.draw %% 100 < 70
"""


def scratch_database_check() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        raise SystemExit("bench: DATABASE_URL must name a PostgreSQL database (make bench creates canbao_bench)")
    if "bench" not in connection.settings_dict["NAME"]:
        raise SystemExit("bench: the set-up empties the registry; DATABASE_URL must name a scratch *bench* database")


def world_build(residents: int) -> dict:
    """Empty the registry (and what names its people) and build the county's people, set-based; the user and the
    draft. Returns the counts of what was written."""
    from accounts.models import Role, User
    from accounts.services import user_create
    from divisions.models import Division
    from policy_changes.services import policy_draft_create, policy_draft_region_update

    started = time.monotonic()
    sql("TRUNCATE enrollment_resident, enrollment_historicalresident RESTART IDENTITY CASCADE")
    actor = User.objects.filter(username=ACTOR).first() or user_create(
        username=ACTOR, password="bench-policy-2026", role=Role.CITY_STAFF, division=Division.objects.get(code=CITY)
    )
    villages = list(
        Division.objects.filter(code__startswith=COUNTY, level="village")
        .order_by("code")
        .values_list("code", flat=True)
    )
    sql(
        RESIDENTS_SQL,
        {"count": residents, "gone": round(residents * 0.015), "county": COUNTY, "other_codes": OTHER_ADDRESS_CODES,
         "surnames": SURNAMES, "given": GIVEN, "villages": villages},
    )  # fmt: skip
    sql("ANALYZE enrollment_resident")
    (low, high) = sql("SELECT MIN(id), MAX(id) FROM enrollment_resident")[0]
    for start in range(low, high + 1, 100_000):
        sql(ENROLLMENTS_SQL, {"user": actor.pk, "county": COUNTY, "low": start, "high": start + 99_999})
    sql("ANALYZE enrollment_enrollment")
    sql(IDENTITIES_SQL, {"user": actor.pk})
    sql(EMPLOYEE_YEARS_SQL, {"user": actor.pk})
    sql(CLAIM_SUMMARIES_SQL, {})
    setup_seconds = time.monotonic() - started
    for table in (
        "enrollment_resident",
        "enrollment_enrollment",
        "subsidies_hardshipidentity",
        "enrollment_employeeinsuredyear",
        "enrollment_claimsummary",
    ):
        sql(f"VACUUM (ANALYZE) {table}")
    sql("CHECKPOINT")
    draft = policy_draft_create(actor=actor, region_code=COUNTY, insurance_year=YEAR, title="山阴县2027年度调整测算")
    policy_draft_region_update(
        actor=actor,
        draft=draft,
        region_code=COUNTY,
        figures={"contribution_standard": STANDARD_AFTER, "fixed_waiting_months": FIXED_WAITING_AFTER},
    )
    counts = sql(
        """
        SELECT (SELECT COUNT(*) FROM enrollment_resident),
               (SELECT COUNT(*) FROM enrollment_resident WHERE status = 'normal'),
               (SELECT COUNT(*) FROM enrollment_enrollment),
               (SELECT COUNT(*) FROM enrollment_resident r WHERE status = 'normal' AND EXISTS (
                    SELECT 1 FROM enrollment_enrollment e WHERE e.resident_id = r.id AND e.status = 'active'
                      AND e.insurance_year = 2026)),
               (SELECT COUNT(*) FROM enrollment_resident r WHERE status = 'normal' AND NOT EXISTS (
                    SELECT 1 FROM enrollment_enrollment e WHERE e.resident_id = r.id AND e.status = 'active'
                      AND e.insurance_year = 2026)),
               (SELECT COUNT(*) FROM subsidies_hardshipidentity),
               (SELECT COUNT(*) FROM enrollment_employeeinsuredyear),
               (SELECT COUNT(*) FROM enrollment_claimsummary),
               (SELECT COUNT(DISTINCT household_division_id) FROM enrollment_resident)
        """
    )[0]
    by_category = dict(sql("SELECT category, COUNT(*) FROM subsidies_hardshipidentity GROUP BY 1 ORDER BY 2 DESC"))
    names = (
        "residents",
        "population",
        "enrollments",
        "enrolled_2026",
        "not_enrolled_2026",
        "identities",
        "employee_years",
        "claim_summaries",
        "villages",
    )
    return {
        **dict(zip(names, counts, strict=True)),
        "identities_by_category": by_category,
        "setup_seconds": round(setup_seconds, 1),
        "draft_id": draft.pk,
    }


# --- The measures, each in its own process -------------------------------------------------------------------------


def measure_in_subprocess(method: str, *arguments: str) -> dict:
    return run_measure_in_subprocess(method, *arguments, script=__file__)


def simulation_request(draft_id: int) -> "ImpactSimulation":
    """The simulation of the draft over the county, requested as a user does; Celery being eager, its county run
    runs when the request commits, as a worker would run it."""
    from accounts.models import User
    from policy_changes.models import PolicyDraft
    from policy_changes.services import impact_simulation_request

    return impact_simulation_request(
        actor=User.objects.get(username=ACTOR),
        draft=PolicyDraft.objects.get(pk=draft_id),
        division_code=COUNTY,
        as_of=AS_OF,
        payment_date=PAYMENT_DATE,
        elasticity=Decimal("-0.30"),
    )


def measure_simulation(draft_id: str) -> dict:
    from django.db.models import Sum

    from policy_changes.models import ImpactCountyRun, ImpactTotal

    started = time.monotonic()
    simulation = simulation_request(int(draft_id))
    seconds = time.monotonic() - started
    run = ImpactCountyRun.objects.get(simulation=simulation)
    if run.status != "succeeded":
        raise SystemExit(f"simulation: county run {run.pk} {run.status} {run.error_message}")
    assert run.started_at and run.finished_at
    totals = ImpactTotal.objects.filter(simulation=simulation).aggregate(
        people=Sum("people"),
        people_changed=Sum("people_changed"),
        due_changed=Sum("due_changed"),
        waiting_changed=Sum("waiting_changed"),
        refused_after=Sum("refused_after"),
        due_before=Sum("due_before"),
        due_after=Sum("due_after"),
    )
    return {
        "seconds": round(seconds, 2),
        "run_seconds": round((run.finished_at - run.started_at).total_seconds(), 2),
        "people": totals["people"],
        "people_changed": totals["people_changed"],
        "due_changed": totals["due_changed"],
        "waiting_changed": totals["waiting_changed"],
        "refused_after": totals["refused_after"],
        "due_before": str(totals["due_before"]),
        "due_after": str(totals["due_after"]),
        "villages": ImpactTotal.objects.filter(simulation=simulation).count(),
    }


def measure_naive(draft_id: str, sample: str) -> dict:
    """Person by person through the ORM: every resident of an evenly spread sample read as a model, its history read
    alone and quoted under both sets of figures."""
    from enrollment.policy import policy_resolve, policy_resolve_with
    from enrollment.rules import BackPaymentRefused, PaymentDateRefused, quote_compute
    from enrollment.selectors import person_history
    from policy_changes.models import PolicyDraft
    from policy_changes.services import policy_draft_changes, policy_draft_replacements, simulation_population

    draft = PolicyDraft.objects.get(pk=int(draft_id))
    current = policy_resolve(region_code=COUNTY, insurance_year=YEAR)
    replacements = policy_draft_replacements(changes_by_region=policy_draft_changes(draft), insurance_year=YEAR)
    drafted = policy_resolve_with(region_code=COUNTY, insurance_year=YEAR, replacements=replacements)
    population = simulation_population(county_code=COUNTY)
    ids = list(population.order_by("pk").values_list("pk", flat=True))
    step = max(1, len(ids) // int(sample))
    chosen = ids[::step][: int(sample)]
    refusals = 0
    started = time.monotonic()
    for resident in population.filter(pk__in=chosen).order_by("pk"):
        history = person_history(resident=resident, before_year=YEAR, on_date=AS_OF)
        for policy in (current, drafted):
            try:
                quote_compute(policy=policy, payment_date=PAYMENT_DATE, history=history)
            except (PaymentDateRefused, BackPaymentRefused):
                refusals += 1
    seconds = time.monotonic() - started
    return {"people": len(chosen), "population": len(ids), "seconds": round(seconds, 2), "refusals": refusals}


MEASURES: dict[str, Callable[..., dict]] = {"simulation": measure_simulation, "naive": measure_naive}


# --- The report ---------------------------------------------------------------------------------------------------


def duration(value: float) -> str:
    if value < 120:
        return f"{value:.1f} s"
    if value < 2 * 3600:
        return f"{value / 60:.1f} min"
    return f"{value / 3600:.1f} h"


def province_rows(people_per_second: float) -> list[tuple[int, float]]:
    return [(workers, PROVINCE_RESIDENTS / (people_per_second * workers)) for workers in WORKERS]


def section_write(results: dict) -> str:
    from django.utils import timezone

    world, simulation, naive, m = results["world"], results["simulation"], results["naive"], results["machine"]
    rate = simulation["people"] / simulation["seconds"]
    naive_rate = naive["people"] / naive["seconds"]
    naive_county = naive["population"] / naive_rate
    counties = results["counties"]
    full_county_seconds = FULL_RESIDENTS / rate
    category_labels = results["category_labels"]
    identities = ", ".join(
        f"{category_labels.get(category, category)} {count:,}"
        for category, count in world["identities_by_category"].items()
    )
    province = "\n".join(f"| {workers} | {duration(seconds)} |" for workers, seconds in province_rows(rate))
    measured_at_full_size = simulation["people"] >= FULL_RESIDENTS
    if not measured_at_full_size:
        goal = "not measured at full size"
    else:
        goal = "met" if simulation["seconds"] < GOAL_SECONDS else "**not met**"
    scaled = (
        ""
        if measured_at_full_size
        else f"This run's county is smaller than the goal's: at the measured rate 300,000 residents would take "
        f"{duration(full_county_seconds)} (extrapolated)."
    )
    measures = "\n".join(
        [
            "| measure | people | time | people/s | peak RSS | RSS after setup |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            "| (a) the simulation as the worker runs it (impact_simulation_request, Celery eager: one county run, "
            f"chunks of 5,000 read set-based) | {simulation['people']:,} | {simulation['seconds']:.1f} s "
            f"(the run itself {simulation['run_seconds']:.1f} s) | {rate:,.0f} | {simulation['peak_rss_mb']:.0f} MB "
            f"| {simulation['baseline_rss_mb']:.0f} MB |",
            "| (b) the naive path, person by person through the ORM (person_history + quote_compute twice), on an "
            f"evenly spread sample | {naive['people']:,} | {naive['seconds']:.1f} s | {naive_rate:,.0f} "
            f"| {naive['peak_rss_mb']:.0f} MB | {naive['baseline_rss_mb']:.0f} MB |",
            f"| (b) extrapolated to the county's {naive['population']:,} people | {naive['population']:,} "
            f"| {duration(naive_county)} | | | |",
        ]
    )
    goals = "\n".join(
        [
            "| goal | measured | |",
            "| --- | --- | --- |",
            f"| a county of 300,000 in under {GOAL_SECONDS} s | {simulation['people']:,} people in "
            f"{simulation['seconds']:.1f} s | {goal} |",
            f"| for comparison: the naive path | {naive_county / simulation['seconds']:.1f}× the simulation's time "
            "(its county time extrapolated from the sample) | |",
            *([f"\n{scaled}"] if scaled else []),
        ]
    )
    return f"""{SECTION_START}
## Simulating a policy draft over a county

Written by `bench/policy_impact.py` on {timezone.localtime():%Y-%m-%d %H:%M} CST (Asia/Shanghai): {m["cpu"]},
{m["cores"]} cores, {m["memory_gb"]} GB; PostgreSQL {m["postgresql"]} over TCP on 127.0.0.1; Python {m["python"]}.
Goal: a county of 300,000 residents in under a minute.

Set-up, not timed ({world["setup_seconds"]:.0f} s, set-based in SQL): {world["residents"]:,} residents of 山阴县 in
{world["villages"]} of its villages (valid GB 11643 ID numbers, an age pyramid; 1.5% more dead or moved out), of whom
{world["population"]:,} are the simulation's population; {world["enrollments"]:,} enrollments 2020–2026 with gaps
({world["enrolled_2026"]:,} people enrolled in 2026, {world["not_enrolled_2026"]:,} of the population not);
{world["identities"]:,} hardship identities ({identities}); {world["employee_years"]:,} years under employee
insurance; {world["claim_summaries"]:,} yearly claim summaries. The draft changes Shanyin's 2027 figures: standard
400 → {STANDARD_AFTER} 元, fixed waiting period 3 → {FIXED_WAITING_AFTER} months; payment date {PAYMENT_DATE}.

{measures}

The simulation changed {simulation["people_changed"]:,} people: {simulation["due_changed"]:,} pay a different amount,
{simulation["waiting_changed"]:,} wait longer; the individual payments of the county go from
{Decimal(simulation["due_before"]):,.2f} to {Decimal(simulation["due_after"]):,.2f} 元. Each measure runs in its own
process; peak RSS is that process's VmHWM, the database server's memory not included. The machine's load average
(1 minute) when (a) started: {results["load_average"]:.1f}.

{goals}

The province's {PROVINCE_RESIDENTS:,} residents, **extrapolated, not measured**: (a)'s {rate:,.0f} people/s on one
worker times the number of workers, each county a run of its own ({counties} counties in the division tree, queued
separately and shared by the workers). It assumes every worker has a core of its own and the database keeps pace;
this machine has {m["cores"]}, shared with PostgreSQL, so the lines of more workers than that are beyond it; and no
county finishes sooner than its own population at that rate (an average county, 26 million ÷ {counties}, is
{PROVINCE_RESIDENTS // counties:,} residents: {duration(PROVINCE_RESIDENTS / counties / rate)}).

| workers | province, 26 million residents (extrapolated) |
| ---: | ---: |
{province}
{SECTION_END}"""


def table_print(results: dict) -> None:
    simulation, naive = results["simulation"], results["naive"]
    rate = simulation["people"] / simulation["seconds"]
    naive_county = naive["population"] * naive["seconds"] / naive["people"]
    print(f"{'measure':<44}{'people':>10}{'time':>12}{'people/s':>10}{'peak RSS':>10}")
    print(
        f"{'(a) simulation (impact_county_run)':<44}{simulation['people']:>10,}{simulation['seconds']:>10.1f} s"
        f"{rate:>10,.0f}{simulation['peak_rss_mb']:>7.0f} MB"
    )
    print(
        f"{'(b) naive, sample':<44}{naive['people']:>10,}{naive['seconds']:>10.1f} s"
        f"{naive['people'] / naive['seconds']:>10,.0f}{naive['peak_rss_mb']:>7.0f} MB"
    )
    print(f"{'(b) naive, extrapolated to the county':<44}{naive['population']:>10,}{duration(naive_county):>12}")
    print(f"ratio naive / simulation: {naive_county / simulation['seconds']:.1f}x")
    for workers, seconds in province_rows(rate):
        print(f"(c) province, {workers:>2} workers (extrapolated): {duration(seconds)}")


# --- The run ------------------------------------------------------------------------------------------------------


def residents_wanted() -> int:
    scale = float(os.environ.get("BENCH_SCALE") or 1.0)
    return int(os.environ.get("POLICY_BENCH_RESIDENTS") or max(100, round(FULL_RESIDENTS * scale)))


def main() -> None:
    setup_django()
    from divisions.models import Division, DivisionLevel
    from enrollment.models import HardshipCategory

    scratch_database_check()
    residents = residents_wanted()
    log(f"policy impact: setting up {residents:,} residents of {COUNTY}")
    results: dict = {"world": world_build(residents)}
    log(f"    {results['world']}")
    draft_id = str(results["world"]["draft_id"])
    log("(a) the simulation of the draft over the county")
    results["load_average"] = os.getloadavg()[0]  # the machine is shared: what else ran when (a) started
    results["simulation"] = measure_in_subprocess("simulation", draft_id)
    log(f"    {results['simulation']}")
    log(f"(b) the naive path on {SAMPLE:,} people")
    results["naive"] = measure_in_subprocess("naive", draft_id, str(SAMPLE))
    log(f"    {results['naive']}")
    results["machine"] = machine()
    results["counties"] = Division.objects.filter(level=DivisionLevel.COUNTY, code__startswith="14").count()
    results["category_labels"] = {str(value): str(label) for value, label in HardshipCategory.choices}
    table_print(results)
    benchmarks_section_write(section_write(results), start=SECTION_START, end=SECTION_END)
    log("BENCHMARKS.md: policy impact section written")


def profile() -> None:
    """The same set-up, then the simulation under cProfile in this process: where its time goes."""
    setup_django()
    scratch_database_check()
    world = world_build(residents_wanted())
    profiler = cProfile.Profile()
    started = time.monotonic()
    profiler.enable()
    simulation_request(world["draft_id"])
    profiler.disable()
    print(f"{world['population']:,} people in {time.monotonic() - started:.1f} s under the profiler")
    for order in ("tottime", "cumulative"):
        output = io.StringIO()
        pstats.Stats(profiler, stream=output).sort_stats(order).print_stats(30)
        print(output.getvalue())


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "measure":
        measure(sys.argv[2], sys.argv[3:], MEASURES)
    elif len(sys.argv) > 1 and sys.argv[1] == "profile":
        profile()
    else:
        main()
