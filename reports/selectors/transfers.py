"""R11.3: the transfers each level owes and has paid, and the transfers recorded for a county."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, QuerySet, Sum

from accounts.models import User
from accounts.scope import (
    scope_queryset,
    user_can_see_report_row,
)
from divisions.codes import PROVINCE_CODE
from divisions.models import Division, DivisionLevel

from ..models import FiscalLevel, FiscalProgrammeYear, FiscalTransfer
from ..rules import TransferStatus, level_transfer_status
from .settlement import (
    LEVEL_ORDER,
    FiscalDataMissing,
    FiscalOutOfScope,
    city_code_normalise,
    fiscal_area_name,
    fiscal_cities,
    money_total,
    settlement_compute,
)


@dataclass(frozen=True)
class TransferStatusRow:
    county_code: str
    county_name: str
    level: str
    due: Decimal
    paid: Decimal
    due_date: datetime.date | None
    status: TransferStatus
    days_late: int | None = None
    explanation: str = ""

    @property
    def outstanding(self) -> Decimal:
        return max(Decimal("0.00"), self.due - self.paid)

    @property
    def level_label(self) -> str:
        return FiscalLevel(self.level).label

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def status_text(self) -> str:
        """The status as the table and the file show it: a late transfer with its days late."""
        if self.days_late is not None:
            return f"{self.status.label}（逾期{self.days_late}天）"
        return self.status.label


def transfer_status_list(*, year: int, city_code: str, today: datetime.date) -> list[TransferStatusRow]:
    """R11.3: each county's and level's prepay against what it has transferred and the date of its last transfer,
    flagged once past the due date, or when paid in full after it."""
    city_code = city_code_normalise(city_code)
    programme_year = FiscalProgrammeYear.objects.filter(year=year).first()
    due_date = programme_year.transfer_due_date if programme_year else None
    transfers = {
        (row["county_id"], row["level"]): (row["total"], row["last_date"])
        for row in FiscalTransfer.objects.filter(year=year, county__code__startswith=city_code)
        .values("county_id", "level")
        .annotate(total=Sum("amount"), last_date=Max("date"))
        .order_by()
    }
    rows = []
    for row in settlement_compute(year=year, city_code=city_code):
        transferred, last_transfer_date = transfers.get((row.county_code, row.level), (Decimal("0.00"), None))
        state = level_transfer_status(
            due=row.prepaid,
            paid=transferred,
            due_date=due_date,
            last_transfer_date=last_transfer_date,
            today=today,
        )
        rows.append(
            TransferStatusRow(
                county_code=row.county_code,
                county_name=row.county_name,
                level=row.level,
                due=row.prepaid,
                paid=transferred,
                due_date=due_date,
                status=state.status,
                days_late=state.days_late,
                explanation=state.explanation,
            )
        )
    return rows


REMINDER_DAYS = 30  # R11.3: the levels not yet paid are listed from 30 days before the due date on


@dataclass(frozen=True)
class TransferTable:
    """R11.3: each county's and level's prepay against its transfers, as of a date."""

    year: int
    city: Division
    area_name: str
    as_of: datetime.date
    due_date: datetime.date | None
    rows: list[TransferStatusRow]

    @property
    def due(self) -> Decimal:
        return money_total([row.due for row in self.rows])

    @property
    def paid(self) -> Decimal:
        return money_total([row.paid for row in self.rows])

    @property
    def outstanding(self) -> Decimal:
        return money_total([row.outstanding for row in self.rows])

    @property
    def overdue(self) -> list[TransferStatusRow]:
        return [row for row in self.rows if row.status == TransferStatus.OVERDUE]

    @property
    def not_yet_paid(self) -> list[TransferStatusRow]:
        return [row for row in self.rows if row.status in (TransferStatus.TO_PAY, TransferStatus.PARTLY_PAID)]

    @property
    def paid_late(self) -> list[TransferStatusRow]:
        return [row for row in self.rows if row.status == TransferStatus.PAID_LATE]

    @property
    def unpaid_by_county(self) -> list[tuple[str, list[TransferStatusRow]]]:
        """The reminder's lines: each county with its levels overdue or not yet paid in full."""
        return self._by_county({TransferStatus.OVERDUE, TransferStatus.TO_PAY, TransferStatus.PARTLY_PAID})

    @property
    def paid_late_by_county(self) -> list[tuple[str, list[TransferStatusRow]]]:
        """The reminder's lines for the levels paid in full after the due date (逾期拨付), with their days late."""
        return self._by_county({TransferStatus.PAID_LATE})

    def _by_county(self, statuses: set[TransferStatus]) -> list[tuple[str, list[TransferStatusRow]]]:
        grouped: dict[str, list[TransferStatusRow]] = {}
        for row in self.rows:
            if row.status in statuses:
                grouped.setdefault(row.county_name, []).append(row)
        return list(grouped.items())

    @property
    def days_left(self) -> int | None:
        return (self.due_date - self.as_of).days if self.due_date else None

    @property
    def reminder_shown(self) -> bool:
        """From 30 days before the due date on, while some level has not paid in full or paid after the due date."""
        return (
            self.days_left is not None
            and self.days_left <= REMINDER_DAYS
            and bool(self.overdue or self.not_yet_paid or self.paid_late)
        )


def fiscal_transfer_table(*, user: User, year: int, city: Division, today: datetime.date) -> TransferTable:
    rows = [
        row
        for row in transfer_status_list(year=year, city_code=city.code, today=today)
        if user_can_see_report_row(user=user, division_code=row.county_code)
    ]
    programme_year = FiscalProgrammeYear.objects.filter(year=year).first()
    return TransferTable(
        year=year,
        city=city,
        area_name=fiscal_area_name(user=user, city=city),
        as_of=today,
        due_date=programme_year.transfer_due_date if programme_year else None,
        rows=sorted(rows, key=lambda row: (row.county_code, LEVEL_ORDER.index(FiscalLevel(row.level)))),
    )


def fiscal_counties(*, user: User) -> QuerySet[Division]:
    """The counties whose transfers and tier assignment the user may record: those inside their scope."""
    counties = Division.objects.filter(level=DivisionLevel.COUNTY, code__startswith=PROVINCE_CODE).select_related(
        "parent"
    )
    return scope_queryset(counties, user=user, code_fields=("code",))


def fiscal_county_get(*, user: User, county_code: str) -> Division:
    county = fiscal_counties(user=user).filter(code=county_code).first()
    if county is None:
        raise FiscalOutOfScope(county_code)
    return county


def fiscal_transfer_list(*, user: User, year: int, county_code: str) -> QuerySet[FiscalTransfer]:
    """R11.3: a county's recorded transfers of a year, corrections included, in the order they were made."""
    county = fiscal_county_get(user=user, county_code=county_code)
    return (
        FiscalTransfer.objects.filter(year=year, county=county)
        .select_related("recorded_by")
        .order_by("level", "date", "id")
    )


# --- The home page's line: levels overdue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueTransfers:
    """R11.3: the levels of the user's scope overdue (逾期未拨付) for the latest programme year whose due date has
    passed; year None when no year's due date has passed yet."""

    year: int | None
    rows: list[TransferStatusRow]


def fiscal_transfers_overdue(*, user: User, today: datetime.date) -> OverdueTransfers:
    """R11.3: each county and level of the user's cities (their own county's, for a county user) that has not paid
    its prepay in full by the due date of the latest programme year whose due date has passed. An earlier year's
    shortfall is the business of its settlement in the year after (R11.2). A city whose figures are incomplete
    (FiscalDataMissing) counts none: its page says what is missing."""
    programme_year = (
        FiscalProgrammeYear.objects.filter(transfer_due_date__lt=today).order_by("-year").values("year").first()
    )
    if programme_year is None:
        return OverdueTransfers(year=None, rows=[])
    year = programme_year["year"]
    rows: list[TransferStatusRow] = []
    for city in fiscal_cities(user=user):
        try:
            rows.extend(fiscal_transfer_table(user=user, year=year, city=city, today=today).overdue)
        except FiscalDataMissing:
            continue
    return OverdueTransfers(year=year, rows=rows)
