"""The writes of policy changes, one module per topic; other apps import them from here."""

from .approval import policy_draft_approve
from .drafts import (
    DRAFT_FIELDS,
    FigureDifference,
    policy_draft_changes,
    policy_draft_create,
    policy_draft_differences,
    policy_draft_problems,
    policy_draft_region_update,
    policy_draft_replacements,
    policy_draft_withdraw,
)
from .simulations import impact_county_run, impact_simulation_request, simulation_population

__all__ = [
    "DRAFT_FIELDS",
    "FigureDifference",
    "impact_county_run",
    "impact_simulation_request",
    "policy_draft_approve",
    "policy_draft_changes",
    "policy_draft_create",
    "policy_draft_differences",
    "policy_draft_problems",
    "policy_draft_region_update",
    "policy_draft_replacements",
    "policy_draft_withdraw",
    "simulation_population",
]
