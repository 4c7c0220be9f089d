"""Drafts and simulations built through the services, for the tests of every app."""

import datetime
from decimal import Decimal

from accounts.models import User
from policy_changes.models import ImpactSimulation, PolicyDraft
from policy_changes.services import (
    impact_county_run,
    impact_simulation_request,
    policy_draft_create,
    policy_draft_region_update,
)

SHANYIN = "140621"
AS_OF = datetime.date(2026, 12, 1)


def draft_with(
    preparer: User, region_code: str = SHANYIN, *, title: str = "测试草案", year: int = 2027, **figures: object
) -> PolicyDraft:
    """A draft of the region's year changing `figures` there."""
    draft = policy_draft_create(actor=preparer, region_code=region_code, insurance_year=year, title=title)
    if figures:
        policy_draft_region_update(actor=preparer, draft=draft, region_code=region_code, figures=figures)
    return draft


def simulation_run(
    preparer: User, draft: PolicyDraft, *, division_code: str = SHANYIN, run: bool = True
) -> ImpactSimulation:
    """A simulation of the draft as of 2026-12-01, for a payment on that day, under an elasticity of -0.30; with `run`,
    its county runs are run here, as the worker runs them once the request commits (a test that never commits never
    sees that)."""
    simulation = impact_simulation_request(
        actor=preparer,
        draft=draft,
        division_code=division_code,
        as_of=AS_OF,
        payment_date=AS_OF,
        elasticity=Decimal("-0.30"),
    )
    if run:
        for county_run in simulation.county_runs.all():
            impact_county_run(job_id=county_run.pk)
    return simulation
