from django.db import models
from simple_history.models import HistoricalRecords

from core.batches import PreviewBatch


class BirthGender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class RegistrationChannel(models.TextChoices):
    BIRTH_PLATFORM = "birth_platform", "出生一件事平台"
    WINDOW = "window", "窗口登记"
    IMPORT = "import", "批量导入"


class BirthRecord(models.Model):
    """出生一件事: one birth, registered for insurance once per birth certificate (R7.1-R7.3, R7.5).

    The resident is created with a placeholder identity while the ID number is not known (容缺参保) and completed
    in place when household registration arrives.
    """

    birth_certificate_no = models.CharField("出生医学证明编号", max_length=32, unique=True)
    name = models.CharField("新生儿姓名", max_length=64)
    gender = models.CharField("性别", max_length=1, choices=BirthGender.choices)
    birth_date = models.DateField("出生日期")
    mother_id_number = models.CharField("母亲身份证号", max_length=18)
    division = models.ForeignKey(
        "divisions.Division", verbose_name="户籍（拟落户）地", on_delete=models.PROTECT, related_name="+"
    )
    registration_date = models.DateField("参保登记日期")
    channel = models.CharField("登记渠道", max_length=16, choices=RegistrationChannel.choices)
    resident = models.OneToOneField(
        "enrollment.Resident",
        verbose_name="居民档案",
        on_delete=models.PROTECT,
        related_name="birth_record",
        null=True,
        blank=True,
    )
    enrollment = models.ForeignKey(
        "enrollment.Enrollment",
        verbose_name="出生当年参保记录",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        db_constraint=False,
    )
    id_number_completed_at = models.DateTimeField("身份证号补录时间", null=True, blank=True)
    registered_by = models.ForeignKey(
        "accounts.User", verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    history = HistoricalRecords(verbose_name="出生登记变更")

    class Meta:
        verbose_name = "新生儿出生登记"
        verbose_name_plural = "新生儿出生登记"
        ordering = ["-birth_date", "-id"]
        indexes = [models.Index(fields=["mother_id_number"], name="birth_record_mother")]

    def __str__(self) -> str:
        return f"{self.name}（{self.birth_certificate_no}）"


class PreEnrollmentStatus(models.TextChoices):
    WAITING = "waiting", "待出生"
    BORN = "born", "已出生"
    TERMINATED = "terminated", "终止妊娠（已退费）"


class PreEnrollment(models.Model):
    """预参保 (R7.6): a mother's application from 24 weeks of pregnancy, with the fields of the 登记表."""

    mother = models.ForeignKey(
        "enrollment.Resident", verbose_name="申请人（母亲）", on_delete=models.PROTECT, related_name="pre_enrollments"
    )
    phone = models.CharField("联系电话", max_length=20, blank=True)
    expected_delivery_date = models.DateField("预产期")
    home_address = models.CharField("家庭地址", max_length=200, blank=True)
    entrusted_name = models.CharField("被委托人", max_length=64, blank=True)
    entrusted_id_number = models.CharField("被委托人身份证号", max_length=18, blank=True)
    insurance_year = models.PositiveSmallIntegerField("预参保年度")
    application_date = models.DateField("申请日期")
    babies = models.PositiveSmallIntegerField("胎数", default=1)
    status = models.CharField(
        "状态", max_length=16, choices=PreEnrollmentStatus.choices, default=PreEnrollmentStatus.WAITING
    )
    registered_by = models.ForeignKey(
        "accounts.User", verbose_name="经办人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("受理时间", auto_now_add=True)
    history = HistoricalRecords(verbose_name="预参保变更")

    class Meta:
        verbose_name = "新生儿预参保"
        verbose_name_plural = "新生儿预参保"
        ordering = ["-application_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(babies__gte=1, babies__lte=9), name="pre_enrollment_babies_1_to_9"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mother.name} 预产期{self.expected_delivery_date:%Y-%m-%d}"


class PreEnrollmentPlaceholder(models.Model):
    """One expected baby: its placeholder resident (mother's ID + B, or B1, B2 … for multiples) and, after birth,
    the birth record it was linked to."""

    pre_enrollment = models.ForeignKey(
        PreEnrollment, verbose_name="预参保", on_delete=models.PROTECT, related_name="placeholders"
    )
    resident = models.OneToOneField(
        "enrollment.Resident",
        verbose_name="临时档案",
        on_delete=models.PROTECT,
        related_name="pre_enrollment_placeholder",
    )
    enrollment = models.ForeignKey(
        "enrollment.Enrollment",
        verbose_name="预参保缴费",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    birth_record = models.OneToOneField(
        BirthRecord,
        verbose_name="关联出生登记",
        on_delete=models.PROTECT,
        related_name="pre_enrollment_placeholder",
        null=True,
        blank=True,
    )
    linked_at = models.DateTimeField("关联出生登记时间", null=True, blank=True)
    # The business date of the registration that linked it (R7.6): counting "as of" a day uses it, not linked_at,
    # the moment the registration was typed in.
    linked_on = models.DateField("关联出生登记日期", null=True, blank=True)

    class Meta:
        verbose_name = "预参保临时身份"
        verbose_name_plural = "预参保临时身份"
        ordering = ["pre_enrollment_id", "id"]

    def __str__(self) -> str:
        return self.resident.id_number


class BirthImportBatch(PreviewBatch):
    """A day's births from the health commission (卫健) for one county, as uploaded: first previewed, then confirmed.

    The preview keeps the checked rows (certificates already registered marked, to be skipped) and the row errors,
    so that confirming registers exactly what the clerk saw; a refused file writes nothing but this record. A
    confirmation that fails on a row writes no birth at all and keeps that row's message in `confirm_error`.
    """

    county = models.ForeignKey(
        "divisions.Division", verbose_name="区县", on_delete=models.PROTECT, related_name="birth_import_batches"
    )
    created_count = models.PositiveIntegerField("新登记", default=0)
    existing_count = models.PositiveIntegerField("已登记跳过", default=0)
    confirm_error = models.CharField("导入失败原因", max_length=500, blank=True)

    class Meta(PreviewBatch.Meta):
        verbose_name = "出生登记导入批次"
        verbose_name_plural = "出生登记导入批次"

    def __str__(self) -> str:
        return f"出生登记导入 {self.file_name}"


class MedicalCodeParameter(models.Model):
    """The validity of a newborn's 医保码 (陕医保发〔2024〕7号 二（三）: "在出生后180天内均可凭医保码在定点医疗机构直接
    就医结算"), as policy data: per region (province, city or county) and per year of birth from which it applies. A
    county takes its own row, else its city's, else the province's; a year takes the latest row not after it."""

    region = models.ForeignKey("divisions.Division", verbose_name="地区", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("适用出生年度（起）")
    validity_days = models.PositiveSmallIntegerField("有效天数（出生后）")
    source_document = models.CharField("依据文件", max_length=100)
    source_clause = models.CharField("条款", max_length=50, blank=True)

    class Meta:
        verbose_name = "新生儿医保码参数"
        verbose_name_plural = "新生儿医保码参数"
        ordering = ["region_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="medical_code_parameter_region_year"),
            models.CheckConstraint(
                condition=models.Q(validity_days__gte=1), name="medical_code_parameter_days_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}年起 出生后{self.validity_days}天"


class NewbornMedicalCode(models.Model):
    """The 医保码 of a baby registered on its birth certificate without an ID number
    (陕医保发〔2024〕7号 二（三）, R7.5): it is settled on at designated medical institutions from birth to the end
    of its validity. Issued once per birth (the one-to-one field), revoked when the ID number is known, never
    deleted. Valid or expired is computed from the day asked about (newborns.rules.medical_code_standing)."""

    birth_record = models.OneToOneField(
        BirthRecord, verbose_name="出生登记", on_delete=models.PROTECT, related_name="medical_code"
    )
    code = models.CharField("医保码", max_length=32, unique=True)
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期至")
    validity_days = models.PositiveSmallIntegerField("有效天数（出生后）")
    source = models.CharField("依据", max_length=160)
    issued_at = models.DateTimeField("发放时间", auto_now_add=True)
    issued_by = models.ForeignKey(
        "accounts.User", verbose_name="发放人", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    revoked_at = models.DateTimeField("停用时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        "accounts.User", verbose_name="停用人", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    revocation_reason = models.CharField("停用原因", max_length=200, blank=True)
    history = HistoricalRecords(verbose_name="新生儿医保码变更")

    class Meta:
        verbose_name = "新生儿医保码"
        verbose_name_plural = "新生儿医保码"
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__lte=models.F("valid_until")), name="medical_code_valid_from_until"
            )
        ]

    def __str__(self) -> str:
        return self.code
