import datetime

from celery import shared_task
from django.utils import timezone

from .services.progress import progress_job_request, progress_job_run


@shared_task(name="targets.progress_job_run")
def progress_job_run_task(job_id: int) -> int:
    return progress_job_run(job_id=job_id).pk


@shared_task(name="targets.progress_scheduled")
def progress_scheduled_task() -> int:
    """Beat: nightly for the current quarter, and on the first night of a quarter for the quarter that ended."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    job, _new = progress_job_request(actor=None, year=yesterday.year, as_of=yesterday)
    return job.pk
