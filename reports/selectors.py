import datetime
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.db import models
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Substr

from accounts.models import User
from divisions.models import Division, DivisionLevel
from enrollment.policy import PolicyNotFound, policy_resolve
from newborns.models import BirthRecord
from targets.models import Target, TargetMetric
from targets.services import programme_enrollments

from .models import CountyFiscalTier, ExportJob, FiscalLevel, FiscalProgrammeYear, FiscalTier, FiscalTransfer
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


class FiscalDataMissing(LookupError):
    """A county without a tier or without a contribution standard; the message is shown."""


def city_code_normalise(code: str) -> str:
    """Cities are asked for as 1406 or, in the 6-digit GB/T 2260 form of API.md, as 140600."""
    return code[:4] if len(code) == 6 and code.endswith("00") else code


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
        .annotate(county=Substr("division_id", 1, 6))
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
        .annotate(county=Substr("resident__household_division_id", 1, 6))
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
