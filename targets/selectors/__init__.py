"""Reads of targets and progress: the targets and the enrollments progress is counted on (`targets`, which other
apps read too), the dashboards (R10.3), the target split page (R10.1), the population baselines (R10.2)."""

from .targets import programme_enrollments

# The fiscal settlement (reports) counts the programme's newborns as progress does.
__all__ = ["programme_enrollments"]
