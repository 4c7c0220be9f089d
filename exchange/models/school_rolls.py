"""School rolls (学籍) received from the education departments: who studies where, and who is a first-time
student (新生), whose first enrollment at the school's location follows R9.1."""

from django.conf import settings
from django.db import models


class SchoolType(models.TextChoices):
    UNIVERSITY = "university", "高等院校"
    TECHNICAL = "technical", "技工院校"
    PRIMARY_SECONDARY = "primary_secondary", "中小学"


# The school types whose first-time students follow R9.1 (晋医保发〔2025〕3号 一（三）: 新入学大学生、技工院校学生).
FIRST_ENROLLMENT_SCHOOL_TYPES = (SchoolType.UNIVERSITY, SchoolType.TECHNICAL)


class StudentRoll(models.Model):
    """One student's roll at one school for one school year (the year of the enrolment date)."""

    id_number = models.CharField("学生身份证号", max_length=18)
    name = models.CharField("学生姓名", max_length=64)
    resident = models.ForeignKey(
        "enrollment.Resident",
        verbose_name="居民档案",
        on_delete=models.PROTECT,
        related_name="student_rolls",
        null=True,
        blank=True,
        help_text="接收时在居民档案中找到的学生；未登记的学生为空。",
    )
    school_name = models.CharField("学校名称", max_length=100)
    school_division = models.ForeignKey(
        "divisions.Division", verbose_name="学校所在地", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    school_type = models.CharField("学校类别", max_length=20, choices=SchoolType.choices)
    enrolment_date = models.DateField("入学日期")
    school_year = models.PositiveSmallIntegerField("学年（入学年份）")
    first_time = models.BooleanField("新生")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收用户", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("接收时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "学籍"
        verbose_name_plural = "学籍"
        ordering = ["-school_year", "id_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number", "school_name", "school_year"],
                name="one_student_roll_per_school_year",
                violation_error_message="该学生该学校该学年的学籍已登记。",
            )
        ]
        # scoped by prefix of the school's division code, as the registry is
        indexes = [
            models.Index(
                fields=["school_division"], name="student_roll_school_division", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["id_number"], name="student_roll_id_number"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.school_name} {self.school_year}"
