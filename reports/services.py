from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import VIEW_FULL_ID_NUMBER
from enrollment.rules import id_number_mask
from enrollment.selectors import resident_list

from .excel import ledger_workbook, workbook_bytes
from .models import ExportJob, ExportJobStatus, ExportKind

PROGRESS_EVERY_ROWS = 500
ROSTER_HEADERS = ["姓名", "公民身份号码", "性别", "出生日期", "乡（镇）", "村（社区）", "联系电话", "人员状态"]
ROSTER_WIDTHS = [10, 22, 6, 12, 14, 22, 14, 8]


@transaction.atomic
def export_job_create(*, actor: User, kind: str) -> ExportJob:
    from .tasks import export_job_run_task

    job = ExportJob(kind=kind, requested_by=actor)
    job.full_clean()
    job.save()
    transaction.on_commit(lambda: export_job_run_task.delay(job.pk))
    return job


def export_job_run(*, job_id: int) -> ExportJob:
    """Build the job's file. Running it again for a finished job changes nothing."""
    job = ExportJob.objects.select_related("requested_by__division").get(pk=job_id)
    if job.status == ExportJobStatus.SUCCEEDED:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJobStatus.RUNNING)
    try:
        content = EXPORT_BUILDERS[job.kind](job)
    except Exception as error:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJobStatus.FAILED, error_message=str(error), finished_at=timezone.now()
        )
        raise
    job.refresh_from_db()
    job.file.save(f"居民花名册-{job.pk}.xlsx", ContentFile(content), save=False)
    job.status = ExportJobStatus.SUCCEEDED
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "finished_at"])
    return job


def resident_roster_build(job: ExportJob) -> bytes:
    user = job.requested_by
    residents = resident_list(user=user)
    total = residents.count()
    ExportJob.objects.filter(pk=job.pk).update(rows_total=total)
    show_full = user.has_perm(VIEW_FULL_ID_NUMBER)

    def rows():  # type: ignore[no-untyped-def]
        for done, resident in enumerate(residents.iterator(chunk_size=2000), start=1):
            if done % PROGRESS_EVERY_ROWS == 0:
                ExportJob.objects.filter(pk=job.pk).update(rows_done=done)
            village = resident.household_division
            yield [
                resident.name,
                resident.id_number if show_full else id_number_mask(resident.id_number),
                resident.get_gender_display(),
                resident.birth_date.isoformat(),
                village.parent.name if village.parent else "",
                village.name,
                resident.phone,
                resident.get_status_display(),
            ]
        ExportJob.objects.filter(pk=job.pk).update(rows_done=total)

    unit = user.division.name if user.division else "全省"
    workbook = ledger_workbook(
        title=f"{unit}居民花名册",
        unit=unit,
        as_of=timezone.localdate(),
        headers=ROSTER_HEADERS,
        rows=rows(),
        column_widths=ROSTER_WIDTHS,
    )
    return workbook_bytes(workbook)


EXPORT_BUILDERS = {ExportKind.RESIDENT_ROSTER: resident_roster_build}
