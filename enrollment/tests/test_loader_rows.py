"""The row checks of the registry and enrollment-history files of the bulk import, without the database."""

import datetime

from bulk.rules import header_positions
from enrollment.loaders.enrollment_history import ENROLLMENT_COLUMNS, enrollment_row_check
from enrollment.loaders.residents import RESIDENT_COLUMNS, resident_row_check
from enrollment.rules import id_number_compose

ID_NUMBER = id_number_compose(address_code="140621", birth_date=datetime.date(1988, 2, 29), sequence=12)
VILLAGE = "140621100201"
TODAY = datetime.date(2026, 12, 3)
ENROLLMENT_POSITIONS = {"身份证号": 0, "保险年度": 1, "缴费日期": 2, "个人缴费": 3, "状态": 4}


def test_the_header_is_found_by_any_usual_name_and_needs_every_required_column():
    assert header_positions(["序号", "公民身份号码", " 姓 名", "户籍地区划代码"], RESIDENT_COLUMNS) == {
        "身份证号": 1,
        "姓名": 2,
        "户籍地代码": 3,
    }
    assert header_positions(["身份证号", "姓名"], RESIDENT_COLUMNS) is None
    assert header_positions(["身份证号", "保险年度", "缴费日期"], ENROLLMENT_COLUMNS) is None


def test_a_good_registry_row_gives_the_facts_of_the_id_number():
    positions = {"身份证号": 0, "姓名": 1, "户籍地代码": 2}
    values, problem = resident_row_check(
        [ID_NUMBER.lower(), " 张三 ", VILLAGE], positions=positions, division_codes=frozenset({VILLAGE}), today=TODAY
    )
    assert problem == ""
    assert values == (ID_NUMBER, "张三", VILLAGE, "", None, "F", datetime.date(1988, 2, 29))


def test_an_id_number_excel_saved_back_to_csv_in_scientific_notation_is_named_as_such():
    positions = {"身份证号": 0, "姓名": 1, "户籍地代码": 2}
    for cell in ("1.40621E+17", " 1.40621199E+17 ", "1e+17"):
        values, problem = resident_row_check(
            [cell, "张三", VILLAGE], positions=positions, division_codes=frozenset(), today=TODAY
        )
        assert values is None
        assert problem.startswith("身份证号被Excel存成了数字，超过15位的数字已被改写，请将该列设为文本后重新录入。")


def test_r13_0_a_registry_row_born_after_today_is_refused():
    # given an ID number whose birth date is tomorrow
    born_tomorrow = id_number_compose(address_code="140621", birth_date=datetime.date(2026, 12, 4), sequence=12)
    # when
    values, problem = resident_row_check(
        [born_tomorrow, "张三", VILLAGE],
        positions={"身份证号": 0, "姓名": 1, "户籍地代码": 2},
        division_codes=frozenset({VILLAGE}),
        today=TODAY,
    )
    # then
    assert (values, problem) == (None, "身份证号中的出生日期（2026年12月4日）不能晚于今天（2026年12月3日）。")


def test_r13_0_enrollment_history_rows_are_dated_as_a_payment_at_the_window_is():
    def problem_of(year: str, paid_on: str) -> str:
        _values, problem = enrollment_row_check(
            [ID_NUMBER, year, paid_on, "400", "有效"],
            positions=ENROLLMENT_POSITIONS,
            subsidy_categories={},
            today=TODAY,
        )
        return problem

    assert problem_of("2027", "2026-11-20") == ""
    assert problem_of("2026", "2026-12-04") == "缴费日期（2026年12月4日）不能晚于今天（2026年12月3日）。"
    assert problem_of("2028", "2026-11-20") == "2028年度尚未开始征缴，目前最晚可办理2027年度的参保缴费。"
    assert problem_of("2026", "2024-12-31") == "缴费日期（2024-12-31）早于2025年1月1日，不能缴纳2026年度参保费。"
