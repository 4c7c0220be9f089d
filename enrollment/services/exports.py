"""The resident roster's export: a job the page asks for, run by a worker, building the roster of the asker's scope
as an xlsx."""

from collections.abc import Iterator

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import VIEW_FULL_ID_NUMBER
from accounts.personal_data import id_number_mask
from core.excel import report_xlsx
from core.jobs import ProgressReporter, job_run, job_submit, job_update
from core.replica import replica_reads
from core.reports import Report, columns_of

from ..models import ExportJob, ExportKind
from ..selectors import resident_list

PROGRESS_EVERY_ROWS = 500
ROSTER_HEADERS = ["姓名", "公民身份号码", "性别", "出生日期", "乡（镇）", "村（社区）", "联系电话", "人员状态"]
ROSTER_WIDTHS = [10, 22, 6, 12, 14, 22, 14, 8]


@transaction.atomic
def export_job_create(*, actor: User, kind: str) -> ExportJob:
    from ..tasks import export_job_run_task

    job = ExportJob(kind=kind, requested_by=actor)
    job.full_clean()
    job.save()
    job_submit(task=export_job_run_task, job_id=job.pk)
    return job


def export_job_run(*, job_id: int) -> ExportJob:
    """Build the job's file. Running it again for a finished job changes nothing."""
    return job_run(job_model=ExportJob, job_id=job_id, work=_export_work, select_related=("requested_by__division",))


def _export_work(job: ExportJob, progress: ProgressReporter) -> None:
    with replica_reads():
        content = EXPORT_BUILDERS[ExportKind(job.kind)](job, progress)
    job.file.save(f"居民花名册-{job.pk}.xlsx", ContentFile(content), save=False)
    job_update(job=job, file=job.file.name)


def resident_roster_build(job: ExportJob, progress: ProgressReporter | None = None) -> bytes:
    """The roster of the asker's scope as an xlsx; its rows counted on the job as they are written."""
    reporter = progress or ProgressReporter(job)
    user = job.requested_by
    residents = resident_list(user=user)
    total = residents.count()
    reporter.report(done=0, total=total)
    show_full = user.has_perm(VIEW_FULL_ID_NUMBER)

    def rows() -> Iterator[list[str]]:
        for done, resident in enumerate(residents.iterator(chunk_size=2000), start=1):
            if done % PROGRESS_EVERY_ROWS == 0:
                reporter.report(done=done)
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
        reporter.report(done=total)

    unit = user.division.name if user.division else "全省"
    report = Report(
        title=f"{unit}居民花名册",
        unit=unit,
        as_of=timezone.localdate(),
        columns=columns_of(ROSTER_HEADERS, ROSTER_WIDTHS),
        rows=rows(),
    )
    return report_xlsx(report)


EXPORT_BUILDERS = {ExportKind.RESIDENT_ROSTER: resident_roster_build}
