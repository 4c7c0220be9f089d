from collections.abc import Mapping
from typing import Any, ClassVar

from django.db import models
from simple_history.models import HistoricalRecords

from core.batches import PreviewBatch
from core.models import Job, JobStatus
from enrollment.models import TargetMetric

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


def _file_rows(batch: PreviewBatch) -> list[dict[str, Any]]:
    """Every row of an uploaded file in its order, as its preview shows it: those refused with their errors."""
    rows = [{**row, "errors": []} for row in batch.checked_rows] + list(batch.row_errors)
    return sorted(rows, key=lambda row: int(row["row"]))


class TargetSplitBatch(PreviewBatch):
    """A city's split of its target among its counties, uploaded as a file (R10.1): first previewed, then confirmed.

    A checked row is {"row", "code", "name", "value"}; a refused row also carries them, as the file wrote them.
    `problems` are those of the split as a whole (a county missing, the sum not the city's target): any of them
    refuses the file like a bad row.
    """

    city = models.ForeignKey(
        "divisions.Division", verbose_name="市", on_delete=models.PROTECT, related_name="target_split_batches"
    )
    year = models.PositiveSmallIntegerField("年度")
    problems = models.JSONField("分解问题", default=list, blank=True)

    not_found_message = "没有找到该预览，请重新上传。"
    already_confirmed_message = "该文件已保存，不能重复保存。"
    refused_message = "文件有错误，未保存任何数据。请修改后重新上传。"

    class Meta(PreviewBatch.Meta):
        verbose_name = "目标分解导入批次"
        verbose_name_plural = "目标分解导入批次"

    def __str__(self) -> str:
        return f"{self.year}年度目标分解 {self.file_name}"

    @property
    def rows(self) -> list[dict[str, Any]]:
        return _file_rows(self)

    @property
    def total(self) -> int:
        return sum(int(row["value"]) for row in self.checked_rows)

    @property
    def values(self) -> dict[str, int]:
        """The county codes and their targets, as the split saves them."""
        return {row["code"]: int(row["value"]) for row in self.checked_rows}


class BaselineImportBatch(PreviewBatch):
    """A file of population baselines the province uploaded (R10.2): first previewed, then confirmed.

    A checked row holds the figures to write (division code, year, populations, source) with what writing it
    changes (新增, 更新, 无变化) and the cells as sent. The batch belongs to the uploader's division, within which
    every row's division was checked.
    """

    division = models.ForeignKey(
        "divisions.Division",
        verbose_name="上传单位",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="空：全省（系统管理员）",
    )
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("无变化", default=0)

    not_found_message = "没有找到该预览，请重新上传。"
    already_confirmed_message = "该文件已导入，不能重复导入。"
    refused_message = "文件中有错误行，整份文件不能导入。请按错误行修改后重新上传。"
    nothing_to_write_message = "文件中没有可导入的人口基数。"

    class Meta(PreviewBatch.Meta):
        verbose_name = "人口基数导入批次"
        verbose_name_plural = "人口基数导入批次"

    def __str__(self) -> str:
        return f"人口基数导入 {self.file_name}"

    @property
    def rows(self) -> list[dict[str, Any]]:
        return _file_rows(self)
