from celery import shared_task
from django.utils import timezone

from .services import campaign_send_run, scheduled_campaigns_create


@shared_task(name="outreach.campaign_send_job_run")
def campaign_send_job_run_task(job_id: int) -> int:
    return campaign_send_run(job_id=job_id).pk


@shared_task(name="outreach.september_campaigns")
def september_campaigns_task() -> list[int]:
    """Beat, on 1 September: each county's reminder of the next year's collection to its uninsured."""
    return [campaign.pk for campaign in scheduled_campaigns_create(today=timezone.localdate())]
