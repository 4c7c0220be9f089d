"""The national platform's person information (1101 人员信息获取) computed from what canbao holds of a person: pure
functions, no ORM, no clock (`today` is an argument). docs/national-platform.md is the field-by-field mapping.

The codes written here are the national interface's own dictionaries (险种类型, 参保状态, 性别, 证件类型); the hardship
identity codes (人员身份类别) are the province's dictionary and come in as `identity_codes`
(settings.NATIONAL_PLATFORM_IDENTITY_CODES).
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from core.formatting import date_prose_text, yuan_text
from enrollment.rules import Explanation

MAPPING_SOURCE = "医疗保障信息平台接口规范 1101 人员信息获取"

# 证件类型 (psn_cert_type): only the resident identity card is asked for and answered.
CERTIFICATE_RESIDENT_ID_CARD = "01"
CERTIFICATE_TYPE_LABELS = {CERTIFICATE_RESIDENT_ID_CARD: "居民身份证（户口簿）"}

# 险种类型 (insutype)
RESIDENT_BASIC = "390"
EMPLOYEE_BASIC = "310"
RESIDENT_CATASTROPHIC = "392"
INSURANCE_TYPE_LABELS = {
    RESIDENT_BASIC: "城乡居民基本医疗保险",
    EMPLOYEE_BASIC: "职工基本医疗保险",
    RESIDENT_CATASTROPHIC: "城乡居民大病医疗保险",
}

# 参保状态 (psn_insu_stas)
INSURED = "1"
SUSPENDED = "2"
TERMINATED = "4"
STATUS_LABELS = {INSURED: "正常参保", SUSPENDED: "暂停参保", TERMINATED: "终止参保"}

# 性别 (gend), GB/T 2261.1
GENDER_CODES = {"M": "1", "F": "2", "U": "0"}
GENDER_LABELS = {"1": "男", "2": "女", "0": "未知的性别", "9": "未说明的性别"}

# 公务员标志 (cvlserv_flag)
NOT_CIVIL_SERVANT = "0"


@dataclass(frozen=True)
class EnrollmentFacts:
    """One resident enrollment as canbao holds it."""

    insurance_year: int
    active: bool  # 有效; a refunded or voided year counts for nothing here
    payment_date: datetime.date
    enrolling_county_code: str
    enrolling_county_name: str
    cap_effective: Decimal  # R5: the catastrophic-illness cap computed for the year


@dataclass(frozen=True)
class EmployeeYearFacts:
    year: int
    exit_date: datetime.date | None


@dataclass(frozen=True)
class IdentityFacts:
    category: str
    category_label: str
    disability_grade: int | None
    valid_from: datetime.date
    valid_to: datetime.date | None


@dataclass(frozen=True)
class PersonFacts:
    """What canbao holds of one person, read by a scoped selector."""

    record_number: int
    id_number: str
    name: str
    gender: str  # "M", "F" or "U"
    birth_date: datetime.date
    household_county_code: str
    ended_status: str  # "" while the person's record is normal; else its Chinese status (死亡, 迁出, 注销)
    enrollments: tuple[EnrollmentFacts, ...]
    employee_years: tuple[EmployeeYearFacts, ...]
    identities: tuple[IdentityFacts, ...]


@dataclass(frozen=True)
class BaseInformation:
    """baseinfo"""

    person_number: str  # psn_no
    certificate_type: str  # psn_cert_type
    certificate_number: str  # certno
    name: str  # psn_name
    gender: str  # gend
    birth_date: datetime.date | None  # brdy
    nationality: str  # naty ("" when not known)
    age: int | None

    @property
    def gender_label(self) -> str:
        return GENDER_LABELS.get(self.gender, self.gender)


@dataclass(frozen=True)
class InsuranceInformation:
    """One row of insuinfo: one insurance type."""

    insurance_type: str  # insutype
    status: str  # psn_insu_stas
    insured_date: datetime.date | None  # psn_insu_date
    suspended_date: datetime.date | None  # paus_insu_date
    insured_place: str  # insuplc_admdvs ("" when not known)
    person_type: str  # psn_type ("" when not known)
    employer_name: str  # emp_name
    civil_servant: str  # cvlserv_flag ("" when not known)

    @property
    def insurance_type_label(self) -> str:
        return INSURANCE_TYPE_LABELS.get(self.insurance_type, self.insurance_type)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class IdentityInformation:
    """One row of idetinfo: a person identity (人员身份)."""

    identity_type: str  # psn_idet_type: the province's dictionary code, "" when it has none for the category
    level: str  # psn_type_lv: the disability grade, where there is one
    description: str  # memo: the identity in Chinese
    begins: datetime.date | None  # begntime
    ends: datetime.date | None  # endtime


@dataclass(frozen=True)
class PersonInformation:
    base: BaseInformation
    insurance: tuple[InsuranceInformation, ...]
    identities: tuple[IdentityInformation, ...]
    explanation: tuple[Explanation, ...]
    source: str  # who answered: 本系统 or 国家医保信息平台


LOCAL_SOURCE = "参保通（本系统数据）"
REMOTE_SOURCE = "国家医保信息平台"


def age_on(*, birth_date: datetime.date, today: datetime.date) -> int:
    """Full years of age on `today`."""
    had_birthday = (today.month, today.day) >= (birth_date.month, birth_date.day)
    return today.year - birth_date.year - (0 if had_birthday else 1)


def person_number(*, household_county_code: str, record_number: int) -> str:
    """canbao's own 20-character person number: the household county and the record's number. The national
    platform's 人员编号 is not known to canbao."""
    return f"{household_county_code}{record_number:014d}"


def person_information_compute(
    *, facts: PersonFacts, identity_codes: Mapping[str, str], today: datetime.date
) -> PersonInformation:
    """The 1101 answer for a person canbao holds, with its explanation."""
    explanation = [
        Explanation(
            rule="R13.4",
            text=f"性别、出生日期取自身份证号；年龄按{date_prose_text(today)}计算。",
            source=MAPPING_SOURCE,
        )
    ]
    insurance: list[InsuranceInformation] = []
    resident = _resident_insurance(facts=facts, today=today, explanation=explanation)
    if resident is not None:
        insurance.append(resident)
        catastrophic = _catastrophic_insurance(facts=facts, resident=resident, explanation=explanation)
        if catastrophic is not None:
            insurance.append(catastrophic)
    employee = _employee_insurance(facts=facts, today=today, explanation=explanation)
    if employee is not None:
        insurance.append(employee)
    if not insurance:
        explanation.append(Explanation(rule="R4.1", text="本系统中该人员没有有效的参保记录。", source=MAPPING_SOURCE))
    identities = tuple(_identity(identity, identity_codes) for identity in facts.identities)
    uncoded = sorted(
        {identity.category_label for identity in facts.identities if not identity_codes.get(identity.category)}
    )
    if facts.identities:
        text = f"人员身份取自本系统登记的困难身份，共{len(facts.identities)}条。"
        if uncoded:
            text += f"{'、'.join(uncoded)}尚未配置省级人员身份类别代码，psn_idet_type 为空，身份写在 memo 中。"
        explanation.append(Explanation(rule="R6.1", text=text, source=MAPPING_SOURCE))
    base = BaseInformation(
        person_number=person_number(
            household_county_code=facts.household_county_code, record_number=facts.record_number
        ),
        certificate_type=CERTIFICATE_RESIDENT_ID_CARD,
        certificate_number=facts.id_number,
        name=facts.name,
        gender=GENDER_CODES.get(facts.gender, "9"),
        birth_date=facts.birth_date,
        nationality="",
        age=age_on(birth_date=facts.birth_date, today=today),
    )
    return PersonInformation(
        base=base,
        insurance=tuple(insurance),
        identities=identities,
        explanation=tuple(explanation),
        source=LOCAL_SOURCE,
    )


def _resident_insurance(
    *, facts: PersonFacts, today: datetime.date, explanation: list[Explanation]
) -> InsuranceInformation | None:
    """390: from the active enrollments (R4.1). 正常参保 with an active enrollment for this year or a later one;
    暂停参保 from 1 January after the last year held; 终止参保 once the person's record has ended."""
    active = sorted((enrollment for enrollment in facts.enrollments if enrollment.active), key=_year)
    if not active:
        return None
    first, last = active[0], active[-1]
    suspended_date = None
    if facts.ended_status:
        status = TERMINATED
        state = f"人员状态为{facts.ended_status}，参保状态为终止参保"
    elif last.insurance_year >= today.year:
        status = INSURED
        state = "参保状态为正常参保"
    else:
        status = SUSPENDED
        suspended_date = datetime.date(last.insurance_year + 1, 1, 1)
        state = f"{last.insurance_year + 1}年度起未参保，参保状态为暂停参保，暂停日期{date_prose_text(suspended_date)}"
    years = "、".join(f"{enrollment.insurance_year}年" for enrollment in active)
    explanation.append(
        Explanation(
            rule="R4.1",
            text=f"城乡居民基本医疗保险（390）：有效参保年度{years}；{state}；"
            f"参保日期取最早一个有效年度的缴费日期{date_prose_text(first.payment_date)}。",
            source=MAPPING_SOURCE,
        )
    )
    explanation.append(
        Explanation(
            rule="R13.0a",
            text=f"参保地为{last.insurance_year}年度参保记录所在的{last.enrolling_county_name}"
            f"（{last.enrolling_county_code}）。",
            source=MAPPING_SOURCE,
        )
    )
    return InsuranceInformation(
        insurance_type=RESIDENT_BASIC,
        status=status,
        insured_date=first.payment_date,
        suspended_date=suspended_date,
        insured_place=last.enrolling_county_code,
        person_type="",
        employer_name="",
        civil_servant=NOT_CIVIL_SERVANT,
    )


def _catastrophic_insurance(
    *, facts: PersonFacts, resident: InsuranceInformation, explanation: list[Explanation]
) -> InsuranceInformation | None:
    """392: the resident catastrophic-illness insurance goes with the basic insurance (R5) where the last year held
    has a catastrophic-illness cap; it takes the basic insurance's status and dates."""
    last = max((enrollment for enrollment in facts.enrollments if enrollment.active), key=_year)
    if last.cap_effective <= 0:
        return None
    explanation.append(
        Explanation(
            rule="R5.1",
            text=f"城乡居民大病医疗保险（392）随基本医疗保险：{last.insurance_year}年度大病保险最高支付限额"
            f"{yuan_text(last.cap_effective)}元，状态与日期同390。",
            source=MAPPING_SOURCE,
        )
    )
    return InsuranceInformation(
        insurance_type=RESIDENT_CATASTROPHIC,
        status=resident.status,
        insured_date=resident.insured_date,
        suspended_date=resident.suspended_date,
        insured_place=resident.insured_place,
        person_type="",
        employer_name="",
        civil_servant=NOT_CIVIL_SERVANT,
    )


def _employee_insurance(
    *, facts: PersonFacts, today: datetime.date, explanation: list[Explanation]
) -> InsuranceInformation | None:
    """310: from the years recorded as insured under employee insurance (R8.2). canbao knows the years and the date
    the insurance stopped, not the employer nor the insured place."""
    years = sorted(facts.employee_years, key=lambda row: row.year)
    if not years:
        return None
    first, last = years[0], years[-1]
    stopped = last.exit_date
    suspended_date = None
    if facts.ended_status:
        status = TERMINATED
        state = f"人员状态为{facts.ended_status}，参保状态为终止参保"
    elif last.year >= today.year and (stopped is None or stopped > today):
        status = INSURED
        state = "参保状态为正常参保"
    else:
        status = SUSPENDED
        suspended_date = stopped or datetime.date(last.year + 1, 1, 1)
        state = f"参保状态为暂停参保，暂停日期{date_prose_text(suspended_date)}"
        if stopped is not None:
            state += "（职工医保停保日期）"
    listed = "、".join(f"{row.year}年" for row in years)
    explanation.append(
        Explanation(
            rule="R8.2",
            text=f"职工基本医疗保险（310）：登记的职工医保参保年度{listed}；{state}；参保日期取最早年度的1月1日，"
            "单位名称和参保地本系统未登记。",
            source=MAPPING_SOURCE,
        )
    )
    return InsuranceInformation(
        insurance_type=EMPLOYEE_BASIC,
        status=status,
        insured_date=datetime.date(first.year, 1, 1),
        suspended_date=suspended_date,
        insured_place="",
        person_type="",
        employer_name="",
        civil_servant="",
    )


def _identity(identity: IdentityFacts, identity_codes: Mapping[str, str]) -> IdentityInformation:
    description = identity.category_label
    if identity.disability_grade is not None:
        description += f"（{identity.disability_grade}级）"
    return IdentityInformation(
        identity_type=identity_codes.get(identity.category, ""),
        level="" if identity.disability_grade is None else str(identity.disability_grade),
        description=description,
        begins=identity.valid_from,
        ends=identity.valid_to,
    )


def _year(enrollment: EnrollmentFacts) -> int:
    return enrollment.insurance_year
