"""Demo data for a development machine: one user per role, a few hundred residents of 山阴县, some of them with
hardship identities, most of them paid for 2026 in its collection period, and a few babies born there in 2026; the
split of 朔州's 2026 newborn target among its counties, and the target progress computed on it, so that the
dashboards of the province, the city and its counties are filled from the start.

It lives in targets, the highest app it writes to, so that every import points down.

Never run in production, and never part of a migration. Running it twice changes nothing.
"""

import datetime
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_create
from core.models import JobStatus
from divisions.codes import PROVINCE_CODE
from divisions.models import Division, DivisionLevel
from enrollment.models import Resident
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, enrollment_create, resident_create
from newborns.models import BirthGender
from newborns.services import newborn_register
from subsidies.services import hardship_identity_create
from targets.forms import default_refresh_date
from targets.models import ProgressJob, Target, TargetMetric
from targets.rules import as_of_in_reach
from targets.services.progress import progress_job_request, progress_job_run
from targets.services.split import target_split_save

SHANYIN = "140621"
DEMO_PASSWORD = "canbao-demo-2026"
DEMO_USERS = [
    ("clerk", Role.WINDOW_CLERK, SHANYIN, "山阴县医保窗口 张敏"),
    ("township", Role.TOWNSHIP_OFFICIAL, "140621100", "玉井镇医保专干 李强"),
    ("city", Role.CITY_STAFF, "1406", "朔州市医保局 王芳"),
    ("province", Role.PROVINCE_STAFF, PROVINCE_CODE, "山西省医保局 赵磊"),
    ("finance", Role.FINANCE, SHANYIN, "山阴县财政局 刘洋"),
    ("approver", Role.POLICY_APPROVER, "1406", "朔州市医保局 分管副局长 陈刚"),
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
DEMO_CITY = "1406"
# A demo split of 朔州's 2026 target of subsidised newborns (6000, R10.1) among its counties, as the city would enter
# it on its split page; invented figures that add up to the city's target.
DEMO_COUNTY_TARGETS = {
    "140602": 1500,  # 朔城区
    "140603": 600,  # 平鲁区
    "140621": 700,  # 山阴县
    "140622": 800,  # 应县
    "140623": 300,  # 右玉县
    "140671": 200,  # 山西朔州经济开发区
    "140681": 1900,  # 怀仁市
}
DEMO_BIRTHS_FROM = datetime.date(2026, 1, 5)
DEMO_BIRTHS_UNTIL = datetime.date(2026, 9, 30)
DEMO_REGISTRATION_DELAY_DAYS = (7, 15, 30, 60)
QUARTER_ENDS = ((3, 31), (6, 30), (9, 30))


class Command(BaseCommand):
    help = "创建演示用户（每个角色一个）和山阴县的演示居民。"

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=300, help="演示居民人数")
        parser.add_argument("--hardship-share", type=float, default=0.1, help="有困难身份的居民比例")
        parser.add_argument("--enrolled-share", type=float, default=0.8, help="已缴纳2026年度参保费的居民比例")
        parser.add_argument(
            "--newborn-share", type=float, default=0.1, help="2026年出生并登记参保的新生儿人数（占居民人数的比例）"
        )

    @transaction.atomic
    def handle(self, *args, **options):
        users = {
            username: self._ensure_user(username, role, code, full_name)
            for username, role, code, full_name in DEMO_USERS
        }
        if self._seed_residents(users["clerk"], options["residents"]):
            self._seed_history(users["clerk"], options["hardship_share"], options["enrolled_share"])
            self._seed_births(users["clerk"], round(options["residents"] * options["newborn_share"]))
        self._seed_county_targets(users["city"])
        self._seed_progress()
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
                details=PaymentDetails(insurance_year=DEMO_YEAR, payment_date=generator.choice(DEMO_PAYMENT_DAYS)),
            )

    def _seed_births(self, clerk: User, count: int) -> None:
        """Babies of 山阴县 born in 2026 to demo mothers and registered at the window: their enrollments are the
        subsidised newborns (R7.2) that the targets count."""
        today = timezone.localdate()
        generator = random.Random(2028)
        mothers = [
            resident
            for resident in Resident.objects.filter(household_division__code__startswith=SHANYIN).order_by("id")
            if int(resident.id_number[16]) % 2 == 0 and 20 <= DEMO_YEAR - resident.birth_date.year <= 40
        ]
        if not mothers:
            return
        days = (DEMO_BIRTHS_UNTIL - DEMO_BIRTHS_FROM).days
        for number in range(1, count + 1):
            birth_date = DEMO_BIRTHS_FROM + datetime.timedelta(days=generator.randrange(days))
            registration_date = birth_date + datetime.timedelta(days=generator.choice(DEMO_REGISTRATION_DELAY_DAYS))
            mother = generator.choice(mothers)
            sequence = generator.randrange(1000)
            if registration_date > today:
                continue
            id_number = id_number_compose(address_code=SHANYIN, birth_date=birth_date, sequence=sequence)
            if Resident.objects.filter(id_number=id_number).exists():
                continue
            newborn_register(
                actor=clerk,
                birth_certificate_no=f"O{DEMO_YEAR}{number:06d}",
                name=mother.name[0] + "".join(generator.sample(GIVEN_NAME_CHARACTERS, 2)),
                gender=BirthGender.MALE if sequence % 2 else BirthGender.FEMALE,
                birth_date=birth_date,
                mother_id_number=mother.id_number,
                division=mother.household_division,
                registration_date=registration_date,
                id_number=id_number,
            )

    def _seed_county_targets(self, city_staff: User) -> None:
        """The city's staff split 朔州's target among its counties, unless some county of it has a target already
        (the province's and the cities' targets are reference data, R10.1)."""
        metric = TargetMetric.SUBSIDISED_NEWBORNS
        city = Division.objects.get(code=DEMO_CITY)
        if not Target.objects.filter(division=city, year=DEMO_YEAR, metric=metric).exists():
            return
        if Target.objects.filter(division__parent=city, year=DEMO_YEAR, metric=metric).exists():
            return
        target_split_save(actor=city_staff, city=city, year=DEMO_YEAR, values=DEMO_COUNTY_TARGETS)

    def _seed_progress(self) -> None:
        """The progress of every level as of today (the last day of the year once it is past) and of the quarter
        ends before it, computed by the job the refresh button and the nightly schedule run, here at once. A date
        already computed is left as it is."""
        as_of = default_refresh_date(year=DEMO_YEAR, today=timezone.localdate())
        if not as_of_in_reach(as_of=as_of, year=DEMO_YEAR):
            return
        quarter_ends = [datetime.date(DEMO_YEAR, month, day) for month, day in QUARTER_ENDS]
        for date in [*(end for end in quarter_ends if end < as_of), as_of]:
            if ProgressJob.objects.filter(year=DEMO_YEAR, as_of=date, status=JobStatus.SUCCEEDED).exists():
                continue
            job, _new = progress_job_request(actor=None, year=DEMO_YEAR, as_of=date)
            progress_job_run(job_id=job.pk)
