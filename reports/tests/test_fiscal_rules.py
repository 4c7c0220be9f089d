"""R11.1, R11.2, R11.3 without the database: exact shares to the fen that add up to their totals, and each level's
transfer status against its due date."""

import datetime
from decimal import Decimal
from fractions import Fraction

from reports.rules import (
    LevelTransferStatus,
    TransferStatus,
    county_settlement,
    largest_remainder_split,
    level_transfer_status,
    money_split,
)

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


DUE_DATE = datetime.date(2026, 10, 31)


def transfer_status(*, paid: str, last_transfer_date: datetime.date | None, today: datetime.date):
    return level_transfer_status(
        due=Decimal("140000.00"),
        paid=Decimal(paid),
        due_date=DUE_DATE,
        last_transfer_date=last_transfer_date,
        today=today,
    )


def test_r11_3_paid_in_full_on_the_due_date_is_paid():
    assert transfer_status(
        paid="140000.00", last_transfer_date=datetime.date(2026, 10, 31), today=datetime.date(2026, 11, 26)
    ) == LevelTransferStatus(
        status=TransferStatus.PAID, days_late=None, explanation="R11.3：应拨140,000.00元已足额拨付，未逾期。"
    )


def test_r11_3_paid_in_full_five_days_after_the_due_date_is_paid_late_with_its_days_late():
    assert transfer_status(
        paid="140000.00", last_transfer_date=datetime.date(2026, 11, 5), today=datetime.date(2026, 11, 26)
    ) == LevelTransferStatus(
        status=TransferStatus.PAID_LATE,
        days_late=5,
        explanation=(
            "R11.3：应拨140,000.00元已足额拨付，但最后一笔拨付日期2026年11月5日晚于拨付截止日期2026年10月31日，"
            "逾期5天，属逾期拨付。"
        ),
    )
    assert TransferStatus.PAID_LATE.label == "逾期拨付"


def test_r11_3_partly_paid_after_the_due_date_stays_overdue():
    assert transfer_status(
        paid="50000.00", last_transfer_date=datetime.date(2026, 11, 5), today=datetime.date(2026, 11, 26)
    ) == LevelTransferStatus(
        status=TransferStatus.OVERDUE,
        days_late=None,
        explanation="R11.3：拨付截止日期2026年10月31日已过，应拨140,000.00元仅拨付50,000.00元，属逾期未拨付。",
    )
    assert TransferStatus.OVERDUE.label == "逾期未拨付"


def test_r11_3_before_the_due_date_partly_paid_or_to_pay():
    before = datetime.date(2026, 10, 15)
    assert transfer_status(paid="50000.00", last_transfer_date=datetime.date(2026, 9, 1), today=before).status == (
        TransferStatus.PARTLY_PAID
    )
    assert transfer_status(paid="0.00", last_transfer_date=None, today=before).status == TransferStatus.TO_PAY
