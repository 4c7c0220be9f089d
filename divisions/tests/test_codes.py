import pytest

from divisions.codes import (
    LEVEL_CODE_LENGTH,
    LEVELS_TOP_DOWN,
    PROVINCE_CODE,
    ancestor_codes,
    child_code_length,
    child_level,
    city_code_of,
    code_at_level,
    code_is_strictly_within,
    code_is_within,
    code_length,
    code_level,
    code_prefix,
    code_reaches,
    codes_on_one_line,
    county_code_of,
    level_below,
    parent_code,
    township_code_of,
)
from divisions.models import Division, DivisionLevel

VILLAGE = "140621100201"  # a village of 玉井镇, 山阴县, 朔州市, 山西省


def test_the_levels_and_their_code_lengths_top_down():
    assert [(level.value, length) for level, length in LEVEL_CODE_LENGTH.items()] == [
        ("province", 2),
        ("city", 4),
        ("county", 6),
        ("township", 9),
        ("village", 12),
    ]
    assert LEVELS_TOP_DOWN[0] == DivisionLevel.PROVINCE
    assert code_length("township") == 9


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("14", DivisionLevel.PROVINCE),
        ("1406", DivisionLevel.CITY),
        ("140621", DivisionLevel.COUNTY),
        ("140621100", DivisionLevel.TOWNSHIP),
        (VILLAGE, DivisionLevel.VILLAGE),
        ("1406211", None),
        ("-", None),
        ("", None),
    ],
)
def test_code_level_by_length(code, level):
    assert code_level(code) == level


def test_prefixes_name_the_divisions_above():
    # given a village
    # then its township, county and city are its prefixes
    assert township_code_of(VILLAGE) == "140621100"
    assert county_code_of(VILLAGE) == "140621"
    assert city_code_of(VILLAGE) == "1406"
    assert code_prefix(VILLAGE, DivisionLevel.PROVINCE) == "14"


def test_a_code_above_the_level_is_its_own_prefix_but_has_no_code_at_that_level():
    assert county_code_of("1406") == "1406"
    assert code_at_level("1406", DivisionLevel.COUNTY) is None
    assert code_at_level("140621", DivisionLevel.COUNTY) == "140621"
    assert code_at_level(VILLAGE, DivisionLevel.COUNTY) == "140621"
    assert code_reaches("140621100", DivisionLevel.TOWNSHIP)
    assert not code_reaches("140621", DivisionLevel.TOWNSHIP)


def test_ancestors_and_parent():
    assert ancestor_codes(VILLAGE) == ["14", "1406", "140621", "140621100"]
    assert ancestor_codes("1406") == ["14"]
    assert ancestor_codes("14") == []
    assert ancestor_codes("-") == []
    assert parent_code(VILLAGE) == "140621100"
    assert parent_code("140621") == "1406"
    assert parent_code("14") is None


def test_the_level_below_and_its_code_length():
    assert level_below(DivisionLevel.PROVINCE) == DivisionLevel.CITY
    assert level_below(DivisionLevel.VILLAGE) is None
    assert child_level("14") == DivisionLevel.CITY
    assert child_level("140621") == DivisionLevel.TOWNSHIP
    assert child_code_length("1406") == 6
    with pytest.raises(ValueError):
        child_level(VILLAGE)


def test_within_means_the_division_itself_or_below_it():
    assert code_is_within(VILLAGE, "140621100")
    assert code_is_within("140621100", "140621100")
    assert not code_is_within("140621101201", "140621100")
    assert not code_is_within("140621", "140621100")
    assert code_is_strictly_within(VILLAGE, "140621100")
    assert not code_is_strictly_within("140621100", "140621100")


def test_on_one_line_means_one_contains_the_other():
    assert codes_on_one_line("140621", "140621100")
    assert codes_on_one_line("140621100", "140621")
    assert not codes_on_one_line("140622", "140621100")


@pytest.mark.django_db
def test_the_province_is_a_root_of_the_division_table_with_its_townships():
    province = Division.objects.get(code=PROVINCE_CODE)
    assert (province.name, province.level, province.parent_id) == ("山西省", DivisionLevel.PROVINCE, None)
    assert Division.objects.filter(level=DivisionLevel.TOWNSHIP).exclude(code__startswith=PROVINCE_CODE).count() == 0


@pytest.mark.django_db
def test_every_division_has_the_level_and_parent_its_code_names():
    mismatched = [
        code
        for code, level, parent in Division.objects.values_list("code", "level", "parent_id")
        if (code_level(code), parent_code(code)) != (level, parent)
    ]
    assert mismatched == []
