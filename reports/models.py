from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

# --- Fiscal prepay and settlement of the newborn programme (R11) -------------------------------------------------


class FiscalLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class FiscalTier(models.Model):
    """A fiscal tier (财政分档) of 晋政办发〔2024〕19号: how the programme's cost is shared among the levels (R11.1)."""

    name = models.CharField("分档名称", max_length=64)
    region = models.ForeignKey(
        "divisions.Division",
        verbose_name="制定地区",
        on_delete=models.PROTECT,
        related_name="fiscal_tiers_made",
        help_text="制定该分档的省份：只有该省（及所辖城市，限仅含本市区县的分档）的用户可以维护。",
    )
    province_share = models.DecimalField("省级负担比例", max_digits=6, decimal_places=4)
    city_share = models.DecimalField("市级负担比例", max_digits=6, decimal_places=4)
    county_share = models.DecimalField("县级负担比例", max_digits=6, decimal_places=4)
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("失效日期", null=True, blank=True)
    source_document = models.CharField("依据文件", max_length=200)
    provisional = models.BooleanField("暂定", default=False, help_text="依据文件未到，按此前居民医保分担办法暂定。")
    history = HistoricalRecords(verbose_name="财政分档变更")

    class Meta:
        verbose_name = "财政分档"
        verbose_name_plural = "财政分档"
        ordering = ["name", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(province_share__gte=0, city_share__gte=0, county_share__gte=0),
                name="fiscal_tier_shares_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_from__lte=models.F("valid_to")),
                name="fiscal_tier_valid_from_before_valid_to",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（省{self.province_share:.0%}·市{self.city_share:.0%}·县{self.county_share:.0%}）"

    def clean(self) -> None:
        total = (self.province_share or 0) + (self.city_share or 0) + (self.county_share or 0)
        if total != 1:
            raise ValidationError(f"省、市、县负担比例之和应为1，现为{total}。")


class CountyFiscalTier(models.Model):
    """Which tier a county is in, from a date (R11.1)."""

    county = models.ForeignKey(
        "divisions.Division", verbose_name="区县", on_delete=models.PROTECT, related_name="fiscal_tiers"
    )
    tier = models.ForeignKey(FiscalTier, verbose_name="财政分档", on_delete=models.PROTECT, related_name="counties")
    valid_from = models.DateField("生效日期")
    provisional = models.BooleanField("暂定", default=False)
    history = HistoricalRecords(verbose_name="区县分档变更")

    class Meta:
        verbose_name = "区县财政分档"
        verbose_name_plural = "区县财政分档"
        ordering = ["county_id", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["county", "valid_from"], name="one_fiscal_tier_per_county_and_date")
        ]

    def __str__(self) -> str:
        return f"{self.county.name}：{self.tier.name}"


class FiscalProgrammeYear(models.Model):
    """The programme's figures for a year that are not the tiers: when every level's transfer is due (R11.3), and the
    day after which the year's settlement is final (R11.4); a later year without its own row inherits the day."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    transfer_due_date = models.DateField("各级资金拨付截止日期")
    source_document = models.CharField("依据文件", max_length=200)
    settlement_due_date = models.DateField(
        "据实清算日期",
        help_text="本年度出生的新生儿最晚可登记参保之日；此日之后计算的结算为据实清算，此前（含当日）为预结算。",
    )
    settlement_source = models.CharField("据实清算日期依据", max_length=200)
    history = HistoricalRecords(verbose_name="资助年度参数变更")

    class Meta:
        verbose_name = "新生儿参保资助年度参数"
        verbose_name_plural = "新生儿参保资助年度参数"
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年度"


class FiscalSettlement(models.Model):
    """One county's and level's prepay, actual cost and settlement for a year, as stored by the settlement job."""

    year = models.PositiveSmallIntegerField("年度")
    county = models.ForeignKey("divisions.Division", verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("财政层级", max_length=8, choices=FiscalLevel.choices)
    tier = models.ForeignKey(FiscalTier, verbose_name="适用分档", on_delete=models.PROTECT, related_name="+")
    share = models.DecimalField("负担比例", max_digits=6, decimal_places=4)
    target_people = models.PositiveIntegerField("目标人数")
    actual_people = models.PositiveIntegerField("实际资助人数")
    prepaid = models.DecimalField("预拨金额", max_digits=12, decimal_places=2)
    actual_cost = models.DecimalField("实际应负担", max_digits=12, decimal_places=2)
    settlement = models.DecimalField("结算金额（正为补拨，负为扣回）", max_digits=12, decimal_places=2)
    computed_at = models.DateTimeField("计算时间")
    history = HistoricalRecords(verbose_name="结算变更")

    class Meta:
        verbose_name = "新生儿参保资金结算"
        verbose_name_plural = "新生儿参保资金结算"
        ordering = ["year", "county_id", "level"]
        constraints = [
            models.UniqueConstraint(fields=["year", "county", "level"], name="one_settlement_per_year_county_level")
        ]

    def __str__(self) -> str:
        return f"{self.county.name} {self.year} {self.get_level_display()}"


class FiscalTransfer(models.Model):
    """A level's transfer into the city's social-security fund account (社会保障基金财政专户), R11.3. Never edited:
    a correction is a new row with a negative amount and its reason."""

    year = models.PositiveSmallIntegerField("年度")
    county = models.ForeignKey("divisions.Division", verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("财政层级", max_length=8, choices=FiscalLevel.choices)
    date = models.DateField("拨付日期")
    amount = models.DecimalField("金额", max_digits=12, decimal_places=2)
    voucher_no = models.CharField("凭证号", max_length=64)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "资助资金拨付"
        verbose_name_plural = "资助资金拨付"
        ordering = ["year", "county_id", "level", "date", "id"]

    def __str__(self) -> str:
        return f"{self.county.name} {self.get_level_display()} {self.amount}"
