"""重复参保治理: the duplicate enrollments the nightly scan finds (R8.2, R12, R13.0a), each a case a clerk resolves."""

from collections.abc import Mapping
from typing import ClassVar

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import Job, JobStatus


class DuplicateKind(models.TextChoices):
    # A year recorded as insured under employee insurance while a resident enrollment of that year is active (R8.2).
    EMPLOYEE_AND_RESIDENT = "employee_and_resident", "职工医保与城乡居民医保重复"
    # A newborn's placeholder record never merged into the record of its real ID number, both enrolled for the year
    # (R7.5, R7.6, R13.0a: one active resident enrollment per person and year in the province).
    PLACEHOLDER_AND_REGISTERED = "placeholder_and_registered", "新生儿临时身份与正式档案重复"


class CaseStatus(models.TextChoices):
    OPEN = "open", "待处理"
    RESOLVED = "resolved", "已处理"


class Resolution(models.TextChoices):
    REFUND = "refund", "退费"
    TRANSFER = "transfer", "转移（保留一条参保记录）"
    NOT_DUPLICATE = "not_duplicate", "不属于重复参保"
    HANDLED_ELSEWHERE = "handled_elsewhere", "已在别处处理"


class DuplicateCase(models.Model):
    """One duplicate the scan found: the enrollment to be resolved (`enrollment`, held by `county`), what it duplicates
    (an employee-insured year, or the enrollment of the person's other record), the evidence and the money at stake.
    A rescan finds the same case again by (kind, enrollment, year) and never makes a second one."""

    kind = models.CharField("重复类型", max_length=32, choices=DuplicateKind.choices)
    year = models.PositiveSmallIntegerField("保险年度")
    enrollment = models.ForeignKey(
        "enrollment.Enrollment",
        verbose_name="待处理的参保记录",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    resident = models.ForeignKey(
        "enrollment.Resident", verbose_name="居民", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    other_enrollment = models.ForeignKey(
        "enrollment.Enrollment",
        verbose_name="重复的另一条参保记录",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_constraint=False,
    )
    other_resident = models.ForeignKey(
        "enrollment.Resident",
        verbose_name="同一人的另一份档案",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    employee_year = models.ForeignKey(
        "enrollment.EmployeeInsuredYear",
        verbose_name="职工医保参保年度",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
    )
    county = models.ForeignKey(
        "divisions.Division", verbose_name="参保地（区县）", on_delete=models.PROTECT, related_name="+"
    )
    evidence = models.TextField("重复依据")
    amount = models.DecimalField("涉及金额（个人缴费）", max_digits=12, decimal_places=2)
    status = models.CharField("状态", max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    resolution = models.CharField("处理方式", max_length=32, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolution_note = models.TextField("处理说明", blank=True)
    refund_payment = models.ForeignKey(
        "enrollment.Payment",
        verbose_name="退费流水",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    found_at = models.DateTimeField("发现时间", auto_now_add=True)
    history = HistoricalRecords(verbose_name="重复参保处理记录")

    class Meta:
        verbose_name = "重复参保"
        verbose_name_plural = "重复参保"
        ordering = ["status", "-year", "county_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "enrollment", "year"],
                name="one_duplicate_case_per_kind_enrollment_year",
                violation_error_message="该参保记录的这一重复已登记。",
            )
        ]
        indexes = [models.Index(fields=["county", "status"], name="duplicate_case_county_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}年度 {self.resident.name}"


class DuplicateScanJob(Job):
    """One run of the scan, nightly (beat) or asked for on the page, with its progress over the scan's steps."""

    steps_total = models.PositiveSmallIntegerField("步骤数", default=0)
    steps_done = models.PositiveSmallIntegerField("已完成步骤", default=0)
    cases_found = models.PositiveIntegerField("发现重复", default=0)
    cases_new = models.PositiveIntegerField("新增", default=0)
    cases_closed = models.PositiveIntegerField("已在别处处理", default=0)
    requested_by = models.ForeignKey(  # type: ignore[assignment]  # nullable here: the schedule asks for none
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    lock_class = 7_420
    progress_fields = ("steps_done", "steps_total")
    run_start_values: ClassVar[Mapping[str, object]] = {"steps_done": 0}
    status_labels: ClassVar[Mapping[str, str]] = {JobStatus.RUNNING: "比对中"}

    class Meta(Job.Meta):
        verbose_name = "重复参保比对任务"
        verbose_name_plural = "重复参保比对任务"

    def __str__(self) -> str:
        return f"重复参保比对（{self.created_at:%Y-%m-%d %H:%M}）"
