from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    WINDOW_CLERK = "window_clerk", "窗口经办"
    TOWNSHIP_OFFICIAL = "township_official", "乡镇专干"
    CITY_STAFF = "city_staff", "市级管理"
    PROVINCE_STAFF = "province_staff", "省级管理"
    FINANCE = "finance", "财政"
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
