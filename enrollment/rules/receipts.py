"""Receipts (缴费凭证) and the clerk's day (日结) as pure functions: the amount in capitals (人民币大写) and the day's
totals per channel and per category. No ORM, no clock."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .base import money

DIGIT_CAPITALS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")  # inside a group of four digits
GROUP_UNITS = ("", "万", "亿", "万亿")


def _integer_capitals(number: int) -> str:
    """An integer of yuan in capitals: one 零 for a run of zeros before a digit, a group unit (万, 亿) after a group
    that is not all zeros (100010 → 壹拾万零壹拾)."""
    digits = str(number)
    length = len(digits)
    text = ""
    zero_pending = False
    for index, digit in enumerate(digits):
        position = length - 1 - index
        if digit == "0":
            zero_pending = True
        else:
            if zero_pending:
                text += "零"
                zero_pending = False
            text += DIGIT_CAPITALS[int(digit)] + SMALL_UNITS[position % 4]
        if position % 4 == 0 and position > 0 and int(digits[max(0, index - 3) : index + 1]):
            text += GROUP_UNITS[position // 4]
    return text


def amount_in_capitals(amount: Decimal) -> str:
    """An amount of money in Chinese capitals as written on a receipt (人民币大写), to the fen.

    400 → 肆佰元整, 1200.50 → 壹仟贰佰元伍角, 10.05 → 壹拾元零伍分, 0.00 → 零元整. The sign is the receipt's kind
    (缴费 or 退费), not part of the amount: a negative amount is an error.
    """
    amount = money(amount)
    if amount < 0:
        raise ValueError(f"negative amount {amount}: pass its size, the receipt's kind says which way it goes")
    fen_total = int(amount * 100)
    yuan, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "零元整"
    text = f"{_integer_capitals(yuan)}元" if yuan else ""
    if cents == 0:
        return f"{text}整"
    if jiao:
        text += f"{DIGIT_CAPITALS[jiao]}角"
    elif yuan:
        text += "零"
    if fen:
        text += f"{DIGIT_CAPITALS[fen]}分"
    return text


@dataclass(frozen=True)
class DayMovement:
    """One money movement of a clerk's day: its amount (a refund negative), channel and category labels."""

    amount: Decimal
    channel: str
    category: str


@dataclass(frozen=True)
class DayTotals:
    """The totals of a clerk's day (日结): received, refunded, the net, and the net per channel and per category,
    each in the order first met."""

    payments: int
    refunds: int
    received: Decimal
    refunded: Decimal
    net: Decimal
    by_channel: Mapping[str, Decimal] = field(default_factory=dict)
    by_category: Mapping[str, Decimal] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        """As stored with the close: amounts as strings, so that no float ever holds money."""
        return {
            "payments": self.payments,
            "refunds": self.refunds,
            "received": str(self.received),
            "refunded": str(self.refunded),
            "net": str(self.net),
            "by_channel": {name: str(value) for name, value in self.by_channel.items()},
            "by_category": {name: str(value) for name, value in self.by_category.items()},
        }


def day_totals(movements: Iterable[DayMovement]) -> DayTotals:
    """Add up a clerk's day: money received (amounts above zero), money refunded (below zero, shown as its size)
    and the net, in total and per channel and per category."""
    zero = Decimal("0.00")
    payments = refunds = 0
    received = refunded = zero
    by_channel: dict[str, Decimal] = {}
    by_category: dict[str, Decimal] = {}
    for movement in movements:
        if movement.amount < 0:
            refunds += 1
            refunded -= movement.amount
        else:
            payments += 1
            received += movement.amount
        by_channel[movement.channel] = by_channel.get(movement.channel, zero) + movement.amount
        by_category[movement.category] = by_category.get(movement.category, zero) + movement.amount
    return DayTotals(
        payments=payments,
        refunds=refunds,
        received=money(received),
        refunded=money(refunded),
        net=money(received - refunded),
        by_channel=by_channel,
        by_category=by_category,
    )
