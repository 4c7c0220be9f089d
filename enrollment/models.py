from collections.abc import Mapping
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from core.history import HistoryReadPerRecord
from core.models import RUN_THROUGH_STATUS_CHOICES, Job, JobStatus

from .rules import EXIT_KIND_LABELS, HardshipTableInvalid, hardship_tiers_from_rows


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"
    UNKNOWN = "U", "未知"  # a pre-enrolled baby before birth (R7.6)


class HardshipCategory(models.TextChoices):
    """R6 categories, as certified by the departments (RULES.md R6)."""

    TEKUN = "tekun", "特困人员"
    SEVERE_DISABILITY = "severe_disability", "二级及以上重度残疾人"
    DIBAO_DISABILITY = "dibao_disability", "低保户中的三级、四级残疾人"
    FAMILY_PLANNING_HARDSHIP = "family_planning_hardship", "农村计划生育特殊困难家庭成员"
    DIBAO = "dibao", "低保对象"
    EDGE_POVERTY = "edge_poverty", "边缘易致贫户"
    SUDDEN_HARDSHIP = "sudden_hardship", "突发严重困难户"
    UNSTABLE_POVERTY_ALLEVIATED = "unstable_poverty_alleviated", "脱贫不稳定户"
    RETURNED_TO_POVERTY = "returned_to_poverty", "返贫致贫人口"
    STABLE_POVERTY_ALLEVIATED = "stable_poverty_alleviated", "稳定脱贫人口"
    DISABILITY = "disability", "残疾人（按等级）"


class ResidentStatus(models.TextChoices):
    NORMAL = "normal", "正常"
    DECEASED = "deceased", "死亡"
    MOVED_OUT = "moved_out", "迁出"
    VOIDED = "voided", "注销"


class TargetMetric(models.TextChoices):
    """The enrollment figures a target is set for (R10); the targets themselves are kept by the targets app."""

    SUBSIDISED_NEWBORNS = "subsidised_newborns", "资助新生儿参保人数"
    OVERALL_ENROLLMENT_RATE = "overall_enrollment_rate", "总体参保率"
    HARDSHIP_ENROLLMENT_RATE = "hardship_enrollment_rate", "困难群众参保率"
    NEWBORN_BIRTH_YEAR_RATE = "newborn_birth_year_rate", "新生儿出生当年参保率"


# The history of a person is read by the person's id; no other column of the history table is searched.
RESIDENT_HISTORY_UNINDEXED = ["id_number", "name", "household_division", "residence_division", "merged_into"]


class Resident(models.Model):
    """一人一档: one record per person, never deleted; every change is kept in history."""

    id_number = models.CharField(
        "公民身份号码",
        max_length=20,
        help_text="18位身份证号；新生儿未落户前为临时标识：母亲身份证号加B（多胞胎B1、B2…）。",
    )
    id_number_is_placeholder = models.BooleanField("临时身份标识", default=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name="已合并至",
        on_delete=models.PROTECT,
        related_name="merged_records",
        null=True,
        blank=True,
        db_index=False,
        help_text="新生儿落户后发现已有同一身份证号的档案时，本档案注销并合并至该档案。",
    )
    name = models.CharField("姓名", max_length=64)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("出生日期")
    phone = models.CharField("联系电话", max_length=20, blank=True)
    # The two divisions are foreign keys the application enforces (db_constraint=False): a registry file of a
    # million people would otherwise have the database look up a division twice per row, while its rows name a few
    # hundred villages, which the import checks once each against the county's codes (enrollment.loaders.residents);
    # the forms and the API look the division up as they read it, and a service handed a division that was not read
    # from the database checks it on full_clean(). Divisions are reference data that are never deleted: their admin
    # offers no deletion, and on_delete=PROTECT still refuses an ORM delete of a division a person names.
    household_division = models.ForeignKey(
        "divisions.Division",
        verbose_name="户籍所在村（社区）",
        on_delete=models.PROTECT,
        related_name="household_residents",
        db_index=False,
        db_constraint=False,
        error_messages={"invalid": "户籍地代码 %(value)s 不是已有的行政区划。"},
    )
    residence_division = models.ForeignKey(
        "divisions.Division",
        verbose_name="居住地",
        on_delete=models.PROTECT,
        related_name="dwelling_residents",
        null=True,
        blank=True,
        db_index=False,
        db_constraint=False,
        error_messages={"invalid": "居住地代码 %(value)s 不是已有的行政区划。"},
    )
    status = models.CharField("人员状态", max_length=16, choices=ResidentStatus.choices, default=ResidentStatus.NORMAL)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # The user of a history row is a key the application enforces too: a bulk load writes a million rows naming one
    # user, whom the database would look up once per row at commit; deleting a user through the ORM still clears it.
    history = HistoryReadPerRecord(
        verbose_name="居民档案变更记录", no_db_index=RESIDENT_HISTORY_UNINDEXED, user_db_constraint=False
    )

    class Meta:
        verbose_name = "居民档案"
        verbose_name_plural = "居民档案"
        ordering = ["household_division_id", "name", "id"]
        permissions = [("view_full_id_number", "可查看完整身份证号")]
        # One index per column, declared here rather than by unique/db_index: those add a second `_like` copy of
        # every text index on PostgreSQL. The pattern_ops class serves both equality and the prefix searches
        # (ID number as typed, a division's code and all codes under it), and a county's 300,000-row registry
        # file writes each person into half as many indexes.
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                name="resident_id_number_unique",
                opclasses=["varchar_pattern_ops"],
                violation_error_message="该身份证号已登记，请直接查询该居民。",
            )
        ]
        indexes = [
            models.Index(fields=["name"], name="resident_name", opclasses=["varchar_pattern_ops"]),
            models.Index(
                fields=["household_division"], name="resident_household_division", opclasses=["varchar_pattern_ops"]
            ),
            # Most people live where they are registered (no residence): only the others are indexed, and a
            # search by residence (a code or a prefix, never "none") finds them all.
            models.Index(
                fields=["residence_division"],
                name="resident_residence_division",
                opclasses=["varchar_pattern_ops"],
                condition=models.Q(residence_division__isnull=False),
            ),
            models.Index(
                fields=["merged_into"], name="resident_merged_into", condition=models.Q(merged_into__isnull=False)
            ),
        ]

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
    # An approved set is never edited: a correction is a new version of the region's year, and the one in force is
    # the current version (enrollment.services.policy_parameter_set_publish).
    version = models.PositiveSmallIntegerField("版本", default=1)
    is_current = models.BooleanField("现行版本", default=True)
    document_number = models.CharField(
        "批准文号",
        max_length=200,
        blank=True,
        help_text="经审批发布的版本所依据的文件文号；随数据库初始化载入的参数为空。",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审批人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField("审批时间", null=True, blank=True)

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
    special_group_employee_min_years = models.PositiveSmallIntegerField(
        "职工医保停保人员免等待期须连续参保年数", null=True, blank=True
    )
    special_group_source = models.CharField("特殊群体依据（文号及条款）", max_length=200, blank=True)
    student_source = models.CharField("大中专学生参保依据（文号及条款）", max_length=200, blank=True)
    accident_topup_options = models.JSONField(
        "意外伤害补充保险可选档次（元）",
        null=True,
        blank=True,
        help_text='如 ["30.00", "50.00"]；留空则沿用上级地区，各级均无则不开办',
    )
    refund_reasons = models.JSONField("可受理的退费原因", null=True, blank=True)
    refund_source = models.CharField("退费依据（文号）", max_length=200, blank=True)
    hardship_tiers = models.JSONField(
        "困难群众资助档次",
        null=True,
        blank=True,
        help_text=(
            '按文件顺序列出各档：[{"category": "dibao", "name": "低保对象", "individual_payment": "80.00", '
            '"subsidy_amount": "320.00", "department": "民政", "clause": "四（2）", "aliases": ["低保户"]}, …]；'
            '组合条件用 "disability_grades": [3, 4] 与 "requires_categories": ["dibao"]'
        ),
    )
    hardship_source = models.CharField("资助依据（文号）", max_length=200, blank=True)
    resident_years_per_employee_year = models.PositiveSmallIntegerField(
        "折算1年职工医保缴费年限的居民医保缴费年数", null=True, blank=True
    )
    newborn_registration_days = models.PositiveSmallIntegerField(
        "新生儿出生后参保登记时限（天）", null=True, blank=True
    )
    newborn_source = models.CharField("新生儿参保依据（文号及条款）", max_length=200, blank=True)
    newborn_programme_from = models.DateField(
        "财政资助新生儿参保的出生日期起点",
        null=True,
        blank=True,
        help_text="此日（含）以后出生的新生儿，出生当年个人缴费由财政全额资助；留空则沿用上级，各级均无则不资助。",
    )
    newborn_programme_source = models.CharField("新生儿参保资助依据（文号）", max_length=200, blank=True)
    newborn_birth_year_free_from = models.DateField(
        "出生当年不缴费的出生日期起点",
        null=True,
        blank=True,
        help_text=(
            "此日（含）以后、财政资助起点以前出生并在出生后登记时限内参保的新生儿，出生当年个人不缴费，由基金承担"
            "（不属于财政资助）；留空则沿用上级，各级均无则出生当年照常缴费。"
        ),
    )
    newborn_birth_year_free_source = models.CharField("出生当年不缴费依据（文号及条款）", max_length=200, blank=True)
    pre_enrollment_enabled = models.BooleanField("开办新生儿预参保", null=True, blank=True)
    pre_enrollment_weeks_before_delivery = models.PositiveSmallIntegerField(
        "预参保申请距预产期不超过（周）", null=True, blank=True
    )
    pre_enrollment_link_months = models.PositiveSmallIntegerField(
        "预参保出生后完成身份变更时限（月）", null=True, blank=True
    )
    pre_enrollment_birth_weeks_before = models.PositiveSmallIntegerField(
        "预参保关联出生：早于预产期不超过（周）", null=True, blank=True
    )
    pre_enrollment_birth_weeks_after = models.PositiveSmallIntegerField(
        "预参保关联出生：晚于预产期不超过（周）", null=True, blank=True
    )
    pre_enrollment_source = models.CharField("预参保依据（文号）", max_length=200, blank=True)
    refund_anytime_reasons = models.JSONField(
        "不受征缴期限制的退费原因", null=True, blank=True, help_text='如 ["pregnancy_terminated"]'
    )
    history = HistoricalRecords(verbose_name="政策参数变更记录")

    class Meta:
        verbose_name = "政策参数"
        verbose_name_plural = "政策参数"
        ordering = ["region_id", "insurance_year", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "insurance_year"],
                condition=models.Q(is_current=True),
                name="one_current_parameter_set_per_region_year",
            ),
            models.UniqueConstraint(fields=["region", "insurance_year", "version"], name="parameter_set_version_once"),
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

    @property
    def version_label(self) -> str:
        """How a quote names the set it was computed from: 山阴县2027年度第2版（晋医保发〔2026〕9号）."""
        document = self.document_number or self.source_document
        return f"{self.region.name}{self.insurance_year}年度第{self.version}版（{document}）"

    def clean(self) -> None:
        if self.hardship_tiers:
            try:
                hardship_tiers_from_rows(
                    self.hardship_tiers, source=self.hardship_source, standard=self.contribution_standard
                )
            except HardshipTableInvalid as error:
                raise ValidationError({"hardship_tiers": str(error)}) from None


class PolicyRevision(models.Model):
    """One row whose token a database trigger replaces on every write to the policy parameter sets: insert, update,
    delete or truncate, by any writer (the admin, a data migration, a queryset update, raw SQL). A process keeping
    resolved policy figures in memory compares the token to know its copy is still the data's (enrollment.policy).
    The token is random, so a rolled-back change never brings back a token that stood for other figures."""

    token = models.CharField("版本标识", max_length=64)

    class Meta:
        verbose_name = "政策参数版本"
        verbose_name_plural = "政策参数版本"

    def __str__(self) -> str:
        return self.token


class EnrollmentStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    REFUNDED = "refunded", "已退费"
    VOIDED = "voided", "已作废"  # a record that cannot be right (R13.0), kept with its reason, counted nowhere


class PaymentChannel(models.TextChoices):
    WINDOW = "window", "窗口缴费"
    TAX = "tax", "税务渠道"
    ONLINE = "online", "线上缴费"
    BANK = "bank", "银行代收"
    FAMILY_ACCOUNT = "family_account", "家庭共济"


class PayerRelation(models.TextChoices):
    """R13.1: the close relatives an employee-insured payer may pay for."""

    SPOUSE = "spouse", "配偶"
    PARENT = "parent", "父母"
    CHILD = "child", "子女"
    SIBLING = "sibling", "兄弟姐妹"
    GRANDPARENT = "grandparent", "祖父母、外祖父母"
    GRANDCHILD = "grandchild", "孙子女、外孙子女"


class EnrollmentBasis(models.TextChoices):
    """R13.0a: why the person is enrolled in the county that holds the enrollment."""

    HOUSEHOLD = "household", "户籍地"
    RESIDENCE = "residence", "居住地（居住证）"
    EMPLOYMENT = "employment", "就业地"
    PARENT_RESIDENCE = "parent_residence", "新生儿随父母常住地"


class Enrollment(models.Model):
    """One person's enrollment for one insurance year, with everything the rules computed for it.

    On PostgreSQL the table is partitioned by insurance year (enrollment 0033, `services.partitions`): its primary
    key there is (id, insurance_year), and a foreign key of the database can only point at a unique constraint of
    exactly its columns, so the references to an enrollment (payments, receipts, births, tax payments, duplicate
    cases, feed records) are `db_constraint=False`: kept by the application, whose `on_delete=PROTECT` refuses to
    delete an enrollment still referenced, and no service deletes one. The enrollment's own references (resident,
    county, clerk) stay foreign keys of the database.
    """

    # The column the table is partitioned by on PostgreSQL, which its primary key holds beside `id` (core.postgresql).
    db_partition_key = "insurance_year"

    # indexed by `enrollment_resident_counted` below
    resident = models.ForeignKey(
        Resident, verbose_name="居民", on_delete=models.PROTECT, related_name="enrollments", db_index=False
    )
    insurance_year = models.PositiveSmallIntegerField("保险年度")
    status = models.CharField("状态", max_length=16, choices=EnrollmentStatus.choices, default=EnrollmentStatus.ACTIVE)
    payment_date = models.DateField("缴费日期")
    channel = models.CharField("缴费渠道", max_length=16, choices=PaymentChannel.choices, default=PaymentChannel.WINDOW)
    payer_id_number = models.CharField("代缴人身份证号", max_length=18, blank=True)
    payer_relation = models.CharField("代缴人关系", max_length=16, choices=PayerRelation.choices, blank=True)
    accident_topup = models.DecimalField(
        "意外伤害补充保险（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    special_status = models.CharField("特殊群体", max_length=32, blank=True)
    special_date = models.DateField("特殊群体日期", null=True, blank=True)
    exit_kind = models.CharField("退出类别", max_length=32, choices=EXIT_KIND_LABELS, blank=True)
    back_paid_years = models.PositiveSmallIntegerField("补缴年数", default=0)
    # R13.0a: where the enrollment is held and why; the county's policy figures apply and its reports count it.
    enrolling_county = models.ForeignKey(
        "divisions.Division",
        verbose_name="参保地（县）",
        on_delete=models.PROTECT,
        related_name="held_enrollments",
        db_index=False,
    )
    enrollment_basis = models.CharField(
        "参保依据", max_length=16, choices=EnrollmentBasis.choices, default=EnrollmentBasis.HOUSEHOLD
    )
    basis_document_no = models.CharField("居住证号或就业证明编号", max_length=64, blank=True)
    basis_valid_from = models.DateField("证明有效期起", null=True, blank=True)
    basis_valid_to = models.DateField("证明有效期止", null=True, blank=True)

    projected = models.BooleanField("按推定参数计算", default=False)
    contribution_standard = models.DecimalField("个人缴费标准", max_digits=12, decimal_places=2)
    in_collection_period = models.BooleanField("集中征缴期内")
    continuous = models.BooleanField("连续参保")
    break_years = models.PositiveSmallIntegerField("断保年数")
    individual_due = models.DecimalField("个人应缴", max_digits=12, decimal_places=2)
    subsidy_amount = models.DecimalField("资助金额", max_digits=12, decimal_places=2)
    subsidy_category = models.CharField("资助类别", max_length=32, blank=True)
    back_payment_due = models.DecimalField("补缴金额", max_digits=12, decimal_places=2)
    waiting_fixed_months = models.PositiveSmallIntegerField("固定等待期（月）")
    waiting_variable_months = models.PositiveSmallIntegerField("变动等待期（月）")
    waiting_repaired_months = models.PositiveSmallIntegerField("修复等待期（月）")
    waiting_total_months = models.PositiveSmallIntegerField("等待期合计（月）")
    benefit_start = models.DateField("待遇开始", null=True, blank=True)
    benefit_end = models.DateField("待遇截止", null=True, blank=True)
    counts_as_enrolled_year = models.BooleanField("计为参保年度")
    cap_base = models.DecimalField("大病基础限额", max_digits=12, decimal_places=2)
    cap_continuity_bonus = models.DecimalField("连续参保奖励", max_digits=12, decimal_places=2)
    cap_zero_claim_bonus = models.DecimalField("零报销奖励", max_digits=12, decimal_places=2)
    cap_break_penalty = models.DecimalField("断保扣减", max_digits=12, decimal_places=2)
    cap_effective = models.DecimalField("大病最高支付限额", max_digits=12, decimal_places=2)
    explanation = models.JSONField("计算依据", default=list)
    policy_versions = models.CharField(
        "政策参数版本", max_length=500, blank=True, help_text="计算本条记录所用的各级政策参数及其版本。"
    )

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    refund_reason = models.CharField("退费原因", max_length=32, blank=True)
    refund_date = models.DateField("退费日期", null=True, blank=True)
    void_reason = models.CharField("作废原因", max_length=200, blank=True)
    history = HistoryReadPerRecord(verbose_name="参保记录变更")

    class Meta:
        verbose_name = "参保缴费"
        verbose_name_plural = "参保缴费"
        ordering = ["resident_id", "-insurance_year"]
        # The set-based reports group a year's enrollments by category: progress of programme newborns (R10),
        # the subsidy ledger (R6.3), the settlement (R11).
        indexes = [
            # A person's enrollments, by the person; on PostgreSQL the index also holds what makes an enrollment
            # count as an enrolled year as of a date, so that the progress job counts a year's enrolled people by
            # merging it with the registry's primary key in the order of the person, without reading the table
            # (an index-only scan: targets.services.progress). It takes the place of the key's own index.
            models.Index(
                fields=["resident"],
                include=["insurance_year", "payment_date", "status", "refund_date", "counts_as_enrolled_year"],
                name="enrollment_resident_counted",
            ),
            models.Index(fields=["insurance_year", "subsidy_category", "status"], name="enrollment_year_category"),
            # the county's lists and reports find the enrollments it holds (R13.0a); prefix searches of a city too
            models.Index(
                fields=["enrolling_county"], name="enrollment_enrolling_county", opclasses=["varchar_pattern_ops"]
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "insurance_year"],
                condition=models.Q(status="active"),
                name="one_active_enrollment_per_person_year",
                violation_error_message="该居民本年度已有有效参保记录。",
            ),
            models.CheckConstraint(
                condition=models.Q(benefit_start__isnull=True) | models.Q(benefit_start__lte=models.F("benefit_end")),
                name="enrollment_benefit_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident.name} {self.insurance_year}年度"


class PaymentKind(models.TextChoices):
    CONTRIBUTION = "contribution", "个人缴费"
    BACK_PAYMENT = "back_payment", "补缴"
    ACCIDENT_TOPUP = "accident_topup", "意外伤害补充保险"
    REFUND = "refund", "退费"


class Payment(models.Model):
    """A money movement. Never edited or deleted: a correction is a refund row with its reason."""

    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name="参保记录",
        on_delete=models.PROTECT,
        related_name="payments",
        db_constraint=False,
    )
    kind = models.CharField("类型", max_length=16, choices=PaymentKind.choices)
    amount = models.DecimalField("金额（元，退费为负）", max_digits=12, decimal_places=2)
    date = models.DateField("日期")
    years = models.PositiveSmallIntegerField("补缴年数", default=0)
    reason = models.CharField("原因", max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    # the receipt (缴费凭证 / 退费凭证) issued at the window for this movement, in the same transaction
    receipt = models.ForeignKey(
        "Receipt",
        verbose_name="凭证",
        on_delete=models.PROTECT,
        related_name="payments",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = "缴费流水"
        verbose_name_plural = "缴费流水"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class EmployeeYearSource(models.TextChoices):
    """Where a year insured under employee insurance was learnt from (R8.2)."""

    EXIT = "exit", "退出职工医保登记"
    REFUND = "refund", "职工医保退费"
    IMPORT = "import", "职工医保停保名单导入"


class EmployeeInsuredYear(models.Model):
    """A year the person was insured under employee insurance (职工医保), as recorded: not a break year, no cap
    penalty (R8.2), and the years an employee-insurance stopper's exemption is checked from (R8.1). Never deleted."""

    resident = models.ForeignKey(
        Resident, verbose_name="居民", on_delete=models.PROTECT, related_name="employee_insured_years"
    )
    year = models.PositiveSmallIntegerField("职工医保参保年度")
    source = models.CharField("来源", max_length=16, choices=EmployeeYearSource.choices)
    exit_date = models.DateField("职工医保停保日期", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    bulk_import_job = models.ForeignKey(
        "bulk.BulkImportJob",
        verbose_name="导入任务",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="由职工医保停保名单导入时，记录导入任务。",
    )
    history = HistoricalRecords(verbose_name="职工医保参保年度变更记录")

    class Meta:
        verbose_name = "职工医保参保年度"
        verbose_name_plural = "职工医保参保年度"
        ordering = ["resident_id", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "year"],
                name="one_employee_insured_year_per_person_year",
                violation_error_message="该居民该年度的职工医保参保已登记。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident.name} {self.year}年度职工医保"


class ClaimSummary(models.Model):
    """The settlement system's yearly figures for a person (R5.3): zero-claim years and reward use."""

    resident = models.ForeignKey(
        Resident, verbose_name="居民", on_delete=models.PROTECT, related_name="claim_summaries"
    )
    year = models.PositiveSmallIntegerField("年度")
    fund_paid_total = models.DecimalField("基金支付合计（元）", max_digits=12, decimal_places=2)
    reward_used = models.BooleanField("使用奖励额度")
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(verbose_name="结算汇总变更")

    class Meta:
        verbose_name = "年度结算汇总"
        verbose_name_plural = "年度结算汇总"
        constraints = [models.UniqueConstraint(fields=["resident", "year"], name="one_claim_summary_per_person_year")]

    def __str__(self) -> str:
        return f"{self.resident.name} {self.year}"


# --- Receipts (缴费凭证), their prints and the clerk's day (日结) -------------------------------------------------


class ReceiptKind(models.TextChoices):
    PAYMENT = "payment", "缴费凭证"
    REFUND = "refund", "退费凭证"


class ReceiptCounter(models.Model):
    """The last receipt number a county issued in a year. Locked by the UPDATE that takes the next number, in the
    transaction that records the money, so a number is taken once and a rolled-back payment gives its number back:
    no gap, no duplicate."""

    county = models.ForeignKey(
        "divisions.Division", verbose_name="县（市、区）", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    last_number = models.PositiveIntegerField("已用到的号码", default=0)

    class Meta:
        verbose_name = "凭证号计数"
        verbose_name_plural = "凭证号计数"
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="one_receipt_counter_per_county_year")]

    def __str__(self) -> str:
        return f"{self.county_id}-{self.year}: {self.last_number}"


class Receipt(models.Model):
    """A receipt issued at the window for one money movement (a payment with its parts, or a refund), numbered in
    the county's sequence of the year it is issued. Never edited or deleted."""

    county = models.ForeignKey(
        "divisions.Division", verbose_name="县（市、区）", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度")
    number = models.PositiveIntegerField("序号")
    kind = models.CharField("凭证类型", max_length=16, choices=ReceiptKind.choices)
    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name="参保记录",
        on_delete=models.PROTECT,
        related_name="receipts",
        db_constraint=False,
    )
    amount = models.DecimalField("金额（元，退费为负）", max_digits=12, decimal_places=2)
    date = models.DateField("收付日期")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField("开具时间", auto_now_add=True)

    class Meta:
        verbose_name = "缴费凭证"
        verbose_name_plural = "缴费凭证"
        ordering = ["county_id", "year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "number"],
                name="one_receipt_per_county_year_number",
                violation_error_message="该凭证号已被使用。",
            )
        ]
        indexes = [models.Index(fields=["issued_by", "date"], name="receipt_clerk_day")]

    def __str__(self) -> str:
        return self.number_text

    @property
    def number_text(self) -> str:
        """The number as printed: county code, year, six-digit sequence (140621-2026-000123)."""
        return f"{self.county_id}-{self.year}-{self.number:06d}"


class ReceiptPrint(models.Model):
    """One print of a receipt: the first is 打印, every later one 补打."""

    receipt = models.ForeignKey(Receipt, verbose_name="凭证", on_delete=models.PROTECT, related_name="prints")
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="打印人", on_delete=models.PROTECT, related_name="+"
    )
    printed_at = models.DateTimeField("打印时间", auto_now_add=True)
    reprint = models.BooleanField("补打", default=False)
    paper = models.CharField("纸型", max_length=8, choices=[("a4", "A4"), ("ticket", "80毫米小票")], default="a4")

    class Meta:
        verbose_name = "凭证打印记录"
        verbose_name_plural = "凭证打印记录"
        ordering = ["receipt_id", "printed_at", "id"]

    def __str__(self) -> str:
        return f"{self.receipt} {'补打' if self.reprint else '打印'}"


class ClerkDayClose(models.Model):
    """A clerk's closed day (日结): the day's totals as they stood at the close. After it, no money record of that
    clerk dated that day can be written."""

    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField("日期")
    county = models.ForeignKey(
        "divisions.Division", verbose_name="县（市、区）", on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField("日结时间", auto_now_add=True)
    totals = models.JSONField("日结汇总", default=dict)

    class Meta:
        verbose_name = "经办人日结"
        verbose_name_plural = "经办人日结"
        ordering = ["-date", "clerk_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["clerk", "date"], name="one_day_close_per_clerk_date", violation_error_message="该日已日结。"
            )
        ]

    def __str__(self) -> str:
        return f"{self.clerk_id} {self.date} 日结"


# --- The resident roster's export: a long export of residents run by a Celery worker ---------------------------


class ExportKind(models.TextChoices):
    RESIDENT_ROSTER = "resident_roster", "居民花名册"


class ExportJob(Job):
    """A long export run by a Celery worker; the page polls this row for its progress."""

    kind = models.CharField("导出内容", max_length=32, choices=ExportKind.choices)
    # queued exports are stored as "pending", as they always were
    status = models.CharField("状态", max_length=16, choices=RUN_THROUGH_STATUS_CHOICES, default=JobStatus.PENDING)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    rows_total = models.PositiveIntegerField("总行数", default=0)
    file = models.FileField("文件", upload_to="exports/%Y/%m/", blank=True)

    lock_class = 7_418
    run_start_values: ClassVar[Mapping[str, object]] = {"rows_done": 0, "rows_total": 0}
    status_labels: ClassVar[Mapping[str, str]] = {JobStatus.RUNNING: "生成中"}

    class Meta(Job.Meta):
        # the table it was created with, when the export lived with the fiscal reports
        db_table = "reports_exportjob"
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
