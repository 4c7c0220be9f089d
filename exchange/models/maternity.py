"""Maternity reimbursements (生育保险报销) received from the employee-insurance system: the mothers whose babies are
not yet enrolled are reminded to enroll them (陕医保发〔2024〕7号 二（三）)."""

from django.conf import settings
from django.db import models


class MaternityReimbursement(models.Model):
    """One mother's maternity reimbursement for one birth."""

    mother_id_number = models.CharField("母亲身份证号", max_length=18)
    mother_name = models.CharField("母亲姓名", max_length=64)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    mother = models.ForeignKey(
        "enrollment.Resident",
        verbose_name="母亲居民档案",
        on_delete=models.PROTECT,
        related_name="maternity_reimbursements",
        null=True,
        blank=True,
    )
    division = models.ForeignKey(
        "divisions.Division",
        verbose_name="所属区划",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_index=False,
        help_text="母亲户籍所在村（社区）；母亲未在居民档案中找到时为接收的区县。",
    )
    baby_birth_date = models.DateField("婴儿出生日期")
    birth_certificate_no = models.CharField("出生医学证明编号", max_length=32, blank=True)
    reimbursement_date = models.DateField("报销日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收用户", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("接收时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "生育保险报销"
        verbose_name_plural = "生育保险报销"
        ordering = ["-baby_birth_date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mother_id_number", "baby_birth_date"],
                name="one_maternity_reimbursement_per_birth",
                violation_error_message="该母亲该出生日期的生育保险报销已登记。",
            )
        ]
        # scoped by prefix of the division code, as the registry is
        indexes = [models.Index(fields=["division"], name="maternity_division", opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"{self.mother_name} {self.baby_birth_date:%Y-%m-%d}"
