from celery import shared_task

from .services.exports import export_job_run


# The task keeps the name it has always been queued under: queued messages and stored pending submissions carry it.
@shared_task(name="reports.export_job_run")
def export_job_run_task(job_id: int) -> int:
    return export_job_run(job_id=job_id).pk
