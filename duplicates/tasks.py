from celery import shared_task

from .services import duplicate_scan_job_create, duplicate_scan_job_run


@shared_task(name="duplicates.scan_job_run")
def duplicate_scan_job_run_task(job_id: int) -> int:
    return duplicate_scan_job_run(job_id=job_id).pk


@shared_task(name="duplicates.scan_scheduled")
def duplicate_scan_scheduled_task() -> int:
    """Beat: every night at 03:30, the whole province compared again."""
    return duplicate_scan_job_create(actor=None).pk
