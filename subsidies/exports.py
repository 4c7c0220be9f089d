"""The subsidy reports in the printed ledger layout (core.excel), built from what the report pages show."""

import datetime
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse

from accounts.models import User
from accounts.personal_data import id_number_for, id_number_on_page
from core.reports import Report, RowLink, columns_of
from enrollment.models import Enrollment, Resident

from .selectors import SubsidyLedger, SubsidyLedgerRow

LEDGER_HEADERS = ["资助类别", "人数", "个人缴费合计（元）", "资助金额合计（元）", "资金渠道"]
LEDGER_WIDTHS = [30, 8, 18, 18, 16]
LEDGER_PEOPLE_HEADERS = [
    "姓名",
    "公民身份号码",
    "乡（镇）",
    "村（社区）",
    "缴费日期",
    "个人缴费（元）",
    "资助金额（元）",
]
LEDGER_PEOPLE_WIDTHS = [10, 22, 14, 22, 12, 14, 14]
UNENROLLED_HEADERS = ["姓名", "公民身份号码", "乡（镇）", "村（社区）", "联系电话", "困难身份"]
UNENROLLED_WIDTHS = [10, 22, 14, 22, 14, 36]
ROWS_PER_CHUNK = 2000


def identities_text(resident: Resident) -> str:
    """The identities a resident holds on the report's date (`identities_held`, from hardship_unenrolled)."""
    names = []
    for identity in resident.identities_held:  # type: ignore[attr-defined]
        grade = f"（{identity.disability_grade}级）" if identity.disability_grade else ""
        names.append(f"{identity.get_category_display()}{grade}")
    return "、".join(names)


def subsidy_ledger_report(*, ledger: SubsidyLedger, today: datetime.date) -> Report:
    """R6.3: the county's ledger per category, with the sums in the 合计 row; on the page a category with people
    links to their list."""
    rows: list[Sequence[object]] = [
        [row.name, row.people, row.individual_total, row.subsidy_total, row.fund] for row in ledger.rows
    ]
    people_url = reverse("subsidy_ledger_people")
    query = {"year": ledger.year, "county": ledger.county_code}
    links = [
        RowLink(text="人员名单", url=f"{people_url}?{urlencode({**query, 'category': row.category})}")
        if row.people
        else None
        for row in ledger.rows
    ]
    total = ledger.total
    return Report(
        title=f"{ledger.county_name}{ledger.year}年度困难群众资助参保台账",
        unit=ledger.county_name,
        as_of=today,
        columns=columns_of(LEDGER_HEADERS, LEDGER_WIDTHS),
        rows=rows,
        totals=["", total.people, total.individual_total, total.subsidy_total, ""],
        row_links=links,
    )


def subsidy_ledger_people_report(
    *,
    user: User,
    ledger_row: SubsidyLedgerRow,
    enrollments: QuerySet[Enrollment] | Iterable[Enrollment],
    title: str,
    unit: str,
    today: datetime.date,
    on_page: bool = False,
    first_number: int = 1,
) -> Report:
    """The people behind one row of the ledger, with the row's sums; ID numbers as text. In the file they are
    masked unless the user may see them whole; on the page (`on_page`, one page of the list) always masked."""

    def shown_id_number(id_number: str) -> str:
        return id_number_on_page(id_number) if on_page else id_number_for(user=user, id_number=id_number)

    def rows() -> Iterator[Sequence[object]]:
        people = enrollments.iterator(chunk_size=ROWS_PER_CHUNK) if isinstance(enrollments, QuerySet) else enrollments
        for enrollment in people:
            resident = enrollment.resident
            village = resident.household_division
            yield [
                resident.name,
                shown_id_number(resident.id_number),
                village.parent.name if village.parent else "",
                village.name,
                enrollment.payment_date.isoformat(),
                enrollment.individual_due,
                enrollment.subsidy_amount,
            ]

    return Report(
        title=title,
        unit=unit,
        as_of=today,
        columns=columns_of(LEDGER_PEOPLE_HEADERS, LEDGER_PEOPLE_WIDTHS),
        rows=rows(),
        totals=[f"{ledger_row.people} 人", "", "", "", "", ledger_row.individual_total, ledger_row.subsidy_total],
        first_number=first_number,
    )


def hardship_unenrolled_report(
    *, user: User, residents: QuerySet[Resident], title: str, unit: str, as_of: datetime.date
) -> Report:
    """R10.2: the hardship residents not yet enrolled, for the township's follow-up; the 合计 row counts them."""

    def rows() -> Iterator[Sequence[object]]:
        for resident in residents.iterator(chunk_size=ROWS_PER_CHUNK):
            village = resident.household_division
            yield [
                resident.name,
                id_number_for(user=user, id_number=resident.id_number),
                village.parent.name if village.parent else "",
                village.name,
                resident.phone,
                identities_text(resident),
            ]

    return Report(
        title=title,
        unit=unit,
        as_of=as_of,
        columns=columns_of(UNENROLLED_HEADERS, UNENROLLED_WIDTHS),
        rows=rows(),
    )
