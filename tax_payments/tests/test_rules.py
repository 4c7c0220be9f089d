"""The row checks of the tax bureau's payment records (征缴入库明细), without the database."""

import datetime
from decimal import Decimal

from bulk.rules import header_positions
from enrollment.rules import id_number_compose
from tax_payments.loaders import TAX_PAYMENT_COLUMNS, tax_payment_row_check

D = datetime.date
ID_NUMBER = id_number_compose(address_code="140621", birth_date=D(1985, 3, 12), sequence=17)
POSITIONS = {name: index for index, name in enumerate(column.name for column in TAX_PAYMENT_COLUMNS)}
TODAY = D(2026, 3, 1)


def check(*cells: object) -> tuple[tuple | None, str]:
    return tax_payment_row_check(list(cells), positions=POSITIONS, today=TODAY)


def test_the_header_is_found_by_the_names_the_tax_bureau_uses():
    header = ["序号", "电子税票号", "证件号码", "缴费人姓名", "所属年度", "实缴金额（元）", "缴款日期", "入库日期"]
    assert header_positions(header, TAX_PAYMENT_COLUMNS) == {
        "电子税票号码": 1,
        "身份证号": 2,
        "姓名": 3,
        "费款所属年度": 4,
        "实缴金额": 5,
        "缴费日期": 6,
        "入库日期": 7,
    }
    assert header_positions(["电子税票号码", "身份证号", "姓名", "实缴金额"], TAX_PAYMENT_COLUMNS) is None


def test_a_good_row_gives_the_values_to_stage():
    excel_date = datetime.datetime(2025, 11, 21)  # noqa: DTZ001 (openpyxl reads Excel's dates as naive datetimes)
    # when
    values, problem = check(
        " 314026251100000001 ", ID_NUMBER.lower(), " 王玉井 ", 2026, "400", "2025/11/20", excel_date
    )
    # then
    assert problem == ""
    assert values == (
        "314026251100000001",
        ID_NUMBER,
        "王玉井",
        2026,
        Decimal("400.00"),
        D(2025, 11, 20),
        D(2025, 11, 21),
    )
    assert check("A1", ID_NUMBER, "王玉井", "2026年", "400.5", "2025-11-20", "2025-11-20")[0] == (
        "A1", ID_NUMBER, "王玉井", 2026, Decimal("400.50"), D(2025, 11, 20), D(2025, 11, 20),
    )  # fmt: skip


def test_every_bad_cell_is_named_in_one_reason():
    # when
    values, problem = check("", ID_NUMBER[:-1] + "1", "", "26", "0", "2025-13-01", "")
    # then
    assert values is None
    assert problem == (
        "电子税票号码为空。身份证号校验位不正确，请核对后重新输入。姓名为空。费款所属年度「26」应为2000至2100之间的年份。"
        "实缴金额应大于0。缴费日期「2025-13-01」不是有效日期，请写成2026-01-01。入库日期为空。"
    )


def test_a_voucher_number_excel_has_rounded_is_refused():
    assert check(3.14026251100000e17, ID_NUMBER, "王玉井", "2026", "400", "2025-11-20", "2025-11-20") == (
        None,
        "电子税票号码被Excel存成了数字，超过15位的数字已被改写，请将该列设为文本后重新录入。",
    )
    assert check("3.14026E+17", ID_NUMBER, "王玉井", "2026", "400", "2025-11-20", "2025-11-20") == (
        None,
        "电子税票号码被Excel存成了数字，超过15位的数字已被改写，请将该列设为文本后重新录入。",
    )
    assert check(123456789012345, ID_NUMBER, "王玉井", "2026", "400", "2025-11-20", "2025-11-20")[0][0] == (
        "123456789012345"
    )
    assert check("3140 2625", ID_NUMBER, "王玉井", "2026", "400", "2025-11-20", "2025-11-20") == (
        None,
        "电子税票号码「3140 2625」只能包含数字和字母，且不超过32位。",
    )


def test_the_year_the_amount_and_the_dates_must_agree():
    # a deposit before the payment, a year two years ahead, a deposit after today, a negative amount
    assert check("1", ID_NUMBER, "王玉井", "2027", "400", "2025-11-20", "2025-11-19") == (
        None,
        "费款所属年度2027年晚于缴费日期2025-11-20的次年，不能预缴两年以后的费款。入库日期2025-11-19早于缴费日期2025-11-20。",
    )
    assert check("1", ID_NUMBER, "王玉井", "2026", "-400", "2026-02-20", "2026-03-02") == (
        None,
        "实缴金额「-400」应为不小于0的金额。入库日期（2026年3月2日）不能晚于今天（2026年3月1日）。",
    )
    # a back-payment of an earlier year and a student paying the next year are accepted
    assert check("1", ID_NUMBER, "王玉井", "2024", "380", "2026-02-20", "2026-02-21")[1] == ""
    assert check("1", ID_NUMBER, "王玉井", "2027", "400", "2026-02-20", "2026-02-21")[1] == ""
