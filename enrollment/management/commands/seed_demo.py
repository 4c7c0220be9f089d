"""Demo data for a development machine: one user per role and a few hundred residents of 山阴县.

Never run in production, and never part of a migration. Running it twice changes nothing.
"""

import datetime
import random

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Role, User
from accounts.services import user_create
from divisions.models import Division, DivisionLevel
from enrollment.models import Resident
from enrollment.rules import id_number_compose
from enrollment.services import resident_create

SHANYIN = "140621"
DEMO_PASSWORD = "canbao-demo-2026"
DEMO_USERS = [
    ("clerk", Role.WINDOW_CLERK, SHANYIN, "山阴县医保窗口 张敏"),
    ("township", Role.TOWNSHIP_OFFICIAL, "140621100", "玉井镇医保专干 李强"),
    ("city", Role.CITY_STAFF, "1406", "朔州市医保局 王芳"),
    ("province", Role.PROVINCE_STAFF, "14", "山西省医保局 赵磊"),
    ("finance", Role.FINANCE, SHANYIN, "山阴县财政局 刘洋"),
    ("admin", Role.SYSTEM_ADMIN, "14", "系统管理员"),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN_NAME_CHARACTERS = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰红梅志强海燕文斌"


class Command(BaseCommand):
    help = "创建演示用户（每个角色一个）和山阴县的演示居民。"

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--residents", type=int, default=300, help="演示居民人数")

    @transaction.atomic
    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        users = {
            username: self._ensure_user(username, role, code, full_name)
            for username, role, code, full_name in DEMO_USERS
        }
        self._seed_residents(users["clerk"], options["residents"])
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, role, code, full_name in DEMO_USERS:
            self.stdout.write(f"  {Role(role).label:<8} {username:<10} {full_name}（{code}）")

    def _ensure_user(self, username: str, role: str, division_code: str, full_name: str) -> User:
        existing = User.objects.filter(username=username).first()
        if existing is not None:
            return existing
        division = Division.objects.get(code=division_code)
        return user_create(username=username, password=DEMO_PASSWORD, role=role, division=division, full_name=full_name)

    def _seed_residents(self, clerk: User, count: int) -> None:
        if Resident.objects.filter(household_division__code__startswith=SHANYIN).exists():
            return
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
