from django.conf import settings
from django.db import models

from core.models import AWAITING_CONFIRMATION_STATUSES, Job, JobStatus


class BulkImportKind(models.TextChoices):
    RESIDENT_REGISTRY = "resident_registry", "居民档案（户籍人口名册）"
    ENROLLMENT_HISTORY = "enrollment_history", "历史参保记录"
    TAX_PAYMENTS = "tax_payments", "征缴入库明细（税务）"
    IDENTITY_LIST = "identity_list", "困难身份名单（认定部门）"
    EMPLOYEE_STOP_LIST = "employee_stop_list", "职工医保停保名单"
    # The inbound feeds of other departments (exchange): the kind is the feed's kind.
    HOUSEHOLD_REGISTRATIONS = "household-registrations", "公安户籍落户（数据交换）"
    DEATHS = "deaths", "死亡、注销（数据交换）"
    MOVES = "moves", "迁出（数据交换）"
    SCHOOL_ROLLS = "school-rolls", "教育部门学籍（数据交换）"
    MATERNITY = "maternity", "生育保险报销（数据交换）"
    EMPLOYEE_INSURED = "employee-insured", "职工医保参保名单（数据交换）"
    EMPLOYEE_STOPPED = "employee-stopped", "职工医保停保名单（数据交换）"


class BulkImportJob(Job):
    """A county's big file (a registry of 300,000 people, years of enrollment history) loaded by a Celery worker.

    The row is the audit record of the import: who sent which file for which county, what it did, and the report
    of the rows it refused or skipped. The page polls it for progress; a job whose worker is gone (已中断) is
    retried from the page.

    Like every uploaded list (core.batches), the file is checked first and written only once confirmed: the check
    stops at 待确认 with its counts and report, and the clerk's confirmation queues the write. A caller that is not a
    person at a page creates the job confirmed, and it runs through.
    """

    status = models.CharField("状态", max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)

    kind = models.CharField("导入内容", max_length=32, choices=BulkImportKind.choices)
    county = models.ForeignKey(
        "divisions.Division", verbose_name="区县", on_delete=models.PROTECT, related_name="bulk_import_jobs"
    )
    parameters = models.JSONField(
        "导入参数",
        default=dict,
        blank=True,
        help_text="该类文件特有的参数，由导入该类文件的应用定义，如困难身份名单的认定部门和名单日期。",
    )
    file = models.FileField("导入文件", upload_to="bulk/%Y/%m/")
    file_name = models.CharField("原文件名", max_length=255)
    rows_total = models.PositiveIntegerField("总行数", default=0, help_text="校验完成前为按已读字节估算的行数。")
    rows_done = models.PositiveIntegerField("已校验行数", default=0)
    rows_valid = models.PositiveIntegerField("通过校验行数", default=0)
    rows_created = models.PositiveIntegerField("新增", default=0)
    rows_updated = models.PositiveIntegerField("更新", default=0)
    rows_skipped = models.PositiveIntegerField("跳过（已有记录）", default=0)
    error_count = models.PositiveIntegerField("错误行数", default=0)
    error_file = models.FileField("问题行报告", upload_to="bulk/reports/%Y/%m/", blank=True)
    checked_at = models.DateTimeField(
        "校验完成时间", null=True, blank=True, help_text="校验通过、等待确认时记录；确认写入前按此时的结果核对。"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    lock_class = 7_417
    started_status = JobStatus.VALIDATING
    # The counts are set again by the run itself when it reads the file (bulk.services): a confirmed run compares
    # its check with the counts the clerk confirmed.

    class Meta(Job.Meta):
        verbose_name = "批量导入任务"
        verbose_name_plural = "批量导入任务"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def loading_while_reading(self) -> bool:
        """Written as it is read (a confirmed file loaded block by block, bulk.services): no row counts as checked
        until the whole file has been, so the rows read so far are what the page shows."""
        return self.status == JobStatus.LOADING and self.rows_valid == 0

    @property
    def awaiting_confirmation(self) -> bool:
        return self.status in AWAITING_CONFIRMATION_STATUSES

    @property
    def running(self) -> bool:
        """Neither finished nor waiting for the clerk: the page follows it."""
        return not self.finished and not self.awaiting_confirmation

    @property
    def percent_done(self) -> int:
        """Reading the file is the long part the bar follows; a write after the check is shown by the status."""
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if self.status == JobStatus.LOADING and not self.loading_while_reading:
            return 99
        return min(99, self.rows_done * 100 // self.rows_total) if self.rows_total else 0

    @property
    def parameters_heading(self) -> str:
        """The job's parameters as its page heads them (a list's department and date), by the kind's loader."""
        from .registry import LOADERS

        loader = LOADERS.get(self.kind)
        return loader.parameters_heading(self.parameters) if loader is not None and self.parameters else ""

    @property
    def parameters_in_list(self) -> str:
        from .registry import LOADERS

        loader = LOADERS.get(self.kind)
        return loader.parameters_in_list(self.parameters) if loader is not None and self.parameters else ""

    @property
    def rows_unchanged(self) -> int:
        return max(0, self.rows_valid - self.rows_created - self.rows_updated)
