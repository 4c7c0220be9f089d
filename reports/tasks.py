import datetime

from celery import shared_task
from django.utils import timezone

from enrollment.tasks import export_job_run_task  # noqa: F401 (core.jobs finds a task "reports.<name>" here)

from .services import settlement_store_all


@shared_task(name="reports.fiscal_settlement_run")
def fiscal_settlement_run_task(year: int) -> int:
    """R11.2: store the settlement of a year for every county; rerunning it rewrites the same rows."""
    return settlement_store_all(year=year)


@shared_task(name="reports.fiscal_settlement_year_closed")
def fiscal_settlement_year_closed_task() -> int:
    """Beat, on the first night of a year: the settlement of the year that has just closed."""
    last_year = (timezone.localdate() - datetime.timedelta(days=1)).year
    return settlement_store_all(year=last_year)
