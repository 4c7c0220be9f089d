from django.db import models
from simple_history.models import HistoricalRecords


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class ResidentStatus(models.TextChoices):
    NORMAL = "normal", "正常"
    DECEASED = "deceased", "死亡"
    MOVED_OUT = "moved_out", "迁出"
    VOIDED = "voided", "注销"


class Resident(models.Model):
    """一人一档: one record per person, never deleted; every change is kept in history."""

    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=64, db_index=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    phone = models.CharField("联系电话", max_length=20, blank=True)
    household_division = models.ForeignKey(
        "divisions.Division",
        verbose_name="户籍所在村（社区）",
        on_delete=models.PROTECT,
        related_name="household_residents",
    )
    residence_division = models.ForeignKey(
        "divisions.Division",
        verbose_name="居住地",
        on_delete=models.PROTECT,
        related_name="dwelling_residents",
        null=True,
        blank=True,
    )
    status = models.CharField("人员状态", max_length=16, choices=ResidentStatus.choices, default=ResidentStatus.NORMAL)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(verbose_name="居民档案变更记录")

    class Meta:
        verbose_name = "居民档案"
        verbose_name_plural = "居民档案"
        ordering = ["household_division_id", "name", "id"]
        permissions = [("view_full_id_number", "可查看完整身份证号")]

    def __str__(self) -> str:
        return self.name
