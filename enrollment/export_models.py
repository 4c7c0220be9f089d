"""The resident roster's export job: a long export of residents run by a Celery worker."""

from collections.abc import Mapping
from typing import ClassVar

from django.db import models

from core.models import RUN_THROUGH_STATUS_CHOICES, Job, JobStatus

# The name the export code has always used for the statuses its jobs take.
ExportJobStatus = JobStatus


class ExportKind(models.TextChoices):
    RESIDENT_ROSTER = "resident_roster", "居民花名册"


class ExportJob(Job):
    """A long export run by a Celery worker; the page polls this row for its progress."""

    kind = models.CharField("导出内容", max_length=32, choices=ExportKind.choices)
    # queued exports are stored as "pending", as they always were
    status = models.CharField("状态", max_length=16, choices=RUN_THROUGH_STATUS_CHOICES, default=JobStatus.PENDING)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    file = models.FileField("文件", upload_to="exports/%Y/%m/", blank=True)

    lock_class = 7_418
    run_start_values: ClassVar[Mapping[str, object]] = {"rows_done": 0, "rows_total": 0}
    status_labels: ClassVar[Mapping[str, str]] = {JobStatus.RUNNING: "生成中"}

    class Meta(Job.Meta):
        # the table it was created with, when the export lived with the fiscal reports
        db_table = "reports_exportjob"
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
