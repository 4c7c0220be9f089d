"""A report on its page (core.reports.report_page_table and templates/core/report_table.html): the file's columns,
rows, subtotals and 合计 row, each value written as the page shows it."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from core.reports import (
    MONEY_FORMAT,
    PERCENT_FORMAT,
    Column,
    PageCell,
    Report,
    RowLink,
    Subtotal,
    cell_text,
    number_text,
    report_page_table,
    signed_format,
)

SETTLED = signed_format(positive="补拨", negative="扣回", zero="持平")


def ledger(**changes: object) -> Report:
    fields: dict[str, object] = {
        "title": "朔州市2026年度拨付情况表",
        "unit": "朔州市",
        "as_of": datetime.date(2026, 11, 26),
        "columns": [
            Column("区县", 16),
            Column("应拨金额（元）", 16),
            Column("结算金额（元）", 16, SETTLED),
            Column("状态", 12, badges={"已拨付": "success"}),
        ],
        "rows": [
            ["山阴县", Decimal("140000.00"), Decimal("-139400.00"), "已拨付"],
            ["应县", Decimal("1234567.5"), Decimal("0.00"), "待拨付"],
        ],
        "totals": ["", Decimal("1374567.50"), Decimal("-139400.00"), ""],
    }
    return Report(**{**fields, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (Decimal("1234567.5"), MONEY_FORMAT, "1,234,567.50"),
        (Decimal("-90.5"), MONEY_FORMAT, "-90.50"),
        (Decimal("0.9512"), PERCENT_FORMAT, "95.12%"),
        (0.5, PERCENT_FORMAT, "50.00%"),
        (Decimal("0.12345"), PERCENT_FORMAT, "12.35%"),
        (Decimal("-139400.00"), SETTLED, "扣回 139,400.00"),
        (Decimal("200.00"), SETTLED, "补拨 200.00"),
        (Decimal("0.00"), SETTLED, "持平"),
        (12, "0", "12"),
        (123456, "0", "123456"),
    ],
)
def test_a_number_is_written_as_its_excel_format_shows_it_with_its_thousands_separators(value, number_format, text):
    assert number_text(value, number_format) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("140621199001010011", "140621199001010011"),
        (6000, "6,000"),
        (Decimal("400"), "400.00"),
        (Decimal("1200000"), "1,200,000.00"),
        (datetime.date(2026, 1, 5), "2026-01-05"),
        (datetime.datetime(2026, 1, 5, 1, 3, tzinfo=datetime.UTC), "2026-01-05 09:03"),
        (True, "是"),
    ],
)
def test_a_value_without_a_column_format_is_written_as_its_type_asks(value, text):
    assert cell_text(value) == text


def test_the_page_table_has_the_reports_headers_numbered_rows_and_totals():
    # when
    table = report_page_table(ledger())
    # then
    assert table.headers == ["区县", "应拨金额（元）", "结算金额（元）", "状态"]
    assert [(row.label, [cell.text for cell in row.cells]) for row in table.rows] == [
        ("1", ["山阴县", "140,000.00", "扣回 139,400.00", "已拨付"]),
        ("2", ["应县", "1,234,567.50", "持平", "待拨付"]),
    ]
    assert table.rows[0].cells == [
        PageCell("山阴县"),
        PageCell("140,000.00", numeric=True),
        PageCell("扣回 139,400.00", numeric=True, tone="down"),
        PageCell("已拨付", badge="success"),
    ]
    assert (table.totals.label, [cell.text for cell in table.totals.cells]) == (
        "合计",
        ["", "1,374,567.50", "扣回 139,400.00", ""],
    )
    assert (table.subtotals, table.has_links, table.rows[0].keys, table.rows[0].link) == ([], False, {}, None)


def test_without_totals_the_page_counts_the_rows_as_the_file_does():
    table = report_page_table(ledger(totals=None, rows=(row for row in [["山阴县", None, None, ""]])))
    assert [cell.text for cell in table.totals.cells] == ["1 人", "", "", ""]


def test_a_later_page_of_a_list_numbers_its_rows_on_from_its_first_number():
    table = report_page_table(ledger(first_number=51))
    assert [row.label for row in table.rows] == ["51", "52"]
    assert table.totals.label == "合计"


def test_the_partial_renders_keys_links_badges_subtotals_and_totals():
    # given a report with a subtotal, the rows' keys and a link on the first row only
    report = ledger(
        subtotals=[Subtotal("省级小计", ["", Decimal("140000.00"), Decimal("200.00"), ""])],
        row_keys=[{"county": "140621"}, {"county": "140622"}],
        row_links=[RowLink("录入", "/reports/fiscal/transfers/new/?year=2026&county=140621"), None],
    )
    # when
    html = render_to_string("core/report_table.html", {"table": report_page_table(report), "id": "ledger"})
    # then
    assert '<table class="table table-sm table-bordered report-table" id="ledger">' in html
    assert (
        '<thead class="table-light"><tr><th>序号</th><th>区县</th><th>应拨金额（元）</th><th>结算金额（元）</th>'
        '<th>状态</th><th class="no-print"></th></tr></thead>'
    ) in html
    assert (
        '<tr data-county="140621"><td>1</td><td class="text-nowrap">山阴县</td>'
        '<td class="text-nowrap text-end">140,000.00</td>'
        '<td class="text-nowrap text-end text-danger">扣回 139,400.00</td>'
        '<td class="text-nowrap"><span class="badge text-bg-success">已拨付</span></td>'
        '<td class="no-print"><a href="/reports/fiscal/transfers/new/?year=2026&amp;county=140621">录入</a></td></tr>'
    ) in html
    assert '<tr data-county="140622"><td>2</td>' in html
    assert '<td class="text-nowrap">待拨付</td><td class="no-print"></td></tr>' in html
    assert '<tr class="fw-bold"><td>省级小计</td>' in html
    assert '<td class="text-nowrap text-end text-success">补拨 200.00</td>' in html
    assert '<tr class="fw-bold"><td>合计</td><td class="text-nowrap"></td>' in html


def test_the_partial_says_when_there_are_no_rows():
    html = render_to_string("core/report_table.html", {"table": report_page_table(ledger(rows=[])), "empty": "无"})
    assert '<tr><td colspan="5" class="text-center text-muted">无</td></tr>' in html
