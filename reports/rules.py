"""R11 as pure functions: splitting people and money so that the parts add up exactly to the whole, the status
of each level's transfer against its due date, and the day after which a year's settlement is final."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from fractions import Fraction

from dateutil.relativedelta import relativedelta

from core.formatting import date_prose_text, yuan_text

FEN = Decimal("0.01")


def largest_remainder_split(total: int, weights: list[Fraction]) -> list[int]:
    """Whole units (people, or fen) of `total` in proportion to `weights`; the units left by rounding down go to the
    largest remainders, the earlier part first among equals. Equal weights when every weight is zero."""
    if not weights:
        return []
    if sum(weights) == 0:
        weights = [Fraction(1)] * len(weights)
    weight_sum = sum(weights)
    exact = [Fraction(total) * weight / weight_sum for weight in weights]
    parts = [int(value) for value in exact]  # exact values are never negative here: int() rounds down
    by_remainder = sorted(range(len(exact)), key=lambda index: (-(exact[index] - parts[index]), index))
    for index in by_remainder[: total - sum(parts)]:
        parts[index] += 1
    return parts


def money_split(amount: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """R11.2: an amount shared by the levels, each part to the fen, the parts summing to the amount exactly."""
    fen = int((amount / FEN).to_integral_value(rounding=ROUND_DOWN))
    return [Decimal(part) * FEN for part in largest_remainder_split(fen, [Fraction(share) for share in shares])]


@dataclass(frozen=True)
class LevelSettlement:
    level: str
    share: Decimal
    prepaid: Decimal
    actual_cost: Decimal

    @property
    def settlement(self) -> Decimal:
        """Positive: the level tops up; negative: it is clawed back."""
        return self.actual_cost - self.prepaid


def county_settlement(
    *, standard: Decimal, target_people: int, actual_people: int, shares: dict[str, Decimal]
) -> list[LevelSettlement]:
    """R11.1, R11.2: prepay from the target and settlement from the actual newborns, both × S(Y), shared by tier."""
    levels = list(shares)
    prepaid = money_split(standard * target_people, [shares[level] for level in levels])
    actual = money_split(standard * actual_people, [shares[level] for level in levels])
    return [
        LevelSettlement(level=level, share=shares[level], prepaid=prepaid[index], actual_cost=actual[index])
        for index, level in enumerate(levels)
    ]


class TransferStatus(StrEnum):
    TO_PAY = "to_pay"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    PAID_LATE = "paid_late"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return TRANSFER_STATUS_LABELS[self]


TRANSFER_STATUS_LABELS = {
    TransferStatus.TO_PAY: "待拨付",
    TransferStatus.PARTLY_PAID: "部分拨付",
    TransferStatus.PAID: "已拨付",
    TransferStatus.PAID_LATE: "逾期拨付",
    TransferStatus.OVERDUE: "逾期未拨付",
}


@dataclass(frozen=True)
class LevelTransferStatus:
    status: TransferStatus
    days_late: int | None
    explanation: str


def level_transfer_status(
    *,
    due: Decimal,
    paid: Decimal,
    due_date: datetime.date | None,
    last_transfer_date: datetime.date | None,
    today: datetime.date,
) -> LevelTransferStatus:
    """R11.3: a level's transfer status as of `today`. Paid in full, it is 已拨付, or 逾期拨付 with the days its last
    transfer came after the due date; not paid in full, it is 逾期未拨付 once the due date has passed, before that
    部分拨付 or 待拨付."""
    if paid >= due:
        if due_date is not None and last_transfer_date is not None and last_transfer_date > due_date:
            days_late = (last_transfer_date - due_date).days
            return LevelTransferStatus(
                status=TransferStatus.PAID_LATE,
                days_late=days_late,
                explanation=(
                    f"R11.3：应拨{yuan_text(due)}元已足额拨付，但最后一笔拨付日期{date_prose_text(last_transfer_date)}"
                    f"晚于拨付截止日期{date_prose_text(due_date)}，逾期{days_late}天，属逾期拨付。"
                ),
            )
        return LevelTransferStatus(
            status=TransferStatus.PAID,
            days_late=None,
            explanation=f"R11.3：应拨{yuan_text(due)}元已足额拨付，未逾期。",
        )
    if due_date is not None and today > due_date:
        return LevelTransferStatus(
            status=TransferStatus.OVERDUE,
            days_late=None,
            explanation=f"R11.3：拨付截止日期{date_prose_text(due_date)}已过，应拨{yuan_text(due)}元仅拨付{yuan_text(paid)}元，属逾期未拨付。",
        )
    if paid > 0:
        return LevelTransferStatus(
            status=TransferStatus.PARTLY_PAID,
            days_late=None,
            explanation=f"R11.3：应拨{yuan_text(due)}元已拨付{yuan_text(paid)}元，须在拨付截止日期前拨足。",
        )
    return LevelTransferStatus(
        status=TransferStatus.TO_PAY,
        days_late=None,
        explanation="R11.3：尚未拨付，须在拨付截止日期前足额拨付。",
    )


@dataclass(frozen=True)
class ProgrammeYearSettlementDay:
    """A programme year's figure as stored: the day after which its settlement is final, and its source."""

    year: int
    settlement_due_date: datetime.date
    source: str


@dataclass(frozen=True)
class SettlementDue:
    """R11.4: the day after which the settlement of a year is final, with its explanation."""

    year: int
    date: datetime.date
    explanation: str

    def provisional_on(self, day: datetime.date) -> bool:
        """A settlement computed on `day` is provisional (预结算) up to and including the due day: a newborn of the
        year may still be registered that day (R7.1a)."""
        return day <= self.date


def settlement_due(*, year: int, programme_years: Sequence[ProgrammeYearSettlementDay]) -> SettlementDue | None:
    """R11.4: the settlement of `year` is due after the last day a newborn of the year may be registered. A year
    without its own figure inherits the latest earlier year's day, moved by as many years; None before the first."""
    known = [figure for figure in programme_years if figure.year <= year]
    if not known:
        return None
    figure = max(known, key=lambda figure: figure.year)
    due_date = figure.settlement_due_date + relativedelta(years=year - figure.year)
    inherited = "" if figure.year == year else f"，沿用{figure.year}年度的规定"
    return SettlementDue(
        year=year,
        date=due_date,
        explanation=(
            f"R11.4：{year}年度出生的新生儿最晚于{due_date:%Y年%-m月%-d日}登记参保并计入当年，"
            f"清算应于{due_date:%Y年%-m月%-d日}后进行；此前计算的结算为预结算（依据：{figure.source}{inherited}）。"
        ),
    )
