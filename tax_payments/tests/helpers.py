"""The people and files of the tax payment tests: residents of 山阴县 with their 2026 enrollments, one of 朔城区, one
the registry does not know, and the tax bureau's file of their payments."""

import datetime
from dataclasses import dataclass

from bulk.tests.helpers import csv_file
from conftest import SHANYIN, YUJING_TOWN, first_village, make_user
from enrollment.models import Enrollment
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, enrollment_create, refund_request, resident_create

D = datetime.date
TAX_HEADER = ["电子税票号码", "身份证号", "姓名", "费款所属年度", "实缴金额", "缴费日期", "入库日期"]


def person_id(sequence: int, county: str = SHANYIN) -> str:
    # sequences up to 60 are born by 2023, in their order: an ID number born after today is refused (R13.0)
    birth_date = D(1960, 1, 1) + datetime.timedelta(days=sequence * 380)
    return id_number_compose(address_code=county, birth_date=birth_date, sequence=sequence)


def voucher(number: int) -> str:
    return f"3140262511{number:08d}"


@dataclass(frozen=True)
class People:
    """ids[0..4] of 山阴县: 0 enrolled for 2026 (400.00), 1 enrolled with one year back-paid (400.00 + 400.00),
    2 enrolled (400.00), 3 not enrolled, 4 enrolled and refunded; one of 朔城区; one not registered."""

    ids: list[str]
    enrollments: dict[int, Enrollment]
    elsewhere: str
    unknown: str


def people_build(clerk) -> People:
    village = first_village(YUJING_TOWN)
    residents = [
        resident_create(actor=clerk, id_number=person_id(number), name=f"居民{number}", household_division=village)
        for number in range(5)
    ]
    paid = D(2025, 11, 20)
    enrollments = {
        0: enrollment_create(
            actor=clerk, resident=residents[0], details=PaymentDetails(insurance_year=2026, payment_date=paid)
        ),
        # 2025 missed and back-paid with the enrollment (R4.5)
        1: enrollment_create(
            actor=clerk,
            resident=residents[1],
            details=PaymentDetails(insurance_year=2026, payment_date=paid, back_paid_years=1),
        ),
        2: enrollment_create(
            actor=clerk, resident=residents[2], details=PaymentDetails(insurance_year=2026, payment_date=paid)
        ),
        4: enrollment_create(
            actor=clerk, resident=residents[4], details=PaymentDetails(insurance_year=2026, payment_date=paid)
        ),
    }
    refund_request(actor=clerk, enrollment=enrollments.pop(4), reason="employee_insured", date=D(2026, 2, 1))
    shuocheng_clerk = make_user("shuocheng", "window_clerk", "140602")
    elsewhere = resident_create(
        actor=shuocheng_clerk,
        id_number=person_id(7, "140602"),
        name="朔城人",
        household_division=first_village("140602"),
    )
    return People(
        ids=[resident.id_number for resident in residents],
        enrollments=enrollments,
        elsewhere=elsewhere.id_number,
        unknown=person_id(9),
    )


def tax_file(rows: list[list[object]], **kwargs):
    return csv_file([TAX_HEADER, *rows], name="征缴入库明细.csv", **kwargs)


def payment_rows(people: People) -> list[list[object]]:
    ids = people.ids
    return [
        [voucher(1), ids[0], "居民0", "2026", "400.00", "2025-11-20", "2025-11-21"],
        [voucher(2), ids[1], "居民1", "2026", "400", "2025-11-20", "2025-11-21"],
        [voucher(3), ids[1], "居民1", "2026", "400", "2025-12-01", "2025-12-02"],
        [voucher(4), ids[2], "居民2", "2026", "380", "2025-11-20", "2025-11-21"],
        [voucher(5), ids[3], "居民3", "2026", "400", "2025-11-20", "2025-11-21"],
        [voucher(6), ids[4], "居民4", "2026", "400", "2025-11-20", "2025-11-21"],
        [voucher(7), people.unknown, "无档案", "2026", "400", "2025-11-20", "2025-11-21"],
        [voucher(8), people.elsewhere, "朔城人", "2026", "400", "2025-11-20", "2025-11-21"],
    ]
