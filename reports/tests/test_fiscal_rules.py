"""R11.1, R11.2 without the database: exact shares to the fen that add up to their totals."""

from decimal import Decimal
from fractions import Fraction

from reports.rules import county_settlement, largest_remainder_split, money_split

THIRDS = [Decimal("0.3334"), Decimal("0.3333"), Decimal("0.3333")]


def test_r11_2_largest_remainder_gives_the_leftover_units_to_the_largest_remainders():
    assert largest_remainder_split(10, [Fraction(1), Fraction(1), Fraction(1)]) == [4, 3, 3]
    assert largest_remainder_split(6000, [Fraction(120), Fraction(80), Fraction(0)]) == [3600, 2400, 0]
    assert largest_remainder_split(7, [Fraction(0), Fraction(0)]) == [4, 3]


def test_r11_2_money_split_to_the_fen_sums_exactly():
    parts = money_split(Decimal("400.00"), THIRDS)
    assert parts == [Decimal("133.36"), Decimal("133.32"), Decimal("133.32")]
    assert sum(parts) == Decimal("400.00")
    assert money_split(Decimal("1000.01"), [Decimal("0.5"), Decimal("0.25"), Decimal("0.25")]) == [
        Decimal("500.01"),
        Decimal("250.00"),
        Decimal("250.00"),
    ]


def test_r11_1_r11_2_county_prepay_actual_and_settlement_per_level():
    shares = {"province": Decimal("0.5"), "city": Decimal("0.25"), "county": Decimal("0.25")}
    rows = county_settlement(standard=Decimal("400.00"), target_people=700, actual_people=731, shares=shares)
    assert [(row.level, row.prepaid, row.actual_cost, row.settlement) for row in rows] == [
        ("province", Decimal("140000.00"), Decimal("146200.00"), Decimal("6200.00")),
        ("city", Decimal("70000.00"), Decimal("73100.00"), Decimal("3100.00")),
        ("county", Decimal("70000.00"), Decimal("73100.00"), Decimal("3100.00")),
    ]
