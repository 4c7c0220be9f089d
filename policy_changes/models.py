"""Policy drafts (政策调整草案), their impact simulations (影响测算) and their approval.

A draft names the figures a bureau means to change for a region's insurance year; it is never the policy: the window,
the API and the jobs read only the approved parameter sets (enrollment.policy). A simulation applies the draft to the
population of a division and stores what it changes, per village and in total, and the people most affected. An
approved draft has become a new version of the parameter sets (enrollment.services.policy_parameter_set_publish).
"""

from collections.abc import Mapping
from typing import ClassVar

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import Job, JobStatus


class DraftStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    APPROVED = "approved", "已批准"
    WITHDRAWN = "withdrawn", "已撤回"


class PolicyDraft(models.Model):
    """A bureau's draft of a region's figures for an insurance year: the region's own figures and, for a city or the
    province, those of the divisions below it that the draft changes (PolicyDraftRegion)."""

    region = models.ForeignKey(
        "divisions.Division", verbose_name="地区", on_delete=models.PROTECT, related_name="policy_drafts"
    )
    insurance_year = models.PositiveSmallIntegerField("保险年度")
    title = models.CharField("草案名称", max_length=100)
    status = models.CharField("状态", max_length=16, choices=DraftStatus.choices, default=DraftStatus.DRAFT)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="拟稿人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    document_number = models.CharField("批准文号", max_length=200, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)
    approved_simulation = models.ForeignKey(
        "ImpactSimulation",
        verbose_name="审批所依据的测算",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_sets = models.ManyToManyField(
        "enrollment.PolicyParameterSet", verbose_name="发布的政策参数版本", blank=True, related_name="+"
    )
    history = HistoricalRecords(verbose_name="政策调整草案变更记录")

    class Meta:
        verbose_name = "政策调整草案"
        verbose_name_plural = "政策调整草案"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "insurance_year"], name="policy_draft_region_year")]
        permissions = [("approve_policydraft", "审批政策调整草案")]

    def __str__(self) -> str:
        return f"{self.title}（{self.insurance_year}年度）"


class PolicyDraftRegion(models.Model):
    """The figures a draft changes for one region: field name → new value, as JSON (dates as YYYY-MM-DD, amounts as
    strings). A figure the draft leaves alone is not listed."""

    draft = models.ForeignKey(PolicyDraft, verbose_name="草案", on_delete=models.CASCADE, related_name="regions")
    region = models.ForeignKey("divisions.Division", verbose_name="地区", on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField("调整的参数", default=dict, blank=True)

    class Meta:
        verbose_name = "草案地区参数"
        verbose_name_plural = "草案地区参数"
        ordering = ["draft", "region_id"]
        constraints = [models.UniqueConstraint(fields=["draft", "region"], name="one_draft_region_per_region")]

    def __str__(self) -> str:
        return f"{self.draft} {self.region_id}"


class ImpactSimulation(models.Model):
    """One run of a draft against the population of a division as of a date: one county run per county, split
    across the workers; its progress is how many county runs are done."""

    draft = models.ForeignKey(PolicyDraft, verbose_name="草案", on_delete=models.PROTECT, related_name="simulations")
    division = models.ForeignKey(
        "divisions.Division", verbose_name="测算区划", on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField("人群及身份截至日期")
    payment_date = models.DateField("假定缴费日期")
    elasticity = models.DecimalField(
        "参保弹性",
        max_digits=5,
        decimal_places=2,
        help_text="个人缴费每上升1%，参保人数变动的百分比（通常为负数）；由测算人填写，用于估算参保率变化。",
    )
    # What the draft changed when the simulation ran: region code → {field: value}; the draft may change later.
    draft_changes = models.JSONField("测算时的草案调整", default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    counties_total = models.PositiveIntegerField("区县数", default=0)

    class Meta:
        verbose_name = "政策调整影响测算"
        verbose_name_plural = "政策调整影响测算"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.draft} 测算（{self.created_at:%Y-%m-%d %H:%M}）"


class ImpactCountyRun(Job):
    """The simulation of one county: its population read in chunks and quoted under both sets of figures."""

    simulation = models.ForeignKey(
        ImpactSimulation, verbose_name="测算", on_delete=models.CASCADE, related_name="county_runs"
    )
    county = models.ForeignKey("divisions.Division", verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    rows_total = models.PositiveIntegerField("人数", default=0)
    rows_done = models.PositiveIntegerField("已测算人数", default=0)
    # Changes in individual dues (元), waiting (months) and caps (元): change → number of people.
    due_changes = models.JSONField("个人缴费变化分布", default=dict)
    waiting_changes = models.JSONField("等待期变化分布", default=dict)
    cap_changes = models.JSONField("大病限额变化分布", default=dict)
    # R11 for the county under both sets of figures: level → prepay and cost before and after; or why not computed.
    fiscal = models.JSONField("财政资助测算", default=dict)
    fiscal_note = models.CharField("财政测算说明", max_length=200, blank=True)

    lock_class = 7_610
    run_start_values: ClassVar[Mapping[str, object]] = {"rows_done": 0}
    status_labels: ClassVar[Mapping[str, str]] = {JobStatus.RUNNING: "测算中"}

    class Meta(Job.Meta):
        verbose_name = "区县测算任务"
        verbose_name_plural = "区县测算任务"
        constraints = [models.UniqueConstraint(fields=["simulation", "county"], name="one_run_per_simulation_county")]

    def __str__(self) -> str:
        return f"{self.simulation} {self.county_id}"


class ImpactTotal(models.Model):
    """What a simulation found in one village (or the division a person's household is registered in): sums before
    (现行) and after (草案), and how many people each kind of change touches. Towns, counties and cities add these."""

    simulation = models.ForeignKey(
        ImpactSimulation, verbose_name="测算", on_delete=models.CASCADE, related_name="totals"
    )
    division = models.ForeignKey("divisions.Division", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    people = models.PositiveIntegerField("测算人数", default=0)
    enrolled_now = models.PositiveIntegerField("上年度参保人数", default=0)
    due_before = models.DecimalField("个人缴费合计（现行）", max_digits=16, decimal_places=2, default=0)
    due_after = models.DecimalField("个人缴费合计（草案）", max_digits=16, decimal_places=2, default=0)
    subsidy_before = models.DecimalField("资助合计（现行）", max_digits=16, decimal_places=2, default=0)
    subsidy_after = models.DecimalField("资助合计（草案）", max_digits=16, decimal_places=2, default=0)
    income_before = models.DecimalField("基金筹资（现行）", max_digits=16, decimal_places=2, default=0)
    income_after = models.DecimalField("基金筹资（草案）", max_digits=16, decimal_places=2, default=0)
    people_changed = models.PositiveIntegerField("受影响人数", default=0)
    due_changed = models.PositiveIntegerField("个人缴费变化人数", default=0)
    subsidy_changed = models.PositiveIntegerField("资助变化人数", default=0)
    waiting_changed = models.PositiveIntegerField("等待期变化人数", default=0)
    benefit_start_changed = models.PositiveIntegerField("待遇开始日变化人数", default=0)
    cap_changed = models.PositiveIntegerField("大病限额变化人数", default=0)
    category_changed = models.PositiveIntegerField("资助类别变化人数", default=0)
    refused_before = models.PositiveIntegerField("不能缴费人数（现行）", default=0)
    refused_after = models.PositiveIntegerField("不能缴费人数（草案）", default=0)

    class Meta:
        verbose_name = "测算分区合计"
        verbose_name_plural = "测算分区合计"
        ordering = ["simulation", "division_id"]
        constraints = [models.UniqueConstraint(fields=["simulation", "division"], name="one_impact_total_per_division")]

    def __str__(self) -> str:
        return f"{self.simulation} {self.division_id}"


class ImpactPerson(models.Model):
    """One of the people a county run found most affected, with both results and both explanations."""

    simulation = models.ForeignKey(
        ImpactSimulation, verbose_name="测算", on_delete=models.CASCADE, related_name="people"
    )
    county = models.ForeignKey("divisions.Division", verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey("enrollment.Resident", verbose_name="居民", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField("影响排名")
    due_before = models.DecimalField("个人缴费（现行）", max_digits=12, decimal_places=2, null=True)
    due_after = models.DecimalField("个人缴费（草案）", max_digits=12, decimal_places=2, null=True)
    subsidy_before = models.DecimalField("资助（现行）", max_digits=12, decimal_places=2, null=True)
    subsidy_after = models.DecimalField("资助（草案）", max_digits=12, decimal_places=2, null=True)
    waiting_before = models.PositiveSmallIntegerField("等待期（现行，月）", null=True)
    waiting_after = models.PositiveSmallIntegerField("等待期（草案，月）", null=True)
    benefit_start_before = models.DateField("待遇开始（现行）", null=True)
    benefit_start_after = models.DateField("待遇开始（草案）", null=True)
    cap_before = models.DecimalField("大病限额（现行）", max_digits=12, decimal_places=2, null=True)
    cap_after = models.DecimalField("大病限额（草案）", max_digits=12, decimal_places=2, null=True)
    category_before = models.CharField("资助类别（现行）", max_length=32, blank=True)
    category_after = models.CharField("资助类别（草案）", max_length=32, blank=True)
    explanation_before = models.JSONField("计算依据（现行）", default=list)
    explanation_after = models.JSONField("计算依据（草案）", default=list)

    class Meta:
        verbose_name = "受影响较大的居民"
        verbose_name_plural = "受影响较大的居民"
        ordering = ["simulation", "county_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["simulation", "county", "rank"], name="one_impact_person_per_rank")
        ]

    def __str__(self) -> str:
        return f"{self.simulation} {self.resident_id}"
