"""The duplicate-enrollment rules as pure functions: what makes two records a duplicate, and the Chinese evidence
a case carries, with the rule ids (R8.2, R7.5, R7.6, R12.2, R13.0a)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from core.formatting import date_prose_text, yuan_text

CROSS_SCHEME_RULES = "R8.2、R12.2"
ONE_PERSON_RULES = "R7.5、R7.6、R13.0a"


@dataclass(frozen=True)
class EnrollmentFacts:
    """A resident enrollment as the evidence names it."""

    person: str  # the person's name and masked ID number, as the pages show them
    county_name: str
    year: int
    payment_date: datetime.date
    channel: str  # its label
    paid: Decimal


@dataclass(frozen=True)
class EmployeeYearFacts:
    source: str  # its label: 退出职工医保登记, 职工医保停保名单导入…
    exit_date: datetime.date | None
    recorded_on: datetime.date


def employee_and_resident_evidence(*, enrollment: EnrollmentFacts, employee_year: EmployeeYearFacts) -> str:
    """R8.2, R12.2: the year is recorded as insured under employee insurance while a resident enrollment of the same
    year is active; the resident enrollment is the one to refund, the employee year is kept."""
    exit_text = f"，停保日期{date_prose_text(employee_year.exit_date)}" if employee_year.exit_date else ""
    return (
        f"{enrollment.person}{enrollment.year}年度已登记参加职工医保（{employee_year.source}"
        f"{exit_text}，{date_prose_text(employee_year.recorded_on)}登记），同一年度又在{enrollment.county_name}"
        f"参加城乡居民医保（{date_prose_text(enrollment.payment_date)}{enrollment.channel}，个人缴费"
        f"{yuan_text(enrollment.paid)}元），职工医保与城乡居民医保重复参保（{CROSS_SCHEME_RULES}）。"
    )


@dataclass(frozen=True)
class PlaceholderFacts:
    """How the placeholder record came about: a birth registered before its ID number was known, or a pre-enrolled
    baby (预参保) not linked to its birth."""

    birth_certificate_no: str  # "" for a pre-enrolled placeholder
    mother: str  # the mother's name and masked ID number, or the masked number alone
    birth_date: datetime.date | None  # of the birth registered; None for a pre-enrolled placeholder
    pre_enrollment_applied_on: datetime.date | None
    expected_delivery_date: datetime.date | None


@dataclass(frozen=True)
class RegisteredFacts:
    """The record of the same child under its real ID number, and the birth registered for it if any."""

    birth_date: datetime.date
    birth_certificate_no: str
    mother: str  # as above, "" when the record has no birth registration


def placeholder_and_registered_evidence(
    *,
    placeholder: EnrollmentFacts,
    placeholder_facts: PlaceholderFacts,
    registered: EnrollmentFacts,
    registered_facts: RegisteredFacts,
) -> str:
    """R7.5, R7.6, R13.0a: one child with two records, each holding an active enrollment of the same year; the
    placeholder's enrollment is the one to resolve."""
    if placeholder_facts.birth_certificate_no:
        origin = (
            f"出生医学证明{placeholder_facts.birth_certificate_no}登记时未落户，以临时身份参保"
            f"（母亲{placeholder_facts.mother}，出生日期{date_prose_text(placeholder_facts.birth_date)}），"
            "身份证号至今未补录"
        )
    else:
        origin = (
            f"母亲{placeholder_facts.mother}于{date_prose_text(placeholder_facts.pre_enrollment_applied_on)}预参保"
            f"（预产期{date_prose_text(placeholder_facts.expected_delivery_date)}），临时身份未关联出生登记"
        )
    if registered_facts.birth_certificate_no:
        match = (
            f"出生医学证明{registered_facts.birth_certificate_no}（母亲{registered_facts.mother}，出生日期"
            f"{date_prose_text(registered_facts.birth_date)}）以正式身份证号登记"
        )
    else:
        match = f"姓名、性别、出生日期{date_prose_text(registered_facts.birth_date)}相同的居民以正式身份证号登记"
    return (
        f"临时身份{placeholder.person}：{origin}；{match}为{registered.person}。两份档案均有{placeholder.year}年度"
        f"有效参保：临时身份在{placeholder.county_name}{date_prose_text(placeholder.payment_date)}{placeholder.channel}"
        f"（个人缴费{yuan_text(placeholder.paid)}元），正式档案在{registered.county_name}"
        f"{date_prose_text(registered.payment_date)}{registered.channel}（个人缴费{yuan_text(registered.paid)}元），"
        f"同一人同一年度重复参保（{ONE_PERSON_RULES}）。"
    )


def placeholder_matches(
    *,
    placeholder_name: str,
    placeholder_gender: str,
    placeholder_birth_date: datetime.date,
    placeholder_mother_id_number: str,
    registered_name: str,
    registered_gender: str,
    registered_birth_date: datetime.date,
    registered_mother_id_number: str,
) -> bool:
    """A birth registered on a placeholder and a record with a real ID number are one child when the name, sex and
    birth date agree, and the mothers agree where the real record has a birth registration too (twins share the
    mother and the date, never the name)."""
    if (placeholder_name, placeholder_gender, placeholder_birth_date) != (
        registered_name,
        registered_gender,
        registered_birth_date,
    ):
        return False
    return not registered_mother_id_number or registered_mother_id_number == placeholder_mother_id_number


def pre_enrolled_matches(
    *,
    mother_id_number: str,
    applied_on: datetime.date,
    registered_mother_id_number: str,
    registered_birth_date: datetime.date,
) -> bool:
    """R7.6: a pre-enrolled placeholder and a birth of the same mother registered on its own, born on or after the
    application (a child born before it is an elder sibling)."""
    return registered_mother_id_number == mother_id_number and registered_birth_date >= applied_on


def handled_elsewhere_note(*, enrollment_status: str, other_status: str | None) -> str:
    """Why a case the scan no longer finds is closed: what became of its records since it was found (an employee
    year is never deleted, so an employee duplicate ends with its resident enrollment)."""
    if other_status is not None:
        return f"复查时重复已不存在：待处理的参保记录为「{enrollment_status}」，另一条参保记录为「{other_status}」。"
    return f"复查时重复已不存在：待处理的参保记录为「{enrollment_status}」。"
