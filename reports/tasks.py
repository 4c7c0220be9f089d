from celery import shared_task

from .services import export_job_run


@shared_task(name="reports.export_job_run")
def export_job_run_task(job_id: int) -> int:
    return export_job_run(job_id=job_id).pk
