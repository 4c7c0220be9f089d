import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db import models
from django.db.models import Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Substr

from accounts.models import User
from accounts.scope import (
    scope_or_above_queryset,
    scope_queryset,
    user_can_see_report_row,
    user_scope_code,
    user_scope_code_at,
    user_scope_lies_inside,
)
from divisions.codes import PROVINCE_CODE, city_code_of, code_length, code_level
from divisions.models import Division, DivisionLevel
from enrollment.policy import PolicyNotFound, policy_resolve
from newborns.models import BirthRecord
from targets.models import Target, TargetMetric
from targets.selectors import programme_enrollments

from .models import (
    CountyFiscalTier,
    ExportJob,
    FiscalLevel,
    FiscalProgrammeYear,
    FiscalSettlement,
    FiscalTier,
    FiscalTransfer,
)
from .rules import county_settlement, largest_remainder_split


def export_job_list(*, user: User) -> QuerySet[ExportJob]:
    """A user sees only the exports they asked for: each holds data of the asker's scope."""
    return ExportJob.objects.filter(requested_by=user)


# --- R11: what each county, level and year costs and was prepaid ---------------------------------------------------


@dataclass(frozen=True)
class SettlementRow:
    county_code: str
    county_name: str
    level: str
    tier: FiscalTier
    share: Decimal
    target_people: int
    actual_people: int
    prepaid: Decimal
    actual_cost: Decimal
    settlement: Decimal

    @property
    def level_label(self) -> str:
        return FiscalLevel(self.level).label

    @property
    def share_text(self) -> str:
        return share_text(self.share)

    @property
    def settlement_wording(self) -> str:
        return settlement_wording(self.settlement)


class FiscalDataMissing(LookupError):
    """A county without a tier or without a contribution standard; the message is shown."""


def city_code_normalise(code: str) -> str:
    """Cities are asked for as 1406 or, in the 6-digit GB/T 2260 form of API.md, as 140600."""
    return city_code_of(code) if code_level(code) == DivisionLevel.COUNTY and code.endswith("00") else code


def county_tier_get(*, county_code: str, year: int, tiers: dict[int, FiscalTier] | None = None) -> FiscalTier:
    """The tier a county is in on 31 December of the year; `tiers` replaces a tier's shares for a what-if run."""
    assignment = (
        CountyFiscalTier.objects.filter(county_id=county_code, valid_from__lte=datetime.date(year, 12, 31))
        .select_related("tier")
        .order_by("-valid_from")
        .first()
    )
    if assignment is None:
        raise FiscalDataMissing(f"区县{county_code}没有财政分档，请先在系统管理中指定。")
    return (tiers or {}).get(assignment.tier_id, assignment.tier)


def _previous_year_births(*, city_code: str, year: int) -> dict[str, int]:
    rows = (
        BirthRecord.objects.filter(division__code__startswith=city_code, birth_date__year=year - 1)
        .annotate(county=Substr("division_id", 1, code_length(DivisionLevel.COUNTY)))
        .values("county")
        .annotate(births=Count("id"))
        .order_by()
    )
    return {row["county"]: row["births"] for row in rows}


def county_targets(*, city_code: str, year: int, counties: list[Division]) -> dict[str, int]:
    """R11.2: the city's target as split by the city; what it has not split goes to the other counties in
    proportion to their births of the year before (equally when there were none)."""
    metric = TargetMetric.SUBSIDISED_NEWBORNS
    split = {
        code: int(value)
        for code, value in Target.objects.filter(year=year, metric=metric, division__in=counties).values_list(
            "division_id", "value"
        )
    }
    city_target = Target.objects.filter(year=year, metric=metric, division_id=city_code).values_list("value", flat=True)
    rest = [county.code for county in counties if county.code not in split]
    if not rest or not city_target:
        return {county.code: split.get(county.code, 0) for county in counties}
    unsplit = max(0, int(city_target[0]) - sum(split.values()))
    births = _previous_year_births(city_code=city_code, year=year)
    shares = largest_remainder_split(unsplit, [Fraction(births.get(code, 0)) for code in rest])
    return {**split, **dict(zip(rest, shares, strict=True))}


def _actual_people(*, city_code: str, year: int) -> dict[str, int]:
    """R7.2 newborns of the year by the county they are insured in (属地参保: the household registration)."""
    rows = (
        programme_enrollments(year=year, as_of=datetime.date(year, 12, 31))
        .filter(resident__household_division__code__startswith=city_code)
        .annotate(county=Substr("resident__household_division_id", 1, code_length(DivisionLevel.COUNTY)))
        .values("county")
        .annotate(people=Count("id"))
        .order_by()
    )
    return {row["county"]: row["people"] for row in rows}


def settlement_compute(*, year: int, city_code: str, tiers: dict[int, FiscalTier] | None = None) -> list[SettlementRow]:
    """R11.1, R11.2 for every county of a city: computed, never stored (the settlement job stores). `tiers` gives a
    what-if run other shares for some tiers."""
    city_code = city_code_normalise(city_code)
    counties = list(Division.objects.filter(level=DivisionLevel.COUNTY, code__startswith=city_code).order_by("code"))
    targets = county_targets(city_code=city_code, year=year, counties=counties)
    actual = _actual_people(city_code=city_code, year=year)
    rows = []
    for county in counties:
        tier = county_tier_get(county_code=county.code, year=year, tiers=tiers)
        try:
            standard = policy_resolve(region_code=county.code, insurance_year=year).contribution_standard
        except PolicyNotFound as error:
            raise FiscalDataMissing(str(error)) from None
        shares = {
            FiscalLevel.PROVINCE: tier.province_share,
            FiscalLevel.CITY: tier.city_share,
            FiscalLevel.COUNTY: tier.county_share,
        }
        for level in county_settlement(
            standard=standard,
            target_people=targets.get(county.code, 0),
            actual_people=actual.get(county.code, 0),
            shares=shares,
        ):
            rows.append(
                SettlementRow(
                    county_code=county.code,
                    county_name=county.name,
                    level=level.level,
                    tier=tier,
                    share=level.share,
                    target_people=targets.get(county.code, 0),
                    actual_people=actual.get(county.code, 0),
                    prepaid=level.prepaid,
                    actual_cost=level.actual_cost,
                    settlement=level.settlement,
                )
            )
    return rows


class TransferStatus(models.TextChoices):
    TO_PAY = "to_pay", "待拨付"
    PARTLY_PAID = "partly_paid", "部分拨付"
    PAID = "paid", "已拨付"
    OVERDUE = "overdue", "逾期未拨付"


@dataclass(frozen=True)
class TransferStatusRow:
    county_code: str
    county_name: str
    level: str
    due: Decimal
    paid: Decimal
    due_date: datetime.date | None
    status: str

    @property
    def outstanding(self) -> Decimal:
        return max(Decimal("0.00"), self.due - self.paid)

    @property
    def level_label(self) -> str:
        return FiscalLevel(self.level).label

    @property
    def status_label(self) -> str:
        return TransferStatus(self.status).label


def transfer_status_list(*, year: int, city_code: str, today: datetime.date) -> list[TransferStatusRow]:
    """R11.3: each county's and level's prepay against what it has transferred, flagged once past the due date."""
    city_code = city_code_normalise(city_code)
    programme_year = FiscalProgrammeYear.objects.filter(year=year).first()
    due_date = programme_year.transfer_due_date if programme_year else None
    paid = {
        (row["county_id"], row["level"]): row["total"]
        for row in FiscalTransfer.objects.filter(year=year, county__code__startswith=city_code)
        .values("county_id", "level")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    rows = []
    for row in settlement_compute(year=year, city_code=city_code):
        transferred = paid.get((row.county_code, row.level), Decimal("0.00"))
        if transferred >= row.prepaid:
            status = TransferStatus.PAID
        elif due_date is not None and today > due_date:
            status = TransferStatus.OVERDUE
        elif transferred > 0:
            status = TransferStatus.PARTLY_PAID
        else:
            status = TransferStatus.TO_PAY
        rows.append(
            TransferStatusRow(
                county_code=row.county_code,
                county_name=row.county_name,
                level=row.level,
                due=row.prepaid,
                paid=transferred,
                due_date=due_date,
                status=status,
            )
        )
    return rows


# --- R11 pages: a city's prepay, settlement and transfers, as much of them as the user's scope holds ----------------

LEVEL_ORDER = [FiscalLevel.PROVINCE, FiscalLevel.CITY, FiscalLevel.COUNTY]
REMINDER_DAYS = 30  # R11.3: the levels not yet paid are listed from 30 days before the due date on
ZERO = Decimal("0.00")


class FiscalOutOfScope(LookupError):
    """A city, county or tier outside the user's scope: the pages answer 404."""


def share_text(share: Decimal) -> str:
    """0.2500 as 25%, 0.3333 as 33.33%."""
    return f"{(share * 100).quantize(Decimal('0.01')).normalize():f}%"


def settlement_wording(amount: Decimal) -> str:
    """R11.2 in the words of a settlement notice: positive, the level tops up (补拨); negative, it is clawed back."""
    if amount > 0:
        return "补拨"
    return "扣回" if amount < 0 else "持平"


def fiscal_cities(*, user: User) -> QuerySet[Division]:
    """The cities whose settlement the user may open: every city for the province, else their own."""
    cities = Division.objects.filter(level=DivisionLevel.CITY, code__startswith=PROVINCE_CODE).order_by("code")
    return scope_or_above_queryset(cities, user=user, code_fields=("code",))


def fiscal_default_city_code(*, user: User) -> str | None:
    """The user's own city; None for users above a city, who choose one."""
    return user_scope_code_at(user=user, levels=(DivisionLevel.CITY,))


def fiscal_city_get(*, user: User, city_code: str) -> Division:
    city = fiscal_cities(user=user).filter(code=city_code_normalise(city_code)).first()
    if city is None:
        raise FiscalOutOfScope(city_code)
    return city


def fiscal_area_name(*, user: User, city: Division) -> str:
    """朔州市, or 朔州市山阴县 for a user who sees one county of it."""
    own_county = user_scope_code_at(user=user, levels=(DivisionLevel.COUNTY,))
    if own_county is None or not user_scope_lies_inside(user=user, division_code=city.code):
        return city.name
    county = Division.objects.filter(code=own_county).first()
    return f"{city.name}{county.name}" if county else city.name


def _sum(values: list[Decimal]) -> Decimal:
    return sum(values, ZERO)


@dataclass(frozen=True)
class LevelTotal:
    level: str
    prepaid: Decimal
    actual_cost: Decimal
    settlement: Decimal

    @property
    def level_label(self) -> str:
        return FiscalLevel(self.level).label

    @property
    def settlement_wording(self) -> str:
        return settlement_wording(self.settlement)


@dataclass(frozen=True)
class CountySettlement:
    county_code: str
    county_name: str
    target_people: int
    actual_people: int
    rows: list[SettlementRow]


@dataclass(frozen=True)
class SettlementTable:
    """R11.2 for the counties of a city a user sees, each county's three levels in order province, city, county."""

    year: int
    city: Division
    area_name: str
    rows: list[SettlementRow]
    computed_at: datetime.datetime | None  # when the rows were stored; None: computed live, not stored

    @property
    def stored(self) -> bool:
        return self.computed_at is not None

    @property
    def counties(self) -> list[CountySettlement]:
        grouped: dict[str, list[SettlementRow]] = {}
        for row in self.rows:
            grouped.setdefault(row.county_code, []).append(row)
        return [
            CountySettlement(
                county_code=code,
                county_name=rows[0].county_name,
                target_people=rows[0].target_people,
                actual_people=rows[0].actual_people,
                rows=rows,
            )
            for code, rows in grouped.items()
        ]

    @property
    def target_people(self) -> int:
        return sum(county.target_people for county in self.counties)

    @property
    def actual_people(self) -> int:
        return sum(county.actual_people for county in self.counties)

    @property
    def prepaid(self) -> Decimal:
        return _sum([row.prepaid for row in self.rows])

    @property
    def actual_cost(self) -> Decimal:
        return _sum([row.actual_cost for row in self.rows])

    @property
    def settlement(self) -> Decimal:
        return _sum([row.settlement for row in self.rows])

    @property
    def settlement_wording(self) -> str:
        return settlement_wording(self.settlement)

    @property
    def level_totals(self) -> list[LevelTotal]:
        totals = []
        for level in LEVEL_ORDER:
            rows = [row for row in self.rows if row.level == level]
            totals.append(
                LevelTotal(
                    level=level,
                    prepaid=_sum([row.prepaid for row in rows]),
                    actual_cost=_sum([row.actual_cost for row in rows]),
                    settlement=_sum([row.settlement for row in rows]),
                )
            )
        return totals


def _stored_rows(*, year: int, city_code: str) -> tuple[list[SettlementRow], datetime.datetime | None]:
    stored = list(
        FiscalSettlement.objects.filter(year=year, county__code__startswith=city_code).select_related("county", "tier")
    )
    rows = [
        SettlementRow(
            county_code=settlement.county_id,
            county_name=settlement.county.name,
            level=settlement.level,
            tier=settlement.tier,
            share=settlement.share,
            target_people=settlement.target_people,
            actual_people=settlement.actual_people,
            prepaid=settlement.prepaid,
            actual_cost=settlement.actual_cost,
            settlement=settlement.settlement,
        )
        for settlement in stored
    ]
    return rows, max((settlement.computed_at for settlement in stored), default=None)


def fiscal_settlement_table(
    *, user: User, year: int, city: Division, tiers: dict[int, FiscalTier] | None = None, live: bool = False
) -> SettlementTable:
    """The stored settlement of the city when it has been stored, else computed live (`live` always computes).
    A what-if (`tiers`, other shares for some tiers) is always computed and never stored."""
    rows: list[SettlementRow] = []
    computed_at = None
    if tiers is None and not live:
        rows, computed_at = _stored_rows(year=year, city_code=city.code)
    if not rows:
        rows = settlement_compute(year=year, city_code=city.code, tiers=tiers)
    visible = sorted(
        (row for row in rows if user_can_see_report_row(user=user, division_code=row.county_code)),
        key=lambda row: (row.county_code, LEVEL_ORDER.index(FiscalLevel(row.level))),
    )
    return SettlementTable(
        year=year,
        city=city,
        area_name=fiscal_area_name(user=user, city=city),
        rows=visible,
        computed_at=computed_at,
    )


@dataclass(frozen=True)
class PrepayRow:
    """R11.1, R11.2: a county's prepay, its target × S(Y), shared by its tier."""

    county_code: str
    county_name: str
    tier: FiscalTier
    shares: list[Decimal]  # province, city, county
    target_people: int
    standard: Decimal
    prepaid_by_level: list[Decimal]  # province, city, county

    @property
    def share_texts(self) -> list[str]:
        return [share_text(share) for share in self.shares]

    @property
    def prepaid(self) -> Decimal:
        return _sum(self.prepaid_by_level)


@dataclass(frozen=True)
class PrepayTable:
    settlement: SettlementTable
    rows: list[PrepayRow]

    @property
    def target_people(self) -> int:
        return sum(row.target_people for row in self.rows)

    @property
    def prepaid_by_level(self) -> list[Decimal]:
        return [_sum([row.prepaid_by_level[index] for row in self.rows]) for index in range(len(LEVEL_ORDER))]

    @property
    def prepaid(self) -> Decimal:
        return _sum([row.prepaid for row in self.rows])


def fiscal_prepay_table(*, settlement: SettlementTable) -> PrepayTable:
    """The settlement's rows by county, with the contribution standard S(Y) the prepay was computed from."""
    rows = []
    for county in settlement.counties:
        try:
            standard = policy_resolve(region_code=county.county_code, insurance_year=settlement.year)
        except PolicyNotFound as error:
            raise FiscalDataMissing(str(error)) from None
        rows.append(
            PrepayRow(
                county_code=county.county_code,
                county_name=county.county_name,
                tier=county.rows[0].tier,
                shares=[row.share for row in county.rows],
                target_people=county.target_people,
                standard=standard.contribution_standard,
                prepaid_by_level=[row.prepaid for row in county.rows],
            )
        )
    return PrepayTable(settlement=settlement, rows=rows)


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
        return _sum([row.due for row in self.rows])

    @property
    def paid(self) -> Decimal:
        return _sum([row.paid for row in self.rows])

    @property
    def outstanding(self) -> Decimal:
        return _sum([row.outstanding for row in self.rows])

    @property
    def overdue(self) -> list[TransferStatusRow]:
        return [row for row in self.rows if row.status == TransferStatus.OVERDUE]

    @property
    def not_yet_paid(self) -> list[TransferStatusRow]:
        return [row for row in self.rows if row.status in (TransferStatus.TO_PAY, TransferStatus.PARTLY_PAID)]

    @property
    def unpaid_by_county(self) -> list[tuple[str, list[TransferStatusRow]]]:
        """The reminder's lines: each county with its levels overdue or not yet paid in full."""
        grouped: dict[str, list[TransferStatusRow]] = {}
        for row in self.rows:
            if row.status != TransferStatus.PAID:
                grouped.setdefault(row.county_name, []).append(row)
        return list(grouped.items())

    @property
    def days_left(self) -> int | None:
        return (self.due_date - self.as_of).days if self.due_date else None

    @property
    def reminder_shown(self) -> bool:
        """From 30 days before the due date on, while some level has not paid in full."""
        return (
            self.days_left is not None and self.days_left <= REMINDER_DAYS and bool(self.overdue or self.not_yet_paid)
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


def fiscal_tier_list(*, user: User) -> QuerySet[FiscalTier]:
    """The tiers of the user's province, with how many counties each holds and whether the user governs it
    (`editable`: may change its shares and place counties in it). The tiers are provincial policy: the province
    that made a tier governs it; a city only the tiers that hold counties of its own and no others (its own
    city/county split); a county none. Another province's tiers, with or without counties, are not listed."""
    tiers = FiscalTier.objects.select_related("region").annotate(county_count=Count("counties__county", distinct=True))
    scope = user_scope_code(user=user)
    if scope is None:
        return tiers.annotate(editable=Value(True))
    tiers = scope_or_above_queryset(tiers, user=user, code_fields=("region__code",))
    if code_level(scope) not in (DivisionLevel.PROVINCE, DivisionLevel.CITY):
        return tiers.annotate(editable=Value(False))
    assignments = CountyFiscalTier.objects.filter(tier=OuterRef("pk"))
    own_counties_only = Q(Exists(assignments)) & ~Q(Exists(assignments.exclude(county__code__startswith=scope)))
    governed = Q(region__code__startswith=scope) | own_counties_only
    return tiers.annotate(editable=ExpressionWrapper(governed, output_field=models.BooleanField()))


def fiscal_tier_get(*, user: User, pk: int) -> FiscalTier:
    """A tier the user governs."""
    tier = fiscal_tier_list(user=user).filter(pk=pk, editable=True).first()
    if tier is None:
        raise FiscalOutOfScope(pk)
    return tier


def fiscal_tier_editable(*, user: User, tier: FiscalTier) -> bool:
    return fiscal_tier_list(user=user).filter(pk=tier.pk, editable=True).exists()


def county_fiscal_tier_list(*, user: User) -> QuerySet[CountyFiscalTier]:
    """The tier assignments of the counties in the user's scope, the latest first for each county."""
    assignments = CountyFiscalTier.objects.select_related("county__parent", "tier").order_by("county_id", "-valid_from")
    return scope_queryset(assignments, user=user, code_fields=("county__code",))


@dataclass(frozen=True)
class WhatIfLine:
    current: SettlementRow
    what_if: SettlementRow

    @property
    def changed(self) -> bool:
        return self.current.prepaid != self.what_if.prepaid or self.current.actual_cost != self.what_if.actual_cost

    @property
    def prepaid_difference(self) -> Decimal:
        return self.what_if.prepaid - self.current.prepaid


@dataclass(frozen=True)
class WhatIfTable:
    """R11.2 recomputed with other shares for one tier, line by line against the current shares. Nothing stored."""

    tier: FiscalTier
    what_if_tier: FiscalTier
    current: SettlementTable
    what_if: SettlementTable

    @property
    def lines(self) -> list[WhatIfLine]:
        return [
            WhatIfLine(current=current, what_if=what_if)
            for current, what_if in zip(self.current.rows, self.what_if.rows, strict=True)
        ]


def fiscal_what_if(
    *, user: User, year: int, city: Division, tier: FiscalTier, shares: tuple[Decimal, Decimal, Decimal]
) -> WhatIfTable:
    """The city's settlement computed live with the tier's current shares and with `shares` (province, city,
    county) in their place; the tier is copied, never saved."""
    province_share, city_share, county_share = shares
    what_if_tier = FiscalTier(
        pk=tier.pk,
        name=tier.name,
        province_share=province_share,
        city_share=city_share,
        county_share=county_share,
        valid_from=tier.valid_from,
        valid_to=tier.valid_to,
        source_document=tier.source_document,
        provisional=tier.provisional,
    )
    return WhatIfTable(
        tier=tier,
        what_if_tier=what_if_tier,
        current=fiscal_settlement_table(user=user, year=year, city=city, live=True),
        what_if=fiscal_settlement_table(user=user, year=year, city=city, tiers={tier.pk: what_if_tier}),
    )
