"""The one way pages write money, counts, shares, dates and people (core.formatting, filters canbao_format)."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template

from core.templatetags.canbao_format import count, date_prose, date_table, moment, percent, person_name, yuan


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("1200000"), "1,200,000.00"),
        (Decimal("400"), "400.00"),
        (Decimal("1234567.505"), "1,234,567.51"),
        (Decimal("-139400.00"), "-139,400.00"),
        (Decimal("0"), "0.00"),
        (380, "380.00"),
        ("1200000.00", "1,200,000.00"),
        (None, "—"),
    ],
)
def test_yuan_writes_money_to_the_fen_with_thousands_separators(value, text):
    assert yuan(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(134600, "134,600"), (0, "0"), (999, "999"), (1000, "1,000"), (Decimal("12345"), "12,345"), (None, "—")],
)
def test_count_writes_people_with_thousands_separators(value, text):
    assert count(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("0.5"), "50.00%"),
        (Decimal("0.5000"), "50.00%"),
        (Decimal("0.95125"), "95.13%"),
        (Decimal("1"), "100.00%"),
        (Decimal("0"), "0.00%"),
        (None, "—"),
    ],
)
def test_percent_writes_a_share_as_a_percentage_to_two_places(value, text):
    assert percent(value) == text


def test_tables_write_dates_with_dashes_and_sentences_in_chinese():
    # given
    day = datetime.date(2026, 12, 3)
    # when / then
    assert date_table(day) == "2026-12-03"
    assert date_prose(day) == "2026年12月3日"
    assert date_table(None) == "—"
    assert date_prose(None) == "—"


def test_a_moment_is_written_in_local_time():
    # given: 06:05 UTC is 14:05 in Asia/Shanghai, the next day for 18:30 UTC
    morning = datetime.datetime(2026, 12, 3, 6, 5, tzinfo=datetime.UTC)
    night = datetime.datetime(2026, 12, 3, 18, 30, tzinfo=datetime.UTC)
    # when / then
    assert moment(morning) == "2026-12-03 14:05"
    assert date_table(night) == "2026-12-04"
    assert date_prose(night) == "2026年12月4日"


def test_a_user_is_shown_by_the_persons_name_else_the_user_name():
    # given
    named = SimpleNamespace(username="clerk01", first_name="王小梅", last_name="")
    unnamed = SimpleNamespace(username="clerk02", first_name="", last_name="")
    # when / then
    assert person_name(named) == "王小梅"
    assert person_name(unnamed) == "clerk02"
    assert person_name(None) == "系统"


def test_the_filters_are_loaded_by_name_in_a_template():
    # given
    template = Template(
        "{% load canbao_format %}{{ amount|yuan }} 元，{{ people|count }} 人，{{ share|percent }}，"
        "{{ day|date_table }}，{{ day|date_prose }}"
    )
    # when
    text = template.render(
        Context(
            {"amount": Decimal("400000"), "people": 134600, "share": Decimal("0.5"), "day": datetime.date(2026, 1, 5)}
        )
    )
    # then
    assert text == "400,000.00 元，134,600 人，50.00%，2026-01-05，2026年1月5日"
