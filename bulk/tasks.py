from celery import shared_task

from .services import bulk_import_run


@shared_task(name="bulk.bulk_import_run")
def bulk_import_run_task(job_id: int) -> int:
    return bulk_import_run(job_id=job_id).pk
