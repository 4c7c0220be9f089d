"""What other departments' systems sent us: one batch per request or file, one record per person or event.

A record is kept whatever came of it (applied, unchanged, queued for a clerk, rejected), with its payload as
received and the Chinese message saying why, so a county can answer for every line another department sent.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class FeedOutcome(models.TextChoices):
    APPLIED = "applied", "已处理"
    UNCHANGED = "unchanged", "重复收到，未变更"
    QUEUED = "queued", "待人工处理"
    REJECTED = "rejected", "格式错误，未处理"
    RESOLVED = "resolved", "已人工处理"


# The records after which the same record received again changes nothing (idempotency): applied on receipt, or
# applied by a clerk from the queue (a record the clerk dismissed may come again, corrected).
SETTLED = models.Q(outcome="applied") | models.Q(outcome="resolved", dismissed=False)


class FeedChannel(models.TextChoices):
    API = "api", "接口推送"
    FILE = "file", "文件导入"


class FeedBatch(models.Model):
    """One request to the exchange API, or one file of a department's nightly dump loaded through the bulk import."""

    kind = models.CharField("数据类型", max_length=32, db_index=True)
    channel = models.CharField("接收方式", max_length=8, choices=FeedChannel.choices)
    county = models.ForeignKey(
        "divisions.Division", verbose_name="接收区划", on_delete=models.PROTECT, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发送账号", on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField("接收时间", default=timezone.now, db_index=True)
    bulk_import_job = models.ForeignKey(
        "bulk.BulkImportJob",
        verbose_name="批量导入任务",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    records_total = models.PositiveIntegerField("记录数", default=0)
    applied_count = models.PositiveIntegerField("已处理", default=0)
    unchanged_count = models.PositiveIntegerField("重复收到，未变更", default=0)
    queued_count = models.PositiveIntegerField("待人工处理", default=0)
    rejected_count = models.PositiveIntegerField("格式错误，未处理", default=0)

    class Meta:
        verbose_name = "数据交换批次"
        verbose_name_plural = "数据交换批次"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"数据交换批次 #{self.pk}"

    def counts(self) -> dict[str, int]:
        """The batch's records per outcome, as received (a record resolved later still counts as queued here)."""
        return {
            FeedOutcome.APPLIED: self.applied_count,
            FeedOutcome.UNCHANGED: self.unchanged_count,
            FeedOutcome.QUEUED: self.queued_count,
            FeedOutcome.REJECTED: self.rejected_count,
        }


class FeedRecord(models.Model):
    """One record of a batch: the payload as received, what came of it and, for a queued one, how a clerk settled it."""

    batch = models.ForeignKey(FeedBatch, verbose_name="批次", on_delete=models.PROTECT, related_name="records")
    kind = models.CharField("数据类型", max_length=32)
    county = models.ForeignKey(
        "divisions.Division", verbose_name="接收区划", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField("批次内序号", help_text="接口请求或文件中的第几条记录。")
    record_key = models.CharField("记录标识", max_length=128, help_text="同一类数据中标识同一条记录的键，如身份证号。")
    payload_digest = models.CharField("内容摘要", max_length=64, help_text="收到内容的SHA-256摘要，用于识别重复收到。")
    payload = models.JSONField("收到内容", default=dict)
    outcome = models.CharField("处理结果", max_length=16, choices=FeedOutcome.choices)
    message = models.TextField("处理说明", blank=True)
    resident = models.ForeignKey(
        "enrollment.Resident",
        verbose_name="居民",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    refund_enrollment = models.ForeignKey(
        "enrollment.Enrollment",
        verbose_name="可退费参保记录",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="死亡注销后可按规定退费的参保缴费记录（R12），由窗口办理退费。",
        db_constraint=False,
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    resolved_at = models.DateTimeField("人工处理时间", null=True, blank=True)
    resolution_note = models.CharField("人工处理说明", max_length=200, blank=True)
    dismissed = models.BooleanField("不予处理", default=False)
    received_at = models.DateTimeField("接收时间", default=timezone.now)

    class Meta:
        verbose_name = "数据交换记录"
        verbose_name_plural = "数据交换记录"
        ordering = ["batch_id", "position", "id"]
        indexes = [
            models.Index(fields=["kind", "record_key"], name="feed_record_kind_key"),
            models.Index(fields=["kind", "payload_digest"], name="feed_record_kind_digest"),
            models.Index(fields=["outcome", "county"], name="feed_record_outcome_county"),
        ]
        constraints = [
            # A record applies once: received again it is UNCHANGED (exchange.services).
            models.UniqueConstraint(
                fields=["kind", "record_key"],
                condition=SETTLED,
                name="feed_record_settled_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}（{self.get_outcome_display()}）"

    @property
    def key_id_number(self) -> str:
        """The ID number a record key begins with (every feed's key names its person first: "<ID>:<more>")."""
        return self.record_key.partition(":")[0]
