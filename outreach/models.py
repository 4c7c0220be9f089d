"""Outreach to the uninsured (动员参保): campaigns of reminders by SMS, by a file for the SMS platform or by printed
notices, one message per person, with what became of each."""

from collections.abc import Mapping
from typing import ClassVar

from django.db import models
from django.db.models import Q

from core.models import Job


class Channel(models.TextChoices):
    SMS = "sms", "短信提醒"
    FILE = "file", "短信文件"
    NOTICE = "notice", "告知书"


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "未发送"
    SENDING = "sending", "发送中"
    DONE = "done", "已完成"


class Outcome(models.TextChoices):
    QUEUED = "queued", "待发送"
    SENT = "sent", "已发送"
    EXPORTED = "exported", "已生成"
    FAILED = "failed", "发送失败"
    OPTED_OUT = "opted_out", "已拒收短信"
    SKIPPED = "skipped", "未发送（无手机号）"


class Campaign(models.Model):
    """A reminder to the people of one source in one division for one insurance year, written from one template."""

    name = models.CharField("活动名称", max_length=100)
    source = models.CharField("人员来源", max_length=32)
    division = models.ForeignKey("divisions.Division", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("参保年度")
    template = models.TextField("内容模板", help_text="可用占位符：{姓名} {截止日期} {金额} {村}")
    channel = models.CharField("发送方式", max_length=16, choices=Channel.choices, default=Channel.SMS)
    status = models.CharField("状态", max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    scheduled = models.BooleanField("定时创建", default=False, help_text="每年9月1日为下一年度集中征缴自动创建")
    created_by = models.ForeignKey(
        "accounts.User", verbose_name="创建人", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    people_count = models.PositiveIntegerField("人数", default=0)
    sent_count = models.PositiveIntegerField("已发送", default=0)
    exported_count = models.PositiveIntegerField("已生成", default=0)
    failed_count = models.PositiveIntegerField("发送失败", default=0)
    opted_out_count = models.PositiveIntegerField("已拒收短信", default=0)
    skipped_count = models.PositiveIntegerField("未发送（无手机号）", default=0)

    class Meta:
        verbose_name = "动员参保活动"
        verbose_name_plural = "动员参保活动"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "division", "year"],
                condition=Q(scheduled=True),
                name="one_scheduled_campaign_per_source_division_year",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CampaignMessage(models.Model):
    """One person's message of a campaign: at most one per person, however often or however many times at once the
    campaign is sent."""

    campaign = models.ForeignKey(Campaign, verbose_name="活动", on_delete=models.CASCADE, related_name="messages")
    resident = models.ForeignKey(
        "enrollment.Resident",
        verbose_name="居民档案",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    id_number = models.CharField("公民身份号码", max_length=32, help_text="新生儿未落户前为临时标识或出生医学证明编号")
    name = models.CharField("姓名", max_length=64)
    village = models.ForeignKey(
        "divisions.Division",
        verbose_name="村（社区）",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    phone = models.CharField("手机号", max_length=20, blank=True)
    reason = models.CharField("动员原因", max_length=100, blank=True)
    deadline = models.DateField("缴费截止日期")
    amount = models.DecimalField("应缴金额", max_digits=12, decimal_places=2)
    explanation = models.TextField("计算说明", blank=True)
    text = models.TextField("内容")
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices, default=Outcome.QUEUED)
    claimed_by_job = models.PositiveIntegerField("发送任务", null=True, blank=True)
    gateway_message_id = models.CharField("短信平台编号", max_length=64, blank=True)
    error = models.CharField("错误信息", max_length=500, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "动员参保消息"
        verbose_name_plural = "动员参保消息"
        ordering = ["village_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "id_number"], name="one_message_per_campaign_person")
        ]
        indexes = [models.Index(fields=["id_number"], name="campaign_message_id_number")]

    def __str__(self) -> str:
        return f"{self.name} {self.get_outcome_display()}"


class PhoneOptOut(models.Model):
    """A phone number whose holder asked to receive no more reminders: every later send skips it."""

    phone = models.CharField("手机号", max_length=20, unique=True)
    reason = models.CharField("原因", max_length=200, blank=True)
    date = models.DateField("登记日期")
    division = models.ForeignKey(
        "divisions.Division", verbose_name="登记单位", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey("accounts.User", verbose_name="登记人", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "拒收短信号码"
        verbose_name_plural = "拒收短信号码"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.phone


class CampaignSendJob(Job):
    """Writing and sending a campaign's messages, by a worker, with its progress."""

    campaign = models.ForeignKey(Campaign, verbose_name="活动", on_delete=models.CASCADE, related_name="jobs")
    messages_done = models.PositiveIntegerField("已处理", default=0)
    messages_total = models.PositiveIntegerField("总数", default=0)
    requested_by = models.ForeignKey(  # type: ignore[assignment]  # nullable here: the September schedule
        "accounts.User", verbose_name="发起人", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    lock_class = 7_420
    progress_fields = ("messages_done", "messages_total")
    run_start_values: ClassVar[Mapping[str, object]] = {"messages_done": 0}
    status_labels: ClassVar[Mapping[str, str]] = {"running": "发送中"}

    class Meta(Job.Meta):
        verbose_name = "动员参保发送任务"
        verbose_name_plural = "动员参保发送任务"

    def __str__(self) -> str:
        return f"{self.campaign} 发送任务"
