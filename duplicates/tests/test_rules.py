"""The duplicate rules as pure functions, without the database (R7.5, R7.6, R8.2)."""

import datetime
from decimal import Decimal

from duplicates.rules import (
    EmployeeYearFacts,
    EnrollmentFacts,
    employee_and_resident_evidence,
    handled_elsewhere_note,
    placeholder_matches,
    pre_enrolled_matches,
)

D = datetime.date
MOTHER = "140621199506010246"


def matches(**changes):
    arguments = {
        "placeholder_name": "刘小满",
        "placeholder_gender": "F",
        "placeholder_birth_date": D(2026, 3, 1),
        "placeholder_mother_id_number": MOTHER,
        "registered_name": "刘小满",
        "registered_gender": "F",
        "registered_birth_date": D(2026, 3, 1),
        "registered_mother_id_number": "",
        **changes,
    }
    return placeholder_matches(**arguments)


def test_r7_5_same_name_sex_and_birth_date_without_a_birth_registration_is_the_child():
    assert matches() is True


def test_r7_5_the_same_mother_on_both_birth_registrations_is_the_child():
    assert matches(registered_mother_id_number=MOTHER) is True


def test_r7_5_another_mother_another_name_another_day_or_sex_is_another_child():
    assert matches(registered_mother_id_number="140621199001010011") is False
    assert matches(registered_name="刘小圆") is False  # a twin
    assert matches(registered_birth_date=D(2026, 3, 2)) is False
    assert matches(registered_gender="M") is False


def test_r7_6_a_birth_of_the_pre_enrolled_mother_on_or_after_the_application_is_the_child():
    arguments = {"mother_id_number": MOTHER, "applied_on": D(2026, 6, 11), "registered_mother_id_number": MOTHER}
    assert pre_enrolled_matches(**arguments, registered_birth_date=D(2026, 6, 11)) is True
    assert pre_enrolled_matches(**arguments, registered_birth_date=D(2026, 6, 10)) is False  # an elder sibling
    assert (
        pre_enrolled_matches(
            mother_id_number=MOTHER,
            applied_on=D(2026, 6, 11),
            registered_mother_id_number="140621199001010011",
            registered_birth_date=D(2026, 9, 20),
        )
        is False
    )


def test_r8_2_the_evidence_names_the_employee_record_and_the_resident_payment():
    text = employee_and_resident_evidence(
        enrollment=EnrollmentFacts(
            person="赵职工（140621********0312）",
            county_name="山阴县",
            year=2026,
            payment_date=D(2025, 11, 20),
            channel="税务渠道",
            paid=Decimal("400.00"),
        ),
        employee_year=EmployeeYearFacts(source="退出职工医保登记", exit_date=None, recorded_on=D(2026, 5, 6)),
    )
    assert text == (
        "赵职工（140621********0312）2026年度已登记参加职工医保（退出职工医保登记，2026年5月6日登记），同一年度又在山阴县"
        "参加城乡居民医保（2025年11月20日税务渠道，个人缴费400.00元），职工医保与城乡居民医保重复参保（R8.2、R12.2）。"
    )


def test_the_note_of_a_case_handled_elsewhere_says_what_became_of_each_record():
    assert handled_elsewhere_note(enrollment_status="已退费", other_status=None) == (
        "复查时重复已不存在：待处理的参保记录为「已退费」。"
    )
    assert handled_elsewhere_note(enrollment_status="有效", other_status="已作废") == (
        "复查时重复已不存在：待处理的参保记录为「有效」，另一条参保记录为「已作废」。"
    )
