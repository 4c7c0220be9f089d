"""R11.1, R11.2: the prepay table of a city, each county's target × S(Y) shared by its tier."""

from dataclasses import dataclass
from decimal import Decimal

from enrollment.policy import PolicyNotFound, policy_resolve

from ..models import FiscalTier
from .settlement import LEVEL_ORDER, FiscalDataMissing, SettlementTable, money_total, share_text


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
        return money_total(self.prepaid_by_level)


@dataclass(frozen=True)
class PrepayTable:
    settlement: SettlementTable
    rows: list[PrepayRow]

    @property
    def target_people(self) -> int:
        return sum(row.target_people for row in self.rows)

    @property
    def prepaid_by_level(self) -> list[Decimal]:
        return [money_total([row.prepaid_by_level[index] for row in self.rows]) for index in range(len(LEVEL_ORDER))]

    @property
    def prepaid(self) -> Decimal:
        return money_total([row.prepaid for row in self.rows])

    @property
    def provisional_tier_names(self) -> list[str]:
        """The tiers of the table whose shares are provisional (暂定), each once, in the order of the rows."""
        return list(dict.fromkeys(row.tier.name for row in self.rows if row.tier.provisional))


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
