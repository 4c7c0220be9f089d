from celery import shared_task

from .jobs import job_submissions_sweep


@shared_task(name="core.job_submissions_sweep")  # type: ignore[untyped-decorator]  # celery has no type hints
def job_submissions_sweep_task() -> int:
    """Beat, every minute: publish the jobs saved while the broker was unreachable."""
    return job_submissions_sweep()
