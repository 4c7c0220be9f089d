from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    WINDOW_CLERK = "window_clerk", "窗口经办"
    TOWNSHIP_OFFICIAL = "township_official", "乡镇专干"
    CITY_STAFF = "city_staff", "市级管理"
    PROVINCE_STAFF = "province_staff", "省级管理"
    FINANCE = "finance", "财政"
    # Approves the policy drafts of their region (a bureau's leadership); never their own.
    POLICY_APPROVER = "policy_approver", "政策审批"
    SYSTEM_ADMIN = "system_admin", "系统管理员"


class User(AbstractUser):
    """A bureau user, bound to the one division whose subtree is everything they may see."""

    role = models.CharField("角色", max_length=32, choices=Role.choices)
    division = models.ForeignKey(
        "divisions.Division", verbose_name="所属区划", on_delete=models.PROTECT, null=True, related_name="users"
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"


class RevealReason(models.TextChoices):
    WINDOW_SERVICE = "window_service", "窗口业务办理"
    IDENTITY_CHECK = "identity_check", "核实身份"
    RECORD_CORRECTION = "record_correction", "信息更正"
    FOLLOW_UP = "follow_up", "入户核查或动员参保"
    API_CALL = "api_call", "系统接口调用"
    OTHER = "other", "其他"


class PersonalDataView(models.Model):
    """个人信息保护法: who saw a person's full ID number and phone, when, from where and why. Never edited.

    The number is kept as it was shown: a newborn's placeholder is later completed in place, and an API answer can
    carry a number the registry does not hold (a mother's on a birth record, a payer's), recorded without a resident.
    """

    # Both keys are enforced by the application (db_constraint=False): every window search writes a record, and a
    # foreign key of the database would check it by share-locking the person's row and the clerk's, turning a read of
    # the registry into a write of its pages (with 20 searches in flight, PostgreSQL spent 0.2 ms more per search,
    # docs/scaling.md). The record is written from the person the answer has just read and the user signed in; no
    # service deletes either, and on_delete=PROTECT still refuses an ORM delete of one that a record names.
    user = models.ForeignKey(
        User, verbose_name="查看人", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    resident = models.ForeignKey(
        "enrollment.Resident",
        verbose_name="被查看人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_constraint=False,
    )
    id_number = models.CharField("所示身份证号", max_length=20, db_index=True)
    reason = models.CharField("查看原因", max_length=32, choices=RevealReason.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    path = models.CharField("页面或接口", max_length=300)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    viewed_at = models.DateTimeField("查看时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "个人信息查看记录"
        verbose_name_plural = "个人信息查看记录"
        ordering = ["-viewed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(id_number=""), name="personal_data_view_has_id_number")
        ]

    def __str__(self) -> str:
        return f"{self.user} 查看 {self.resident_id or '登记外号码'}"


class ExportRecord(models.Model):
    """Every file a user downloads: what, with which filter, how many rows. Never edited."""

    user = models.ForeignKey(User, verbose_name="导出人", on_delete=models.PROTECT, related_name="+")
    path = models.CharField("地址", max_length=300)
    query = models.JSONField("筛选条件", default=dict, blank=True)
    file_name = models.CharField("文件名", max_length=255)
    row_count = models.PositiveIntegerField("行数", null=True, blank=True)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)
    exported_at = models.DateTimeField("导出时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "导出记录"
        verbose_name_plural = "导出记录"
        ordering = ["-exported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.file_name}"
