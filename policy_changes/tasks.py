from celery import shared_task

from .services import impact_county_run


@shared_task(name="policy_changes.impact_county_run")
def impact_county_run_task(job_id: int) -> int:
    return impact_county_run(job_id=job_id).pk
