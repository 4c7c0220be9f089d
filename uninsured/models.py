"""The uninsured ledgers (未参保台账, R13.5): lists pushed down by the province and the townships' follow-up.

The tables of the lists and the ledger keep the names they were created with when these models lived in the targets
app.
"""

from django.db import models
from simple_history.models import HistoricalRecords

from core.batches import PreviewBatch


class OutreachStep(models.TextChoices):
    """The six steps of the method, in order (RULES.md R13.5)."""

    DEPARTMENT_LINKAGE = "department_linkage", "部门联动"
    DATA_COMPARISON = "data_comparison", "信息比对"
    DATA_DISTRIBUTION = "data_distribution", "数据下发"
    DOOR_TO_DOOR = "door_to_door", "精准摸排"
    MOBILISATION = "mobilisation", "动员参保"
    FEEDBACK = "feedback", "汇总反馈"


class UninsuredReason(models.TextChoices):
    INSURED_ELSEWHERE = "insured_elsewhere", "已在外地参保"
    EMPLOYEE_INSURED = "employee_insured", "已参加职工医保"
    DECEASED = "deceased", "已死亡"
    MOVED_AWAY = "moved_away", "已迁出"
    SERVING_OR_ABROAD = "serving_or_abroad", "服兵役、服刑或出国（境）"
    UNWILLING = "unwilling", "本人不愿参保"
    UNREACHABLE = "unreachable", "联系不上"
    FINANCIAL_DIFFICULTY = "financial_difficulty", "经济困难"
    OTHER = "other", "其他"


class VerificationStatus(models.TextChoices):
    PENDING = "pending", "待核实"
    CONFIRMED_UNINSURED = "confirmed_uninsured", "核实未参保"
    NOT_UNINSURED = "not_uninsured", "核实已参保或无需参保"


class ContactResult(models.TextChoices):
    NOT_CONTACTED = "not_contacted", "未联系"
    REACHED = "reached", "已联系上"
    NOT_REACHED = "not_reached", "联系不上"


class UninsuredList(models.Model):
    """A list of people found uninsured, pushed down to one township, with the deadline for its feedback."""

    township = models.ForeignKey(
        "divisions.Division", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="uninsured_lists"
    )
    year = models.PositiveSmallIntegerField("参保年度")
    title = models.CharField("名单名称", max_length=200)
    deadline = models.DateField("反馈截止日期")
    pushed_by = models.ForeignKey("accounts.User", verbose_name="下发人", on_delete=models.PROTECT, related_name="+")
    pushed_at = models.DateTimeField("下发时间", auto_now_add=True)
    signed_by = models.ForeignKey(
        "accounts.User", verbose_name="签领人", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    signed_at = models.DateTimeField("签领时间", null=True, blank=True)
    history = HistoricalRecords(verbose_name="未参保名单变更", table_name="targets_historicaluninsuredlist")

    class Meta:
        db_table = "targets_uninsuredlist"
        verbose_name = "未参保人员名单（下发）"
        verbose_name_plural = "未参保人员名单（下发）"
        ordering = ["-pushed_at", "-id"]

    def __str__(self) -> str:
        return self.title


class UninsuredPerson(models.Model):
    """One person on a township's uninsured ledger (未参保台账): pushed down, or found by the township itself."""

    uninsured_list = models.ForeignKey(
        UninsuredList,
        verbose_name="下发名单",
        on_delete=models.PROTECT,
        related_name="people",
        null=True,
        blank=True,
        help_text="空：乡镇自行摸排发现",
    )
    township = models.ForeignKey(
        "divisions.Division", verbose_name="乡镇（街道）", on_delete=models.PROTECT, related_name="+"
    )
    village = models.ForeignKey(
        "divisions.Division",
        verbose_name="村（社区）",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    year = models.PositiveSmallIntegerField("参保年度")
    name = models.CharField("姓名", max_length=64)
    id_number = models.CharField("公民身份号码", max_length=18)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    reason = models.CharField("未参保原因", max_length=32, choices=UninsuredReason.choices, blank=True)
    insured_elsewhere_place = models.CharField("异地参保地", max_length=100, blank=True)
    verification_status = models.CharField(
        "核实状态", max_length=32, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    contact_result = models.CharField(
        "联系结果", max_length=16, choices=ContactResult.choices, default=ContactResult.NOT_CONTACTED
    )
    outreach_note = models.CharField("动员情况", max_length=200, blank=True)
    enrollment_date = models.DateField("参保日期", null=True, blank=True)
    step = models.CharField(
        "工作步骤", max_length=32, choices=OutreachStep.choices, default=OutreachStep.DATA_DISTRIBUTION
    )
    updated_by = models.ForeignKey(
        "accounts.User", verbose_name="最后更新人", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(verbose_name="未参保台账变更", table_name="targets_historicaluninsuredperson")

    class Meta:
        db_table = "targets_uninsuredperson"
        verbose_name = "未参保台账"
        verbose_name_plural = "未参保台账"
        ordering = ["township_id", "village_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "year", "id_number"], name="one_uninsured_entry_per_township_year_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class UninsuredPushBatch(PreviewBatch):
    """A list the province uploaded to push down, as checked: first previewed, then confirmed.

    The checked rows are the people to push (township and village codes, name, ID number, phone); `townships` is the
    split per township shown in the preview. The batch belongs to the uploader's division, within which every
    township of its rows was checked; nothing but this record is written before it is confirmed.
    """

    division = models.ForeignKey(
        "divisions.Division",
        verbose_name="下发单位",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="空：全省（系统管理员）",
    )
    year = models.PositiveSmallIntegerField("参保年度")
    deadline = models.DateField("反馈截止日期")
    townships = models.JSONField("按乡镇拆分", default=list, blank=True)
    created_count = models.PositiveIntegerField("新增", default=0)
    linked_count = models.PositiveIntegerField("关联乡镇自行摸排", default=0)
    kept_count = models.PositiveIntegerField("已在其他名单", default=0)

    not_found_message = "没有找到该名单，请重新上传。"
    already_confirmed_message = "该名单已下发，不能重复下发。"

    class Meta(PreviewBatch.Meta):
        verbose_name = "未参保人员名单下发批次"
        verbose_name_plural = "未参保人员名单下发批次"

    def __str__(self) -> str:
        return f"{self.year}年度未参保人员名单 {self.file_name}"


class UninsuredLedgerImportBatch(PreviewBatch):
    """A township's Excel ledger sent back, as checked: first previewed, then confirmed.

    The checked rows are the people whose entry the file changes, with the changes (dates as 2026-01-01); confirming
    writes exactly those. A file that changes no one can be shown but not confirmed.
    """

    township = models.ForeignKey(
        "divisions.Division",
        verbose_name="乡镇（街道）",
        on_delete=models.PROTECT,
        related_name="uninsured_ledger_import_batches",
    )
    year = models.PositiveSmallIntegerField("参保年度")
    columns = models.JSONField("导入的列", default=list, blank=True)
    unchanged_count = models.PositiveIntegerField("无变化", default=0)

    not_found_message = "没有找到该导入文件，请重新上传。"
    already_confirmed_message = "该文件已导入，不能重复导入。"
    nothing_to_write_message = "文件与台账一致，没有需要更新的人员。"

    class Meta(PreviewBatch.Meta):
        verbose_name = "未参保台账导入批次"
        verbose_name_plural = "未参保台账导入批次"

    def __str__(self) -> str:
        return f"{self.township_id} {self.year}年度台账导入 {self.file_name}"
