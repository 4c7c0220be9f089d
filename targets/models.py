from django.db import models
from simple_history.models import HistoricalRecords


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
