"""The corpus of bad files every import is tried with, built in code: no binary file is committed.

Each import is described by its layout (`Layout`: the header of its template, a few good rows of synthetic people
and divisions of 山阴县, and which of its columns takes an ID number, a formula, a merge). The same transformations
are applied to every layout:

- `wrong_header`: the columns under names the import does not know;
- `gbk_csv`: the good rows as a CSV in GBK, as WPS and Excel on Chinese Windows save it;
- `formula_as_text`: a text cell that begins with "=" (`=HYPERLINK(…)`), as Excel keeps a formula typed into a text
  cell; `formula_cell`: a real formula, with or without the value Excel caches next to it;
- `id_as_number`: an 18-digit ID number (or the tax bureau's 18-digit voucher number) that Excel stored as a number
  (15 significant digits, then zeros);
- `merged`: a column merged over two data rows (openpyxl `merge_cells`): only the first keeps its value;
- `empty_rows`: blank rows between the data rows;
- `registry_csv_rows`, `tax_payment_csv_rows`, `identity_list_csv_rows`: 100,000-row files of the bulk path with one
  bad row, streamed to a file (`big_csv_write`).

Run `python -m tests.bad_files DIRECTORY` (in the project's environment) to write the corpus out and try it by hand
on the import pages; the people of `PEOPLE` must then be in the registry for the rows to be good (and the people of
the good 100,000-row registry for the 100,000-row identity list).
"""

import csv
import datetime
import io
import re
import sys
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from enrollment.rules import id_number_compose

SHANYIN = "140621"
YUJING_TOWN = "140621100"  # 玉井镇
BEIZHOUZHUANG_TOWN = "140621101"  # 北周庄镇
YUJING_VILLAGE = "140621100200"  # 玉井村委会
SHUITOU_VILLAGE = "140621100201"  # 水头村委会
BEIZHOUZHUANG_VILLAGE = "140621101200"  # 北周庄村委会
HYPERLINK = '=HYPERLINK("http://example.com/x","点此查看")'
D = datetime.date


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    village: str
    phone: str = ""

    @property
    def township(self) -> str:
        return self.village[:9]


def _person(name: str, birth_date: datetime.date, sequence: int, village: str, phone: str = "") -> Person:
    return Person(
        name, id_number_compose(address_code=SHANYIN, birth_date=birth_date, sequence=sequence), village, phone
    )


PEOPLE = (
    _person("王秀英", D(1960, 3, 1), 12, YUJING_VILLAGE, "13903500001"),
    _person("李建国", D(1972, 8, 15), 31, YUJING_VILLAGE),
    _person("张桂兰", D(1985, 11, 30), 44, SHUITOU_VILLAGE, "13903500003"),
    _person("刘志强", D(1990, 1, 9), 57, BEIZHOUZHUANG_VILLAGE),
)
MOTHERS = (
    _person("赵玉梅", D(1994, 2, 3), 22, YUJING_VILLAGE),
    _person("陈海燕", D(1996, 5, 6), 44, SHUITOU_VILLAGE),
    _person("杨淑珍", D(1998, 8, 9), 66, BEIZHOUZHUANG_VILLAGE),
)


def wrong_check_digit(id_number: str) -> str:
    """The ID number with another check character: valid in form, refused by GB 11643."""
    return id_number[:17] + ("0" if id_number[17] != "0" else "1")


def voucher_number(number: int) -> str:
    """An 18-digit electronic tax voucher number (电子税票号码), as the tax bureau's file gives it."""
    return f"3140262511{number:08d}"


def excel_number(digits: str) -> float:
    """What Excel keeps of an ID number (or any long number) typed into a number cell: 15 significant digits, then
    zeros."""
    return float(digits[:15] + "0" * (len(digits) - 15))


# --- Cells and files ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A real formula cell. `cached` is the value Excel saves next to it (openpyxl saves none: a reader that takes
    the values then reads an empty cell)."""

    text: str
    cached: str | int | None = None


def xlsx(rows: Sequence[Sequence[object]], *, merged: Sequence[str] = ()) -> bytes:
    """An xlsx of `rows` on its first sheet. A string that begins with "=" is a text cell, as Excel keeps a formula
    typed into a cell formatted as text; a `Formula` is a formula. `merged`: ranges such as "C3:C4"."""
    workbook = Workbook()
    sheet = workbook.active
    cached: dict[str, str | int] = {}
    for row_number, row in enumerate(rows, start=1):
        for column_number, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=row_number, column=column_number)
            if isinstance(value, Formula):
                cell.value = value.text
                if value.cached is not None:
                    cached[cell.coordinate] = value.cached
            else:
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"
    for cell_range in merged:
        sheet.merge_cells(cell_range)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _with_cached_values(buffer.getvalue(), cached) if cached else buffer.getvalue()


def _with_cached_values(content: bytes, cached: dict[str, str | int]) -> bytes:
    """The workbook with each formula's cached value written next to it, as Excel saves it."""
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for coordinate, value in cached.items():
                    kind = ' t="str"' if isinstance(value, str) else ""
                    text = re.sub(
                        rf'<c r="{coordinate}"([^>]*)><f>(.*?)</f><v\s*/>',
                        rf'<c r="{coordinate}"\1{kind}><f>\2</f><v>{value}</v>',
                        text,
                    )
                data = text.encode()
            target.writestr(item, data)
    return output.getvalue()


def csv_bytes(rows: Sequence[Sequence[object]], *, encoding: str = "utf-8-sig") -> bytes:
    """The rows as Excel saves a sheet as CSV: every line as wide as the widest (a title line ends in commas)."""
    width = max(len(row) for row in rows)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(
        ["" if cell is None else cell for cell in row] + [""] * (width - len(row)) for row in rows
    )
    return buffer.getvalue().encode(encoding)


# --- The layouts of the imports -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """An import's file: its header and good rows, and the columns the bad files change."""

    name: str
    file_stem: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]  # the cells as written: text, numbers, dates
    wrong_header: tuple[str, ...]
    formula_column: str  # a column a formula is typed into
    merge_column: str  # a column with the same value in the first two data rows, merged in `merged`
    id_column: str | None = None  # the ID number column, when the file has one
    voucher_column: str | None = None  # the tax voucher number column, when the file has one
    formula_row: int = 0  # the data row (from 0) the formula is typed in: one whose formula column has a value
    formula_text: str = HYPERLINK
    title: tuple[str, ...] = field(default=())  # a title row above the header, when the template has one

    def column(self, name: str) -> int:
        return self.header.index(name)

    def lines(self, rows: Sequence[Sequence[object]] | None = None) -> list[list[object]]:
        """The file's lines: title (if any), header, rows."""
        title: list[list[object]] = [list(self.title)] if self.title else []
        return [*title, list(self.header), *(list(row) for row in (self.rows if rows is None else rows))]

    @property
    def first_data_line(self) -> int:
        return 3 if self.title else 2

    def with_cell(self, row: int, column: str, value: object) -> list[list[object]]:
        """The good rows with one cell changed (`row` counts data rows from 0)."""
        rows = [list(line) for line in self.rows]
        rows[row][self.column(column)] = value
        return rows


def identity_list_layout() -> Layout:
    """A 民政 list of 低保 and 特困 (subsidies.services.identity_list_preview)."""
    wang, li, zhang, _ = PEOPLE
    return Layout(
        name="identity_list",
        file_stem="民政名单",
        header=("序号", "姓名", "身份证号", "身份类别", "有效期起", "有效期止"),
        rows=(
            (1, wang.name, wang.id_number, "低保", "2025-01-01", None),
            (2, li.name, li.id_number, "低保", "2025-03-01", "2026-12-31"),
            (3, zhang.name, zhang.id_number, "特困人员", None, None),
        ),
        wrong_header=("序号", "名称", "证件", "类型", "起", "止"),
        formula_column="姓名",
        merge_column="身份类别",
        id_column="身份证号",
    )


def birth_layout() -> Layout:
    """A day's births of the county from the health commission (newborns.services.birth_import_preview)."""
    return Layout(
        name="birth",
        file_stem="出生信息",
        header=(
            "出生医学证明编号",
            "新生儿姓名",
            "性别",
            "出生日期",
            "母亲身份证号",
            "身份证号",
            "户籍地代码",
            "登记日期",
        ),
        rows=(
            ("P140000001", "王小满", "男", "2026-11-20", MOTHERS[0].id_number, None, YUJING_VILLAGE, "2026-11-25"),
            ("P140000002", "李小雪", "女", "2026-11-21", MOTHERS[1].id_number, None, YUJING_VILLAGE, "2026-11-24"),
            ("P140000003", "杨小北", "男", "2026-10-02", MOTHERS[2].id_number, None, BEIZHOUZHUANG_TOWN, "2026-10-10"),
        ),
        wrong_header=("证书编号", "宝宝", "性别", "生日", "母亲证件", "证件", "地区", "日期"),
        formula_column="新生儿姓名",
        merge_column="户籍地代码",
        id_column="母亲身份证号",
    )


def uninsured_push_layout() -> Layout:
    """The province's list of people found uninsured (uninsured.services.lists.uninsured_push_check)."""
    wang, li, zhang, liu = PEOPLE
    return Layout(
        name="uninsured_push",
        file_stem="未参保名单",
        header=("乡镇代码", "乡镇", "村（社区）代码", "姓名", "身份证号", "联系电话"),
        rows=(
            (YUJING_TOWN, None, wang.village, wang.name, wang.id_number, wang.phone),
            (YUJING_TOWN, None, li.village, li.name, li.id_number, None),
            (YUJING_TOWN, None, zhang.village, zhang.name, zhang.id_number, zhang.phone),
            (BEIZHOUZHUANG_TOWN, None, liu.village, liu.name, liu.id_number, None),
        ),
        wrong_header=("乡镇编号", "乡", "村编号", "名字", "证件", "手机"),
        formula_column="姓名",
        merge_column="乡镇代码",
        id_column="身份证号",
    )


def uninsured_ledger_layout() -> Layout:
    """A township's ledger filled in and sent back (uninsured.services.imports.uninsured_ledger_import_check): the
    people of 玉井镇 in `PEOPLE`, on the ledger of 2026."""
    wang, li, zhang, _ = PEOPLE
    return Layout(
        name="uninsured_ledger",
        file_stem="玉井镇台账",
        header=(
            "序号",
            "姓名",
            "公民身份号码",
            "联系电话",
            "村（社区）",
            "未参保原因",
            "核实状态",
            "联系结果",
            "动员情况",
            "参保日期",
            "工作步骤",
            "异地参保地",
            "动员情况（系统记录）",  # written by the export, read by no import
        ),
        rows=(
            (
                1,
                wang.name,
                wang.id_number,
                wang.phone,
                "玉井村委会",
                "本人不愿参保",
                "核实未参保",
                "已联系上",
                "多次上门，本人暂不愿参保",
                None,
                "精准摸排",
                None,
            ),
            (
                2,
                li.name,
                li.id_number,
                None,
                "玉井村委会",
                "已在外地参保",
                "核实未参保",
                "已联系上",
                None,
                None,
                "汇总反馈",
                "北京市",
            ),
            (
                3,
                zhang.name,
                zhang.id_number,
                zhang.phone,
                "水头村委会",
                "联系不上",
                "待核实",
                "未联系",
                None,
                None,
                "精准摸排",
                None,
            ),
        ),
        wrong_header=("编号", "名字", "证件", "电话", "村", "原因说明", "状态", "结果", "说明", "日期", "环节", "外地"),
        formula_column="动员情况",
        merge_column="核实状态",
        id_column="公民身份号码",
        title=("玉井镇2026年度未参保人员台账",),
    )


# 朔州市's 2026 target of 6000 newborns split among its counties; two equal shares, so that a merge is natural.
SPLIT = (
    ("140602", "朔城区", 1500),
    ("140603", "平鲁区", 600),
    ("140621", "山阴县", 700),
    ("140622", "应县", 900),
    ("140623", "右玉县", 250),
    ("140671", "山西朔州经济开发区", 250),
    ("140681", "怀仁市", 1800),
)


def target_split_layout() -> Layout:
    """A city's split of its newborn target among its counties (targets.services.split.target_split_file_preview).
    The merge is over 右玉县 and 140671, whose shares are equal."""
    rows = tuple((code, name, value) for code, name, value in SPLIT)
    # The rows whose 目标人数 are merged are the fifth and sixth: the layout lists them first so that `merged` works
    # on the first two data rows like every other layout.
    ordered = (rows[4], rows[5], *rows[:4], rows[6])
    return Layout(
        name="target_split",
        file_stem="朔州市目标分解",
        header=("区县代码", "区县", "目标人数"),
        rows=ordered,
        wrong_header=("编码", "县", "人数"),
        formula_column="目标人数",
        formula_text="=SUM(C3:C4)",
        merge_column="目标人数",
        title=("朔州市2026年度资助新生儿参保目标分解",),
    )


def baseline_layout() -> Layout:
    """The province's population baselines (targets.services.baselines.baseline_file_preview)."""
    return Layout(
        name="baseline",
        file_stem="人口基数",
        header=("区划代码", "区划名称", "年度", "户籍人口", "常住人口", "参加职工医保人数", "数据来源"),
        rows=(
            ("140621", "山阴县", 2026, 228000, 201000, 31000, "朔州统计年鉴2025"),
            ("140602", "朔城区", 2026, 510000, None, 90000, "朔州统计年鉴2025"),
            ("1406", "朔州市", 2026, "1,750,000", None, 260000, "朔州统计年鉴2025"),
        ),
        wrong_header=("编码", "地区", "年", "人口", "常住", "职工", "来源说明"),
        formula_column="数据来源",
        merge_column="年度",
    )


def registry_layout() -> Layout:
    """A county's resident registry for the bulk path (bulk.services.bulk_import_run, resident_registry)."""
    return Layout(
        name="registry",
        file_stem="户籍人口",
        header=("身份证号", "姓名", "户籍地代码", "联系电话", "居住地代码"),
        rows=tuple((person.id_number, person.name, person.village, person.phone, None) for person in PEOPLE),
        wrong_header=("证件号码", "名字", "村", "电话", "居住地"),
        formula_column="姓名",
        merge_column="户籍地代码",
        id_column="身份证号",
    )


def enrollment_history_layout() -> Layout:
    """Years of enrollment history for the bulk path (bulk.services.bulk_import_run, enrollment_history); the people
    of `PEOPLE` must be in the registry."""
    wang, li, zhang, liu = PEOPLE
    return Layout(
        name="enrollment_history",
        file_stem="历史参保",
        header=("身份证号", "保险年度", "缴费日期", "个人缴费", "资助金额", "资助类别", "待遇开始", "待遇截止", "状态"),
        rows=(
            (wang.id_number, "2024", "2023-11-20", "380.00", "0", None, "2024-01-01", "2024-12-31", "有效"),
            (li.id_number, "2024", "2023-12-05", "80", "300", "低保对象", "2024-01-01", "2024-12-31", "有效"),
            (zhang.id_number, "2025", "2024-10-08", "400", None, None, "2025-01-01", "2025-12-31", None),
            (liu.id_number, "2025", "2025-03-01", "400", "0", None, None, None, "已退费"),
        ),
        wrong_header=("证件号码", "年度", "日期", "金额", "资助", "类别", "开始", "截止", "参保状态说明"),
        formula_column="资助类别",
        formula_row=1,
        merge_column="保险年度",
        id_column="身份证号",
    )


def tax_payments_layout() -> Layout:
    """The tax bureau's payments deposited in the treasury for the bulk path (bulk.services.bulk_import_run,
    tax_payments); people the registry does not know are recorded with their match status, not refused."""
    wang, li, zhang, liu = PEOPLE
    return Layout(
        name="tax_payments",
        file_stem="征缴入库明细",
        header=("电子税票号码", "身份证号", "姓名", "费款所属年度", "实缴金额", "缴费日期", "入库日期"),
        rows=(
            (voucher_number(1), wang.id_number, wang.name, "2026", "400.00", "2025-11-20", "2025-11-21"),
            (voucher_number(2), li.id_number, li.name, "2026", "400", "2025-11-20", "2025-11-21"),
            (voucher_number(3), zhang.id_number, zhang.name, "2026", "380", "2025-12-01", "2025-12-02"),
            (voucher_number(4), liu.id_number, liu.name, "2025", "400", "2025-03-01", "2025-03-03"),
        ),
        wrong_header=("税票", "证件", "名称", "年份", "金额", "缴款日", "入库日"),
        formula_column="姓名",
        merge_column="费款所属年度",
        id_column="身份证号",
        voucher_column="电子税票号码",
    )


def bulk_identity_list_layout() -> Layout:
    """A 民政 list of 低保 and 特困 for the bulk path (bulk.services.bulk_import_run, identity_list), in the columns of
    the bulk template; the people of `PEOPLE` must be in the registry."""
    wang, li, zhang, _ = PEOPLE
    return Layout(
        name="bulk_identity_list",
        file_stem="民政名单-批量",
        header=("身份证号", "姓名", "身份类别", "残疾等级", "有效期起", "有效期止"),
        rows=(
            (wang.id_number, wang.name, "低保", None, "2025-01-01", None),
            (li.id_number, li.name, "低保", None, "2025-03-01", "2026-12-31"),
            (zhang.id_number, zhang.name, "特困人员", None, None, None),
        ),
        wrong_header=("证件", "名称", "类型", "级别", "起", "止"),
        formula_column="姓名",
        merge_column="身份类别",
        id_column="身份证号",
    )


LAYOUTS = {
    layout.name: layout
    for layout in (
        identity_list_layout(),
        birth_layout(),
        uninsured_push_layout(),
        uninsured_ledger_layout(),
        target_split_layout(),
        baseline_layout(),
        registry_layout(),
        enrollment_history_layout(),
        tax_payments_layout(),
        bulk_identity_list_layout(),
    )
}


# --- The bad files ------------------------------------------------------------------------------------------------


def good(layout: Layout) -> bytes:
    return xlsx(layout.lines())


def wrong_header(layout: Layout) -> bytes:
    return xlsx(replace(layout, header=layout.wrong_header).lines())


def gbk_csv(layout: Layout) -> bytes:
    return csv_bytes(layout.lines(), encoding="gbk")


def formula_as_text(layout: Layout) -> bytes:
    """The formula typed into a text cell of the formula column."""
    return xlsx(layout.lines(layout.with_cell(layout.formula_row, layout.formula_column, layout.formula_text)))


def formula_in_csv(layout: Layout) -> bytes:
    """The same as a CSV line: a CSV has no formulas, the cell is its text."""
    return csv_bytes(layout.lines(layout.with_cell(layout.formula_row, layout.formula_column, layout.formula_text)))


def formula_cell(layout: Layout, *, cached: bool) -> bytes:
    """A real formula in the formula column; `cached`: with the value Excel shows, the row's own value."""
    value = layout.rows[layout.formula_row][layout.column(layout.formula_column)]
    formula = Formula(layout.formula_text, cached=value if cached else None)
    return xlsx(layout.lines(layout.with_cell(layout.formula_row, layout.formula_column, formula)))


def id_as_number(layout: Layout, *, row: int = 1, column: str | None = None) -> bytes:
    """The long number of `column` (the ID number column unless told) of one row as Excel stores it in a number
    cell."""
    column = column or layout.id_column
    assert column is not None
    number = str(layout.rows[row][layout.column(column)])
    return xlsx(layout.lines(layout.with_cell(row, column, excel_number(number))))


def merged(layout: Layout) -> bytes:
    """`merge_column` merged over the first two data rows: the second row's cell reads empty."""
    position = layout.column(layout.merge_column)
    assert layout.rows[0][position] == layout.rows[1][position], "a merge keeps one value for equal cells"
    letter = chr(ord("A") + position)
    first = layout.first_data_line
    return xlsx(layout.lines(), merged=[f"{letter}{first}:{letter}{first + 1}"])


def empty_rows(layout: Layout, *, bad: tuple[int, str, object] | None = None) -> bytes:
    """A blank row after the first data row and two after the second; `bad` (row, column, value) spoils one cell."""
    rows: list[Sequence[object]] = [list(row) for row in (layout.with_cell(*bad) if bad else layout.rows)]
    blank = [None] * len(layout.header)
    rows = [rows[0], blank, rows[1], blank, [" ", *blank[1:]], *rows[2:]]
    return xlsx(layout.lines(rows))


# --- The big file -------------------------------------------------------------------------------------------------

SURNAMES = "王李张刘陈杨赵黄周吴"
GIVEN_NAMES = ("秀英", "建国", "桂兰", "志强", "玉梅", "海燕", "永红", "德胜", "淑珍", "晓东")


def synthetic_person(number: int, *, bad: bool = False) -> tuple[str, str]:
    """(ID number, name) of the synthetic person of 山阴县 numbered `number`; `bad`: the ID number with a wrong check
    digit."""
    birth_date = D(1930, 1, 1) + datetime.timedelta(days=number % 30000)
    id_number = id_number_compose(address_code=SHANYIN, birth_date=birth_date, sequence=number // 30000 + 1)
    if bad:
        id_number = wrong_check_digit(id_number)
    return id_number, SURNAMES[number % 10] + GIVEN_NAMES[(number // 10) % 10]


def synthetic_people(*, count: int, bad_line: int) -> Iterator[tuple[int, str, str]]:
    """(number, ID number, name) of `count` synthetic people numbered from 1, the person of number n on file line
    n + 1 (under a header line); the person on line `bad_line` has a wrong check digit (nobody's when 0)."""
    for number in range(1, count + 1):
        yield number, *synthetic_person(number, bad=number + 1 == bad_line)


def registry_csv_rows(*, count: int, villages: Sequence[str], bad_line: int) -> Iterator[list[str]]:
    """A registry of `count` synthetic people of 山阴县 (a header line, then one line each); the person on file line
    `bad_line` has a wrong check digit."""
    yield list(registry_layout().header)
    for number, id_number, name in synthetic_people(count=count, bad_line=bad_line):
        yield [id_number, name, villages[number % len(villages)], "", ""]


def tax_payment_csv_rows(*, count: int, bad_line: int) -> Iterator[list[str]]:
    """The 2026 contributions of the people of `registry_csv_rows`, one voucher each; the ID number on file line
    `bad_line` has a wrong check digit."""
    yield list(tax_payments_layout().header)
    for number, id_number, name in synthetic_people(count=count, bad_line=bad_line):
        yield [voucher_number(number), id_number, name, "2026", "400", "2025-11-20", "2025-11-21"]


def identity_list_csv_rows(*, count: int, bad_line: int) -> Iterator[list[str]]:
    """The people of `registry_csv_rows` on a 民政 list of 低保; the ID number on file line `bad_line` has a wrong
    check digit."""
    yield list(bulk_identity_list_layout().header)
    for _, id_number, name in synthetic_people(count=count, bad_line=bad_line):
        yield [id_number, name, "低保", "", "", ""]


def big_csv_write(path: Path, rows: Iterator[list[str]]) -> Path:
    """Lines of one of the generators above streamed to a UTF-8 CSV, as Excel saves it."""
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream, lineterminator="\r\n").writerows(rows)
    return path


def registry_csv_write(path: Path, *, count: int, villages: Sequence[str], bad_line: int) -> Path:
    return big_csv_write(path, registry_csv_rows(count=count, villages=villages, bad_line=bad_line))


def corpus() -> Iterator[tuple[str, bytes]]:
    """Every bad file of every layout, with a file name saying what it is."""
    for layout in LAYOUTS.values():
        yield f"{layout.file_stem}-好文件.xlsx", good(layout)
        yield f"{layout.file_stem}-表头错误.xlsx", wrong_header(layout)
        yield f"{layout.file_stem}-GBK.csv", gbk_csv(layout)
        yield f"{layout.file_stem}-公式文本.xlsx", formula_as_text(layout)
        yield f"{layout.file_stem}-公式文本.csv", formula_in_csv(layout)
        yield f"{layout.file_stem}-公式有缓存值.xlsx", formula_cell(layout, cached=True)
        yield f"{layout.file_stem}-公式无缓存值.xlsx", formula_cell(layout, cached=False)
        if layout.id_column:
            yield f"{layout.file_stem}-身份证号存成数字.xlsx", id_as_number(layout)
        if layout.voucher_column:
            yield f"{layout.file_stem}-税票号码存成数字.xlsx", id_as_number(layout, column=layout.voucher_column)
        yield f"{layout.file_stem}-合并单元格.xlsx", merged(layout)
        yield f"{layout.file_stem}-空行.xlsx", empty_rows(layout)


if __name__ == "__main__":
    directory = Path(sys.argv[1] if len(sys.argv) > 1 else "bad-files")
    directory.mkdir(parents=True, exist_ok=True)
    for file_name, content in corpus():
        (directory / file_name).write_bytes(content)
    villages = (YUJING_VILLAGE, SHUITOU_VILLAGE, BEIZHOUZHUANG_VILLAGE)
    registry_csv_write(directory / "户籍人口-10万行含1行错误.csv", count=100_000, villages=villages, bad_line=99_991)
    registry_csv_write(directory / "户籍人口-10万行.csv", count=100_000, villages=villages, bad_line=0)
    for file_name, rows in (
        ("征缴入库明细-10万行含1行错误.csv", tax_payment_csv_rows(count=100_000, bad_line=99_991)),
        ("民政名单-批量-10万行含1行错误.csv", identity_list_csv_rows(count=100_000, bad_line=99_991)),
    ):
        big_csv_write(directory / file_name, rows)
    print(f"{directory}: {len(list(directory.iterdir()))} files")
