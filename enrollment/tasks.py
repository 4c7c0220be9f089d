from celery import shared_task
from django.utils import timezone

from .services.exports import export_job_run
from .services.partitions import enrollment_partitions_ensure, partition_years_coming


# The task keeps the name it has always been queued under: queued messages and stored pending submissions carry it.
@shared_task(name="reports.export_job_run")
def export_job_run_task(job_id: int) -> int:
    return export_job_run(job_id=job_id).pk


@shared_task(name="enrollment.partitions_ensure")
def enrollment_partitions_ensure_task() -> list[int]:
    """Beat, nightly: the partitions of the current and the next two insurance years exist before their first
    enrollment, so that none lands in the DEFAULT partition. Returns the years created (none on most nights)."""
    return enrollment_partitions_ensure(years=partition_years_coming(today=timezone.localdate()))
