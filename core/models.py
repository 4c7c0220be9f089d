import datetime
from collections.abc import Mapping
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class PendingSubmission(models.Model):
    """A job whose task is not yet on the broker's queue. Written in the transaction that creates the job and removed
    once the task is published, so a job whose publication failed (the broker unreachable) stays listed here until
    the sweep (core.jobs.job_submissions_sweep) publishes it."""

    task_name = models.CharField("任务", max_length=100)
    job_id = models.PositiveBigIntegerField("任务记录编号")
    created_at = models.DateTimeField("保存时间", auto_now_add=True)
    attempts = models.PositiveIntegerField("提交失败次数", default=0)
    last_attempt_at = models.DateTimeField("最近一次提交时间", null=True, blank=True)
    last_error = models.TextField("最近一次错误", blank=True)

    class Meta:
        verbose_name = "待提交的任务"
        verbose_name_plural = "待提交的任务"
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["task_name", "job_id"], name="pending_submission_once")]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.job_id}"


class JobStatus(models.TextChoices):
    """Every state a job's row records; each kind of job uses the ones that fit it. The values are stored and shown
    by the pages, so they never change."""

    QUEUED = "queued", "排队中"
    PENDING = "pending", "排队中"  # how export jobs have always stored "queued"
    RUNNING = "running", "运行中"
    VALIDATING = "validating", "校验中"
    LOADING = "loading", "写入中"
    SUCCEEDED = "succeeded", "已完成"
    REFUSED = "refused", "已拒收（有错误行）"
    FAILED = "failed", "失败"
    # A job whose write waits for a person's confirmation of what its check found (a bulk import: preview → confirm).
    CHECKED = "checked", "待确认"
    DISCARDED = "discarded", "已放弃"


WAITING_STATUSES = frozenset({JobStatus.QUEUED, JobStatus.PENDING})
# A job in one of these is done for good: running it again changes nothing. A failed job may be run again.
DONE_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.REFUSED, JobStatus.DISCARDED})
FINISHED_STATUSES = DONE_STATUSES | {JobStatus.FAILED}
# Checked, and waiting for a person: nothing runs until the confirmation queues the job again.
AWAITING_CONFIRMATION_STATUSES = frozenset({JobStatus.CHECKED})
# The statuses only a job that stops for a confirmation takes; such a job lists them in its own field's choices.
CONFIRMATION_STATUSES = AWAITING_CONFIRMATION_STATUSES | {JobStatus.DISCARDED}
RUN_THROUGH_STATUS_CHOICES = [
    (value, label) for value, label in JobStatus.choices if value not in CONFIRMATION_STATUSES
]
INTERRUPTED_LABEL = "已中断"


def job_heartbeat_stopped(*, heartbeat_at: datetime.datetime | None) -> bool:
    """The worker of a running job whose last heartbeat is older than JOB_HEARTBEAT_STALE_SECONDS is gone."""
    if heartbeat_at is None:
        return False
    return timezone.now() - heartbeat_at > datetime.timedelta(seconds=settings.JOB_HEARTBEAT_STALE_SECONDS)


class Job(models.Model):
    """A long piece of work run by a Celery worker (core.jobs.job_run), whose row records its state for the page
    that polls it and for the audit. Each kind of job adds its own fields and says, in the class attributes below,
    how it is locked, which status it starts in and where it counts its progress."""

    status = models.CharField("状态", max_length=16, choices=RUN_THROUGH_STATUS_CHOICES, default=JobStatus.QUEUED)
    error_message = models.TextField("错误信息", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        "最近心跳", null=True, blank=True, help_text="任务运行期间每隔几秒记录一次；长时间未更新说明后台进程已中断。"
    )

    # The first key of the job's PostgreSQL advisory lock (the second is the job's id): one number per kind of job.
    lock_class: ClassVar[int]
    # The status a run starts in.
    started_status: ClassVar[str] = JobStatus.RUNNING
    # The fields holding how much is done and of how much.
    progress_fields: ClassVar[tuple[str, str]] = ("rows_done", "rows_total")
    # The values a run sets again when it starts, so that a rerun does not show the counts of the run before.
    run_start_values: ClassVar[Mapping[str, object]] = {}
    # This kind of job's own words for a status, where the common label does not say enough.
    status_labels: ClassVar[Mapping[str, str]] = {}

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def interrupted(self) -> bool:
        """Started, not finished, and its worker gone (its heartbeat stopped): 已中断."""
        if self.finished or self.status in WAITING_STATUSES or self.status in AWAITING_CONFIRMATION_STATUSES:
            return False
        return job_heartbeat_stopped(heartbeat_at=self.heartbeat_at or self.started_at)

    @property
    def status_label(self) -> str:
        if self.interrupted:
            return INTERRUPTED_LABEL
        return self.status_labels.get(self.status) or JobStatus(self.status).label

    @property
    def progress_done(self) -> int:
        done: int = getattr(self, self.progress_fields[0])
        return done

    @property
    def progress_total(self) -> int:
        total: int = getattr(self, self.progress_fields[1])
        return total

    @property
    def percent_done(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return self.progress_done * 100 // self.progress_total if self.progress_total else 0
