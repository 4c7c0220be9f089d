"""Demo data for a development machine: one user per role, a few hundred residents of 山阴县, some of them with
hardship identities, and most of them paid for 2026 in its collection period.

Never run in production, and never part of a migration. Running it twice changes nothing.
"""

import datetime
import random

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Role, User
from accounts.services import user_create
from divisions.codes import PROVINCE_CODE
from divisions.models import Division, DivisionLevel
from enrollment.models import Resident
from enrollment.rules import id_number_compose
from enrollment.services import enrollment_create, resident_create
from subsidies.services import hardship_identity_create

SHANYIN = "140621"
DEMO_PASSWORD = "canbao-demo-2026"
DEMO_USERS = [
    ("clerk", Role.WINDOW_CLERK, SHANYIN, "山阴县医保窗口 张敏"),
    ("township", Role.TOWNSHIP_OFFICIAL, "140621100", "玉井镇医保专干 李强"),
    ("city", Role.CITY_STAFF, "1406", "朔州市医保局 王芳"),
    ("province", Role.PROVINCE_STAFF, PROVINCE_CODE, "山西省医保局 赵磊"),
    ("finance", Role.FINANCE, SHANYIN, "山阴县财政局 刘洋"),
    ("admin", Role.SYSTEM_ADMIN, PROVINCE_CODE, "系统管理员"),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN_NAME_CHARACTERS = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰红梅志强海燕文斌"
DEMO_IDENTITIES = [  # (category, department, disability grade)
    ("dibao", "民政", None),
    ("tekun", "民政", None),
    ("edge_poverty", "农业农村", None),
    ("returned_to_poverty", "农业农村", None),
    ("stable_poverty_alleviated", "农业农村", None),
    ("family_planning_hardship", "卫健", None),
    ("disability", "残联", 2),
]
DEMO_YEAR = 2026
DEMO_PAYMENT_DAYS = [datetime.date(2025, 10, 20), datetime.date(2025, 11, 12), datetime.date(2025, 12, 3)]


class Command(BaseCommand):
    help = "创建演示用户（每个角色一个）和山阴县的演示居民。"

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=300, help="演示居民人数")
        parser.add_argument("--hardship-share", type=float, default=0.1, help="有困难身份的居民比例")
        parser.add_argument("--enrolled-share", type=float, default=0.8, help="已缴纳2026年度参保费的居民比例")

    @transaction.atomic
    def handle(self, *args, **options):
        users = {
            username: self._ensure_user(username, role, code, full_name)
            for username, role, code, full_name in DEMO_USERS
        }
        if self._seed_residents(users["clerk"], options["residents"]):
            self._seed_history(users["clerk"], options["hardship_share"], options["enrolled_share"])
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, role, code, full_name in DEMO_USERS:
            self.stdout.write(f"  {Role(role).label:<8} {username:<10} {full_name}（{code}）")

    def _ensure_user(self, username: str, role: str, division_code: str, full_name: str) -> User:
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            return existing
        division = Division.objects.get(code=division_code)
        return user_create(username=username, password=DEMO_PASSWORD, role=role, division=division, full_name=full_name)

    def _seed_residents(self, clerk: User, count: int) -> bool:
        """Creates the residents unless the county has some already; True when it did."""
        if Resident.objects.filter(household_division__code__startswith=SHANYIN).exists():
            return False
        generator = random.Random(2026)
        villages = list(Division.objects.filter(code__startswith=SHANYIN, level=DivisionLevel.VILLAGE))
        used_numbers: set[str] = set()
        while len(used_numbers) < count:
            birth_date = datetime.date(1940, 1, 1) + datetime.timedelta(days=generator.randrange(365 * 85))
            id_number = id_number_compose(
                address_code=SHANYIN, birth_date=birth_date, sequence=generator.randrange(1000)
            )
            if id_number in used_numbers:
                continue
            used_numbers.add(id_number)
            name = generator.choice(SURNAMES) + "".join(
                generator.sample(GIVEN_NAME_CHARACTERS, generator.choice((1, 2)))
            )
            resident_create(
                actor=clerk,
                id_number=id_number,
                name=name,
                phone=f"13{generator.randrange(10**9):09d}",
                household_division=generator.choice(villages),
            )
        return True

    def _seed_history(self, clerk: User, hardship_share: float, enrolled_share: float) -> None:
        """Identities first, so that the payments made afterwards get their subsidies (R6)."""
        generator = random.Random(2027)
        residents = list(Resident.objects.filter(household_division__code__startswith=SHANYIN).order_by("id"))
        for resident in generator.sample(residents, round(len(residents) * hardship_share)):
            category, department, grade = generator.choice(DEMO_IDENTITIES)
            hardship_identity_create(
                actor=clerk,
                resident=resident,
                category=category,
                department=department,
                valid_from=datetime.date(2025, 1, 1),
                disability_grade=grade,
            )
        for resident in generator.sample(residents, round(len(residents) * enrolled_share)):
            enrollment_create(
                actor=clerk,
                resident=resident,
                insurance_year=DEMO_YEAR,
                payment_date=generator.choice(DEMO_PAYMENT_DAYS),
            )
