import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.personal_data import id_number_mask
from enrollment.rules import (
    IdNumberError,
    id_number_check_character,
    id_number_compose,
    id_number_parse,
    id_number_read,
)

# A published GB 11643 example number (check character X).
KNOWN_VALID = "11010519491231002X"


def test_r13_4_known_number_parses_with_derived_birth_date_and_sex():
    # when
    facts = id_number_parse(KNOWN_VALID)
    # then
    assert facts.birth_date == datetime.date(1949, 12, 31)
    assert facts.gender == "F"
    assert facts.address_code == "110105"


def test_r13_4_lowercase_x_is_accepted_and_normalised():
    assert id_number_parse(KNOWN_VALID.lower()).id_number == KNOWN_VALID


def test_r13_4_wrong_check_character_is_refused():
    with pytest.raises(IdNumberError, match="校验位不正确"):
        id_number_parse("110105194912310021")


def test_r13_4_impossible_birth_date_is_refused():
    first_seventeen = "14062120230230001"  # 30 February
    with pytest.raises(IdNumberError, match="出生日期 20230230 不存在"):
        id_number_parse(first_seventeen + "0")


@pytest.mark.parametrize("raw", ["1406211990", "14062119900101123Y", "1406211990010112345"])
def test_r13_4_wrong_length_or_characters_are_refused(raw):
    with pytest.raises(IdNumberError):
        id_number_parse(raw)


def test_r13_4_full_width_digits_are_refused_not_stored():
    # given: the known number typed with a full-width 1 (str.isdigit() takes it for a digit)
    raw = "１" + KNOWN_VALID[1:]
    # then
    with pytest.raises(IdNumberError, match="前17位应为数字"):
        id_number_parse(raw)


def test_r13_4_check_character_matches_the_weighted_sum_of_the_standard():
    # given: GB 11643's weights 2^(17-i) mod 11, summed digit by digit
    first_seventeen = "14062119900101123"
    total = sum(int(digit) * (2 ** (17 - index) % 11) for index, digit in enumerate(first_seventeen))
    # then
    assert id_number_check_character(first_seventeen) == "10X98765432"[total % 11]


@given(first_seventeen=st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_r13_4_check_character_of_any_digits_is_the_standard_weighted_sum(first_seventeen):
    # the check sums the address code, birth date and sequence parts separately, each remembered: the parts of
    # one number must never be confused with those of another
    total = sum(int(digit) * (2 ** (17 - index) % 11) for index, digit in enumerate(first_seventeen))
    assert id_number_check_character(first_seventeen) == "10X98765432"[total % 11]


def test_r13_4_read_gives_the_number_birth_date_and_sex_as_a_tuple():
    assert id_number_read(f" {KNOWN_VALID.lower()} ") == (KNOWN_VALID, datetime.date(1949, 12, 31), "F")
    assert id_number_read("140621199001011235") == ("140621199001011235", datetime.date(1990, 1, 1), "M")
    with pytest.raises(IdNumberError, match="出生日期 19900230 不存在"):
        id_number_read("140621199002301234")


def test_r13_4_mask_keeps_address_code_and_last_four():
    assert id_number_mask("14062119900101123X") == "140621********123X"


@given(
    birth_date=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2026, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_r13_4_composed_numbers_round_trip(birth_date, sequence):
    id_number = id_number_compose(address_code="140621", birth_date=birth_date, sequence=sequence)
    facts = id_number_parse(id_number)
    assert facts.birth_date == birth_date
    assert facts.gender == ("M" if sequence % 2 else "F")


@given(
    birth_date=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2026, 12, 31)),
    position=st.integers(min_value=0, max_value=16),
    shift=st.integers(min_value=1, max_value=9),
)
def test_r13_4_any_single_digit_change_is_detected(birth_date, position, shift):
    id_number = id_number_compose(address_code="140621", birth_date=birth_date, sequence=123)
    changed_digit = str((int(id_number[position]) + shift) % 10)
    altered = id_number[:position] + changed_digit + id_number[position + 1 :]
    with pytest.raises(IdNumberError):
        id_number_parse(altered)
