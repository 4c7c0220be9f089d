from django.db import models


class TaxPaymentMatch(models.TextChoices):
    """How a tax payment record compares with the registry and the enrollments (征缴入库对账)."""

    MATCHED = "matched", "已对上"
    AMOUNT_DIFFERS = "amount_differs", "金额不符"
    NO_ENROLLMENT = "no_enrollment", "无参保记录"
    NOT_REGISTERED = "not_registered", "档案中无此人"
    OTHER_COUNTY = "other_county", "外县参保人员"


class TaxPaymentRecord(models.Model):
    """One payment the tax bureau collected and deposited in the treasury (征缴入库明细), as its file says.

    The file's figures are facts and are never edited; only the match (status, linked resident and enrollment,
    explanation) is recomputed, by tax_payments.loaders, when the file is loaded and when the clerk re-runs it.
    """

    voucher_number = models.CharField("电子税票号码", max_length=32, unique=True)
    id_number = models.CharField("公民身份号码", max_length=18)
    name = models.CharField("姓名", max_length=64)
    county = models.ForeignKey(
        "divisions.Division", verbose_name="区县", on_delete=models.PROTECT, related_name="tax_payment_records"
    )
    insurance_year = models.PositiveSmallIntegerField("费款所属年度")
    amount = models.DecimalField("实缴金额（元）", max_digits=12, decimal_places=2)
    paid_on = models.DateField("缴费日期")
    deposited_on = models.DateField("入库日期")
    job = models.ForeignKey(
        "bulk.BulkImportJob", verbose_name="导入任务", on_delete=models.PROTECT, related_name="tax_payment_records"
    )
    resident = models.ForeignKey(
        "enrollment.Resident",
        verbose_name="居民",
        on_delete=models.PROTECT,
        related_name="tax_payment_records",
        null=True,
        blank=True,
    )
    enrollment = models.ForeignKey(
        "enrollment.Enrollment",
        verbose_name="参保记录",
        on_delete=models.PROTECT,
        related_name="tax_payment_records",
        null=True,
        blank=True,
        db_constraint=False,
    )
    match_status = models.CharField("对账结果", max_length=16, choices=TaxPaymentMatch.choices)
    match_explanation = models.TextField("对账说明")
    matched_at = models.DateTimeField("对账时间")
    created_at = models.DateTimeField("导入时间")

    class Meta:
        # The table the bulk app created before the reconciliation became an app of its own.
        db_table = "bulk_taxpaymentrecord"
        verbose_name = "征缴入库明细"
        verbose_name_plural = "征缴入库明细"
        ordering = ["id_number", "voucher_number"]
        indexes = [
            # The reconciliation page counts and lists a county's year by status; the re-match picks the unmatched.
            models.Index(fields=["county", "insurance_year", "match_status"], name="tax_payment_county_year_match"),
            # The match sums a person's vouchers of the year; the page searches by ID number.
            models.Index(fields=["county", "insurance_year", "id_number"], name="tax_payment_county_year_person"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="tax_payment_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(paid_on__lte=models.F("deposited_on")), name="tax_payment_paid_before_deposited"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_number} {self.name} {self.amount}"
