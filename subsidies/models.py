from django.db import models
from simple_history.models import HistoricalRecords

from core.batches import PreviewBatch
from enrollment.models import HardshipCategory


class CertifyingDepartment(models.TextChoices):
    CIVIL_AFFAIRS = "民政", "民政"
    AGRICULTURE = "农业农村", "农业农村"
    HEALTH = "卫健", "卫健"
    DISABLED_FEDERATION = "残联", "残联"


class IdentityListBatch(PreviewBatch):
    """One department's list of the people it certifies in a county, as uploaded: first previewed, then confirmed.

    The preview keeps the checked rows, the row errors and the people not found, so that confirming writes exactly
    what the clerk saw, and a refused list writes nothing but this record.
    """

    department = models.CharField("认定部门", max_length=8, choices=CertifyingDepartment.choices)
    county = models.ForeignKey(
        "divisions.Division", verbose_name="区县", on_delete=models.PROTECT, related_name="identity_list_batches"
    )
    list_date = models.DateField(
        "名单日期", help_text="名单中未写有效期起的，自此日起有效；名单中已无的人员，身份于前一日终止。"
    )
    rows_total = models.PositiveIntegerField("名单行数", default=0)
    unmatched_rows = models.JSONField("档案中未找到的人员", default=list, blank=True)
    created_count = models.PositiveIntegerField("新增身份", default=0)
    updated_count = models.PositiveIntegerField("更新身份", default=0)
    ended_count = models.PositiveIntegerField("终止身份", default=0)
    bulk_import_job = models.OneToOneField(
        "bulk.BulkImportJob",
        verbose_name="批量导入任务",
        on_delete=models.PROTECT,
        related_name="identity_list_batch",
        null=True,
        blank=True,
        help_text="经批量导入写入的名单：写入它的导入任务。",
    )

    not_found_message = "没有找到该名单。"
    already_confirmed_message = "该名单已导入，不能重复导入。"
    refused_message = "该名单有错误，不能导入。请按错误行修改后重新上传。"

    class Meta(PreviewBatch.Meta):
        verbose_name = "困难身份名单批次"
        verbose_name_plural = "困难身份名单批次"

    def __str__(self) -> str:
        return f"{self.get_department_display()}名单 {self.list_date:%Y-%m-%d}（{self.file_name}）"


class HardshipIdentity(models.Model):
    """A hardship identity certified by a department, valid between two dates (R6.1).

    `batch` is the department list it last came from (empty when entered one by one); an identity that a later
    list no longer names is ended, and `ended_by_batch` records that list as the reason.
    """

    resident = models.ForeignKey(
        "enrollment.Resident", verbose_name="居民", on_delete=models.PROTECT, related_name="hardship_identities"
    )
    category = models.CharField("困难身份类别", max_length=32, choices=HardshipCategory.choices)
    disability_grade = models.PositiveSmallIntegerField("残疾等级", null=True, blank=True)
    department = models.CharField("认定部门", max_length=8, choices=CertifyingDepartment.choices)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止", null=True, blank=True)
    batch = models.ForeignKey(
        IdentityListBatch,
        verbose_name="来源名单",
        on_delete=models.PROTECT,
        related_name="identities",
        null=True,
        blank=True,
    )
    ended_by_batch = models.ForeignKey(
        IdentityListBatch,
        verbose_name="终止依据名单",
        on_delete=models.PROTECT,
        related_name="ended_identities",
        null=True,
        blank=True,
    )
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
