"""Moves out of the province (迁出) received from public security's household registration."""

from django.conf import settings
from django.db import models


class ResidentMove(models.Model):
    """A person's move out of the province, as the household registration reported it: the resident is marked
    迁出 and the uninsured ledgers show them as 已迁出 (R13.5). Never deleted."""

    resident = models.ForeignKey(
        "enrollment.Resident", verbose_name="居民", on_delete=models.PROTECT, related_name="moves"
    )
    move_date = models.DateField("迁出日期")
    destination = models.CharField("迁往地", max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收用户", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("接收时间", auto_now_add=True)

    class Meta:
        verbose_name = "迁出记录"
        verbose_name_plural = "迁出记录"
        ordering = ["-move_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "move_date"],
                name="one_move_per_person_date",
                violation_error_message="该居民该日期的迁出已登记。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident} {self.move_date:%Y-%m-%d}迁出"
