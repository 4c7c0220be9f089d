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


class PolicyParameterSet(models.Model):
    """Policy figures of one region (province, city or county) for one insurance year, with their source.

    A blank field is inherited: a county takes its city's figure, a city the province's (RULES.md). A year
    with no set anywhere in the chain inherits the latest earlier year's, dates shifted (enrollment.policy).
    """

    region = models.ForeignKey(
        "divisions.Division", verbose_name="地区", on_delete=models.PROTECT, related_name="policy_parameter_sets"
    )
    insurance_year = models.PositiveSmallIntegerField("保险年度")
    source_document = models.CharField("依据文件（缴费标准、征缴日历）", max_length=200)
    waiting_source = models.CharField("等待期依据（文号及条款）", max_length=200, blank=True)
    cap_source = models.CharField("大病保险激励约束依据（文号及条款）", max_length=200, blank=True)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    calendar_assumed = models.BooleanField(
        "征缴日历为推定", default=False, help_text="文件未给出征缴日历，按2026年日历平移推定，待经办机构确认。"
    )

    contribution_standard = models.DecimalField(
        "个人缴费标准（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    collection_opens = models.DateField("集中征缴期开始", null=True, blank=True)
    normal_part_ends = models.DateField("正常缴费期截止", null=True, blank=True)
    extended_part_starts = models.DateField("延长缴费期开始", null=True, blank=True)
    extended_part_ends = models.DateField("延长缴费期截止", null=True, blank=True)
    monthly_cutoff_day = models.PositiveSmallIntegerField("征缴期内每月截止日", null=True, blank=True)
    fixed_waiting_months = models.PositiveSmallIntegerField("固定等待期（月）", null=True, blank=True)
    free_break_years = models.PositiveSmallIntegerField("不增加变动等待期的断保年数", null=True, blank=True)
    waiting_floor_months = models.PositiveSmallIntegerField("等待期下限（月）", null=True, blank=True)
    waiting_floor_break_years = models.PositiveSmallIntegerField("适用等待期下限的断保年数", null=True, blank=True)
    break_counting_start_year = models.PositiveSmallIntegerField("断保计算起始年度", null=True, blank=True)
    incentive_start_year = models.PositiveSmallIntegerField("激励计算起始年度", null=True, blank=True)
    cap_base = models.DecimalField(
        "大病保险基础最高支付限额（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    cap_step = models.DecimalField("每年奖励或扣减额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    cap_continuity_free_years = models.PositiveSmallIntegerField("不计连续参保奖励的年数", null=True, blank=True)
    cap_bonus_limit = models.DecimalField("奖励累计上限（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    cap_penalty_limit = models.DecimalField(
        "扣减累计上限（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    special_group_window_months = models.PositiveSmallIntegerField(
        "退出其他制度人员补办参保时限（月）", null=True, blank=True
    )
    special_group_benefit_offset_days = models.PositiveSmallIntegerField(
        "退出其他制度人员待遇起始（缴费后第几日）", null=True, blank=True
    )
    special_group_source = models.CharField("特殊群体依据（文号及条款）", max_length=200, blank=True)
    student_source = models.CharField("大中专学生参保依据（文号及条款）", max_length=200, blank=True)
    history = HistoricalRecords(verbose_name="政策参数变更记录")

    class Meta:
        verbose_name = "政策参数"
        verbose_name_plural = "政策参数"
        ordering = ["region_id", "insurance_year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "insurance_year"], name="one_parameter_set_per_region_year"),
            models.CheckConstraint(
                condition=models.Q(normal_part_ends__isnull=True)
                | models.Q(collection_opens__isnull=True)
                | models.Q(collection_opens__lte=models.F("normal_part_ends")),
                name="collection_opens_before_normal_end",
            ),
            models.CheckConstraint(
                condition=models.Q(extended_part_ends__isnull=True)
                | models.Q(extended_part_starts__isnull=True)
                | models.Q(extended_part_starts__lte=models.F("extended_part_ends")),
                name="extended_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.insurance_year}年度（{self.source_document}）"
