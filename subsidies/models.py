from django.db import models
from simple_history.models import HistoricalRecords


class HardshipCategory(models.TextChoices):
    """R6 categories, as certified by the departments (RULES.md R6)."""

    TEKUN = "tekun", "特困人员"
    SEVERE_DISABILITY = "severe_disability", "二级及以上重度残疾人"
    DIBAO_DISABILITY = "dibao_disability", "低保户中的三级、四级残疾人"
    FAMILY_PLANNING_HARDSHIP = "family_planning_hardship", "农村计划生育特殊困难家庭成员"
    DIBAO = "dibao", "低保对象"
    EDGE_POVERTY = "edge_poverty", "边缘易致贫户"
    SUDDEN_HARDSHIP = "sudden_hardship", "突发严重困难户"
    UNSTABLE_POVERTY_ALLEVIATED = "unstable_poverty_alleviated", "脱贫不稳定户"
    RETURNED_TO_POVERTY = "returned_to_poverty", "返贫致贫人口"
    STABLE_POVERTY_ALLEVIATED = "stable_poverty_alleviated", "稳定脱贫人口"
    DISABILITY = "disability", "残疾人（按等级）"


class CertifyingDepartment(models.TextChoices):
    CIVIL_AFFAIRS = "民政", "民政"
    AGRICULTURE = "农业农村", "农业农村"
    HEALTH = "卫健", "卫健"
    DISABLED_FEDERATION = "残联", "残联"


class HardshipIdentity(models.Model):
    """A hardship identity certified by a department, valid between two dates (R6.1)."""

    resident = models.ForeignKey(
        "enrollment.Resident", verbose_name="居民", on_delete=models.PROTECT, related_name="hardship_identities"
    )
    category = models.CharField("困难身份类别", max_length=32, choices=HardshipCategory.choices)
    disability_grade = models.PositiveSmallIntegerField("残疾等级", null=True, blank=True)
    department = models.CharField("认定部门", max_length=8, choices=CertifyingDepartment.choices)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止", null=True, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", verbose_name="登记人", on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords(verbose_name="困难身份变更")

    class Meta:
        verbose_name = "困难身份"
        verbose_name_plural = "困难身份"
        ordering = ["resident_id", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_from__lte=models.F("valid_to")),
                name="identity_valid_from_before_valid_to",
            ),
            models.CheckConstraint(
                condition=models.Q(disability_grade__isnull=True)
                | models.Q(disability_grade__gte=1, disability_grade__lte=4),
                name="identity_disability_grade_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident.name} {self.get_category_display()}"
