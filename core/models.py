from django.db import models


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
