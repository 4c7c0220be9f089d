from collections.abc import Mapping
from typing import ClassVar

from django.db import models
from simple_history.models import HistoricalRecords

from core.models import Job, JobStatus


class TargetMetric(models.TextChoices):
    SUBSIDISED_NEWBORNS = "subsidised_newborns", "资助新生儿参保人数"
    OVERALL_ENROLLMENT_RATE = "overall_enrollment_rate", "总体参保率"
    HARDSHIP_ENROLLMENT_RATE = "hardship_enrollment_rate", "困难群众参保率"
    NEWBORN_BIRTH_YEAR_RATE = "newborn_birth_year_rate", "新生儿出生当年参保率"


RATE_METRICS = frozenset(
    {
        TargetMetric.OVERALL_ENROLLMENT_RATE,
        TargetMetric.HARDSHIP_ENROLLMENT_RATE,
        TargetMetric.NEWBORN_BIRTH_YEAR_RATE,
    }
)


class Target(models.Model):
    """A target of one division for one year and metric (R10), with the document that set it.

    A rate set for a division holds for the divisions below it unless they set their own; a count does not.
    """

    division = models.ForeignKey(
        "divisions.Division", verbose_name="区划", on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField("年度")
    metric = models.CharField("指标", max_length=32, choices=TargetMetric.choices)
    value = models.DecimalField("目标值", max_digits=12, decimal_places=4, help_text="人数，或比率（0.9900 即 99%）")
    source_document = models.CharField("依据文件", max_length=200)
    history = HistoricalRecords(verbose_name="目标变更记录")

    class Meta:
        verbose_name = "目标"
        verbose_name_plural = "目标"
        ordering = ["year", "division_id", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["division", "year", "metric"], name="one_target_per_division_year_metric")
        ]

    def __str__(self) -> str:
        return f"{self.division.name} {self.year}年 {self.get_metric_display()}"


class PopulationBaseline(models.Model):
    """The denominators of the coverage rates for one division and year (R10.2), as imported from the statistics."""

    division = models.ForeignKey(
        "divisions.Division", verbose_name="区划", on_delete=models.PROTECT, related_name="population_baselines"
    )
    year = models.PositiveSmallIntegerField("年度")
    registered_population = models.PositiveIntegerField("户籍人口")
    resident_population = models.PositiveIntegerField("常住人口", null=True, blank=True)
    employee_insured = models.PositiveIntegerField("参加职工医保人数", default=0)
    source_document = models.CharField("数据来源", max_length=200)
    history = HistoricalRecords(verbose_name="人口基数变更记录")

    class Meta:
        verbose_name = "人口基数"
        verbose_name_plural = "人口基数"
        ordering = ["year", "division_id"]
        constraints = [models.UniqueConstraint(fields=["division", "year"], name="one_baseline_per_division_year")]

    def __str__(self) -> str:
        return f"{self.division.name} {self.year}年人口基数"


class ProgressSnapshot(models.Model):
    """Progress of one division on one metric as of a date (R10.3); recomputing it gives the same row."""

    year = models.PositiveSmallIntegerField("年度")
    as_of = models.DateField("统计截止日")
    division = models.ForeignKey(
        "divisions.Division", verbose_name="区划", on_delete=models.PROTECT, related_name="progress_snapshots"
    )
    metric = models.CharField("指标", max_length=32, choices=TargetMetric.choices)
    target = models.DecimalField("目标值", max_digits=12, decimal_places=4, null=True, blank=True)
    actual = models.PositiveIntegerField("实际人数")
    base = models.PositiveIntegerField("应参保人数（比率的分母）", null=True, blank=True)
    completion_rate = models.DecimalField("完成率", max_digits=8, decimal_places=4, null=True, blank=True)
    time_progress = models.DecimalField("时间进度", max_digits=8, decimal_places=4)
    gap = models.IntegerField("差距（人）", null=True, blank=True)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "进度快照"
        verbose_name_plural = "进度快照"
        ordering = ["year", "as_of", "division_id", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "as_of", "division", "metric"], name="one_snapshot_per_year_date_division_metric"
            )
        ]

    def __str__(self) -> str:
        return f"{self.division.name} {self.as_of:%Y-%m-%d} {self.get_metric_display()}"


class ProgressJob(Job):
    """A progress computation asked for by staff (the refresh button) or by the schedule, with its progress."""

    year = models.PositiveSmallIntegerField("年度")
    as_of = models.DateField("统计截止日")
    levels_total = models.PositiveSmallIntegerField("层级数", default=0)
    levels_done = models.PositiveSmallIntegerField("已完成层级", default=0)
    requested_by = models.ForeignKey(  # type: ignore[assignment]  # nullable here, unlike Job's
        "accounts.User",
        verbose_name="发起人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    lock_class = 7_419
    progress_fields = ("levels_done", "levels_total")
    run_start_values: ClassVar[Mapping[str, object]] = {"levels_done": 0}
    status_labels: ClassVar[Mapping[str, str]] = {JobStatus.RUNNING: "计算中"}

    class Meta(Job.Meta):
        verbose_name = "进度计算任务"
        verbose_name_plural = "进度计算任务"

    def __str__(self) -> str:
        return f"{self.year}年进度（截至{self.as_of:%Y-%m-%d}）"


# --- 未参保台账 (R13.5) ---------------------------------------------------------------------------------------------


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
    history = HistoricalRecords(verbose_name="未参保名单变更")

    class Meta:
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
    history = HistoricalRecords(verbose_name="未参保台账变更")

    class Meta:
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
