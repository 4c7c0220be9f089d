"""R11.1, R11.2: what each county, level and year costs and was prepaid, and the settlement page's table of a city."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from accounts.models import User
from accounts.scope import (
    scope_or_above_queryset,
    user_can_see_report_row,
    user_scope_code_at,
    user_scope_lies_inside,
)
from core.formatting import percent_text
from divisions.codes import PROVINCE_CODE, city_code_of, code_length, code_level
from divisions.models import Division, DivisionLevel
from enrollment.policy import PolicyNotFound, policy_resolve_many
from newborns.models import BirthRecord
from targets.models import Target, TargetMetric
from targets.selectors import programme_enrollments

from ..models import CountyFiscalTier, FiscalLevel, FiscalProgrammeYear, FiscalSettlement, FiscalTier
from ..rules import (
    ProgrammeYearSettlementDay,
    SettlementDue,
    county_settlement,
    largest_remainder_split,
    settlement_due,
)

# --- R11: what each county, level and year costs and was prepaid ---------------------------------------------------


class LevelFigures:
    """What a level's figures say in words: the level (省级) and its settlement (补拨, 扣回 or 持平)."""

    level: str
    settlement: Decimal

    @property
    def level_label(self) -> str:
        return FiscalLevel(self.level).label

    @property
    def settlement_wording(self) -> str:
        return settlement_wording(self.settlement)


@dataclass(frozen=True)
class SettlementRow(LevelFigures):
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
    def share_text(self) -> str:
        return share_text(self.share)


class FiscalDataMissing(LookupError):
    """A county without a tier or without a contribution standard; the message is shown."""


def city_code_normalise(code: str) -> str:
    """Cities are asked for as 1406 or, in the 6-digit GB/T 2260 form of API.md, as 140600."""
    return city_code_of(code) if code_level(code) == DivisionLevel.COUNTY and code.endswith("00") else code


def county_tiers_get(
    *, county_codes: list[str], year: int, tiers: dict[int, FiscalTier] | None = None
) -> dict[str, FiscalTier]:
    """The tier each county is in on 31 December of the year, read at once; `tiers` replaces a tier's shares for a
    what-if run. The first county (in the order given) without a tier raises FiscalDataMissing."""
    assignments = (
        CountyFiscalTier.objects.filter(county_id__in=county_codes, valid_from__lte=datetime.date(year, 12, 31))
        .select_related("tier")
        .order_by("county_id", "-valid_from")
    )
    latest: dict[str, FiscalTier] = {}
    for assignment in assignments:
        latest.setdefault(assignment.county_id, assignment.tier)
    for county_code in county_codes:
        if county_code not in latest:
            raise FiscalDataMissing(f"区县{county_code}没有财政分档，请先在系统管理中指定。")
    return {code: (tiers or {}).get(tier.id, tier) for code, tier in latest.items()}


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
    """R7.2 newborns of the year by the county they are insured in (R13.0a: the county holding the enrollment, the
    household county unless a parent's county of residence), counted as registered by the day the settlement is
    computed (R11.4): a December birth registered in January is enrolled for its birth year (R7.1a) and is in that
    year's settlement."""
    rows = (
        programme_enrollments(year=year, as_of=max(datetime.date(year, 12, 31), timezone.localdate()))
        .filter(enrolling_county__code__startswith=city_code)
        .annotate(county=F("enrolling_county_id"))
        .values("county")
        .annotate(people=Count("id"))
        .order_by()
    )
    return {row["county"]: row["people"] for row in rows}


def settlement_compute(
    *,
    year: int,
    city_code: str,
    tiers: dict[int, FiscalTier] | None = None,
    standards: Mapping[str, Decimal] | None = None,
) -> list[SettlementRow]:
    """R11.1, R11.2 for every county of a city: computed, never stored (the settlement job stores). `tiers` gives a
    what-if run other shares for some tiers, `standards` other contribution standards S(Y) for some counties (a
    policy draft's)."""
    city_code = city_code_normalise(city_code)
    counties = list(Division.objects.filter(level=DivisionLevel.COUNTY, code__startswith=city_code).order_by("code"))
    targets = county_targets(city_code=city_code, year=year, counties=counties)
    actual = _actual_people(city_code=city_code, year=year)
    county_codes = [county.code for county in counties]
    tier_of = county_tiers_get(county_codes=county_codes, year=year, tiers=tiers)
    try:
        figures_of = policy_resolve_many(region_codes=county_codes, insurance_year=year)
    except PolicyNotFound as error:
        raise FiscalDataMissing(str(error)) from None
    rows = []
    for county in counties:
        tier = tier_of[county.code]
        standard = (standards or {}).get(county.code, figures_of[county.code].contribution_standard)
        shares: dict[str, Decimal] = {
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


# --- R11 pages: a city's prepay, settlement and transfers, as much of them as the user's scope holds ----------------

LEVEL_ORDER = [FiscalLevel.PROVINCE, FiscalLevel.CITY, FiscalLevel.COUNTY]
ZERO = Decimal("0.00")


class FiscalOutOfScope(LookupError):
    """A city, county or tier outside the user's scope: the pages answer 404."""


def share_text(share: Decimal) -> str:
    """0.2500 as 25.00%, 0.3333 as 33.33%: a share as every page writes it (core.formatting)."""
    return percent_text(share)


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


def money_total(values: list[Decimal]) -> Decimal:
    return sum(values, ZERO)


@dataclass(frozen=True)
class LevelTotal(LevelFigures):
    level: str
    prepaid: Decimal
    actual_cost: Decimal
    settlement: Decimal


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
    due: SettlementDue | None = None  # R11.4; None: no programme year gives the day
    computed_on: datetime.date | None = None  # the day the rows were stored, or computed live

    @property
    def stored(self) -> bool:
        return self.computed_at is not None

    @property
    def provisional(self) -> bool:
        """R11.4: computed on or before the due day, the settlement is a 预结算."""
        return self.due is not None and self.computed_on is not None and self.due.provisional_on(self.computed_on)

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
        return money_total([row.prepaid for row in self.rows])

    @property
    def actual_cost(self) -> Decimal:
        return money_total([row.actual_cost for row in self.rows])

    @property
    def settlement(self) -> Decimal:
        return money_total([row.settlement for row in self.rows])

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
                    prepaid=money_total([row.prepaid for row in rows]),
                    actual_cost=money_total([row.actual_cost for row in rows]),
                    settlement=money_total([row.settlement for row in rows]),
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
        due=fiscal_settlement_due(year=year),
        computed_on=timezone.localdate(computed_at) if computed_at is not None else timezone.localdate(),
    )


def fiscal_settlement_due(*, year: int) -> SettlementDue | None:
    """R11.4: the day after which the settlement of `year` is final, from the programme years' figures."""
    figures = [
        ProgrammeYearSettlementDay(year=year_figure, settlement_due_date=due_date, source=source)
        for year_figure, due_date, source in FiscalProgrammeYear.objects.filter(year__lte=year).values_list(
            "year", "settlement_due_date", "settlement_source"
        )
    ]
    return settlement_due(year=year, programme_years=figures)
