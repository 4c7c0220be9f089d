from django.conf import settings
from django.db import models


class ExportJobStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "生成中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


class ExportKind(models.TextChoices):
    RESIDENT_ROSTER = "resident_roster", "居民花名册"


class ExportJob(models.Model):
    """A long export run by a Celery worker; the page polls this row for its progress."""

    kind = models.CharField("导出内容", max_length=32, choices=ExportKind.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT)
    status = models.CharField("状态", max_length=16, choices=ExportJobStatus.choices, default=ExportJobStatus.PENDING)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    file = models.FileField("文件", upload_to="exports/%Y/%m/", blank=True)
    error_message = models.TextField("错误信息", blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def percent_done(self) -> int:
        if self.status == ExportJobStatus.SUCCEEDED:
            return 100
        return self.rows_done * 100 // self.rows_total if self.rows_total else 0
