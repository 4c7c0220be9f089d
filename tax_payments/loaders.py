"""The tax bureau's payments deposited in the treasury (征缴入库明细): the set-based checks, the load and the match.

Each good row becomes one TaxPaymentRecord of the importing county, keyed by its voucher number (电子税票号码). A
voucher already recorded with the same figures is skipped ("该税票已导入"), so the same file imported twice writes
nothing; the same voucher with other figures refuses the file. People the registry does not know, or knows in
another county, do not refuse the file: what the tax bureau deposited is a fact the bureau reconciles, so they are
recorded with their match status.

The match (对账) compares, for one person (ID number) and insurance year of the county, the sum of the amounts of
all the person's vouchers for that year with what the person had to pay for their active enrollment of that year:

    个人应缴 (individual_due) + 补缴 (back_payment_due)

- individual_due is the person's share after any hardship subsidy (R6): the subsidy is paid by the
  medical-assistance fund (R6.3), not by the person through the tax bureau, so it is not compared.
- back_payment_due is the back-payment of missed years (R4.5), paid by the person (never subsidised, R6.4) together
  with the enrollment or later (back_payment_add adds it to the same enrollment); the tax bureau collects it like
  the contribution, often on a voucher of its own.
- the accident top-up (R13.2) is an optional supplementary insurance recorded with the payment, not part of the
  resident contribution the tax bureau collects and deposits (our reading); it is not compared.

Summing the vouchers of the person-year makes a later back-payment voucher match together with the contribution
voucher, and shows a payment made twice as "金额不符" (多 400.00 元), the first of the refund reasons of R12.1. All
the records of a person-year therefore carry one status and one explanation. The channel of the enrollment is not
compared: contributions recorded at the window are collected by the tax bureau too.

Statuses: not in the registry (档案中无此人); registered with neither household nor residence in the county
(外县参保人员, not compared); no active enrollment for the year (无参保记录, the explanation says when the year's
enrollment was refunded); amounts equal (已对上) or not (金额不符). The match is one UPDATE … FROM statement over the
person-years concerned, for either backend: those of a job when it is loaded, and those of a county and year not
yet matched when the clerk re-runs it after recording enrollments (tax_payments.services).
"""

import datetime
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone

from bulk.models import BulkImportKind
from bulk.registry import BulkLoader, register_loader
from bulk.rules import (
    FIRST_YEAR,
    LAST_YEAR,
    REASON_SEPARATOR,
    Column,
    cell_at,
    cell_text_at,
    date_check,
    money_check,
    name_problems,
)
from bulk.staging import (
    OUTCOME_ERROR,
    OUTCOME_SKIP,
    Stage,
    StageColumn,
    date_column,
    mark_duplicates,
    money_column,
    text_column,
)
from core.tabular import EXCEL_SCIENTIFIC_NOTATION, cell_text, stored_as_number_message
from divisions.models import Division
from enrollment.loaders.cells import id_number_check, record_date_problem
from enrollment.models import Enrollment, EnrollmentStatus, Resident

from .models import TaxPaymentMatch, TaxPaymentRecord

ALREADY_IMPORTED = "该税票已导入"
VOUCHER_CONFLICT = (
    "该电子税票号码已导入，但身份证号、费款所属年度、实缴金额或日期与已导入的记录不同，请与税务部门核实。"
)
STAGE_NAMES = ["voucher_number", "id_number", "name", "insurance_year", "amount", "paid_on", "deposited_on"]

TAX_PAYMENT_STAGE_COLUMNS = (
    text_column("voucher_number", 32),
    text_column("id_number", 18),
    text_column("name", 64),
    StageColumn("insurance_year", "smallint", "integer"),
    money_column("amount"),
    date_column("paid_on"),
    date_column("deposited_on"),
)


TAX_PAYMENT_COLUMNS = (
    Column("电子税票号码", ("电子税票号码", "电子税票号", "税票号码", "税票号")),
    Column("身份证号", ("身份证号", "公民身份号码", "身份证号码", "证件号码")),
    Column("姓名", ("姓名", "缴费人姓名", "缴费人")),
    Column("费款所属年度", ("费款所属年度", "所属年度", "保险年度", "参保年度")),
    Column("实缴金额", ("实缴金额", "实缴金额（元）", "实缴金额(元)", "缴费金额", "入库金额")),
    Column("缴费日期", ("缴费日期", "缴款日期")),
    Column("入库日期", ("入库日期",)),
)
VOUCHER_PATTERN = re.compile(r"^[0-9A-Za-z-]{1,32}$")
EXACT_DIGITS_OF_A_NUMBER_CELL = 15  # Excel keeps 15 significant digits of a number


def voucher_number_check(value: object) -> str | tuple[str]:
    """(voucher number,) of a cell, or the reason it is not one."""
    if (
        isinstance(value, float)
        or (isinstance(value, int) and len(str(abs(value))) > EXACT_DIGITS_OF_A_NUMBER_CELL)
        or (isinstance(value, str) and EXCEL_SCIENTIFIC_NOTATION.match(value.strip()))
    ):
        return stored_as_number_message(column="电子税票号码")
    text = cell_text(value)
    if not text:
        return "电子税票号码为空。"
    if not VOUCHER_PATTERN.match(text):
        return f"电子税票号码「{text}」只能包含数字和字母，且不超过32位。"
    return (text,)


def tax_payment_row_check(
    cells: Sequence[object], *, positions: Mapping[str, int], today: datetime.date
) -> tuple[tuple[Any, ...] | None, str]:
    """A row of the tax bureau's payments deposited in the treasury (征缴入库明细): (voucher_number, id_number, name,
    insurance_year, amount, paid_on, deposited_on) or reasons.

    The insurance year is at most the year after the payment (the collection for Y runs in Y-1, R2.1; students pay
    Y+1 in Y, R9.1); a year long before the payment is a back-payment (R4.5) and is accepted.
    """
    reasons = []
    voucher = voucher_number_check(cell_at(cells, positions, "电子税票号码"))
    if isinstance(voucher, str):
        reasons.append(voucher)
    identity = id_number_check(cell_at(cells, positions, "身份证号"), today=today)
    if isinstance(identity, str):
        reasons.append(identity)
    name = cell_text_at(cells, positions, "姓名")
    reasons += name_problems(name)
    year_text = cell_text_at(cells, positions, "费款所属年度")
    year_digits = year_text.removesuffix("年")
    year = int(year_digits) if year_digits.isascii() and year_digits.isdigit() else 0
    if not FIRST_YEAR <= year <= LAST_YEAR:
        reasons.append(f"费款所属年度「{year_text}」应为{FIRST_YEAR}至{LAST_YEAR}之间的年份。")
    amount = money_check(cell_at(cells, positions, "实缴金额"), column="实缴金额", required=True)
    if isinstance(amount, str):
        reasons.append(amount)
    elif amount == 0:
        reasons.append("实缴金额应大于0。")
    paid_on = date_check(cell_at(cells, positions, "缴费日期"), column="缴费日期", required=True)
    deposited_on = date_check(cell_at(cells, positions, "入库日期"), column="入库日期", required=True)
    for checked in (paid_on, deposited_on):
        if isinstance(checked, str):
            reasons.append(checked)
    if isinstance(paid_on, datetime.date):
        if FIRST_YEAR <= year <= LAST_YEAR and year > paid_on.year + 1:
            reasons.append(f"费款所属年度{year}年晚于缴费日期{paid_on.isoformat()}的次年，不能预缴两年以后的费款。")
        if isinstance(deposited_on, datetime.date) and deposited_on < paid_on:
            reasons.append(f"入库日期{deposited_on.isoformat()}早于缴费日期{paid_on.isoformat()}。")
    for checked, label in ((paid_on, "缴费日期"), (deposited_on, "入库日期")):
        if isinstance(checked, datetime.date) and checked > today:
            reasons.append(record_date_problem(value=checked, today=today, label=label))
    if reasons:
        return None, REASON_SEPARATOR.join(reasons)
    return (voucher[0], identity[0], name, year, amount, paid_on, deposited_on), ""


def tax_payment_checks(stage: Stage, *, county_code: str) -> None:
    """A voucher twice in the file, a voucher recorded with other figures (errors), and vouchers already recorded
    (skipped)."""
    table = TaxPaymentRecord._meta.db_table
    mark_duplicates(stage, key="voucher_number", what="电子税票号码")
    stage.execute(
        f"""
        UPDATE {{stage}} SET outcome = %s, problem = %s
        WHERE outcome IS NULL AND EXISTS (
            SELECT 1 FROM {table} t
            WHERE t.voucher_number = {{stage}}.voucher_number
              AND NOT (t.id_number = {{stage}}.id_number AND t.insurance_year = {{stage}}.insurance_year
                AND t.amount = {{stage}}.amount AND t.paid_on = {{stage}}.paid_on
                AND t.deposited_on = {{stage}}.deposited_on))
        """,
        [OUTCOME_ERROR, VOUCHER_CONFLICT],
    )
    stage.execute(
        f"""
        UPDATE {{stage}} SET outcome = %s, problem = %s
        WHERE outcome IS NULL
          AND EXISTS (SELECT 1 FROM {table} t WHERE t.voucher_number = {{stage}}.voucher_number)
        """,
        [OUTCOME_SKIP, ALREADY_IMPORTED],
    )


def tax_payment_report_texts(values: tuple) -> list[str]:
    voucher_number, id_number, name, year, amount, paid_on, deposited_on = values
    return [
        voucher_number or "",
        id_number or "",
        name or "",
        str(year or ""),
        str(amount if amount is not None else ""),
        str(paid_on or ""),
        str(deposited_on or ""),
    ]


def tax_payment_load(stage: Stage, *, job_id: int, county_code: str, now: datetime.datetime) -> tuple[int, int]:
    """Insert the stage's good rows as the county's records and match them; returns (created, 0)."""
    if connection.vendor == "postgresql":
        created = _load_postgresql(stage, job_id=job_id, county_code=county_code, now=now)
    else:
        created = _load_batched(stage, job_id=job_id, county_code=county_code, now=now)
    tax_payment_match(county_code=county_code, now=now, job_id=job_id)
    return created, 0


def _load_postgresql(stage: Stage, *, job_id: int, county_code: str, now: datetime.datetime) -> int:
    """One INSERT … SELECT. A voucher another county's import recorded since the checks ran is left out (ON
    CONFLICT DO NOTHING): the job then counts it as unchanged."""
    sql = f"""
        WITH inserted AS (
            INSERT INTO {TaxPaymentRecord._meta.db_table} (
                voucher_number, id_number, name, county_id, insurance_year, amount, paid_on, deposited_on, job_id,
                resident_id, enrollment_id, match_status, match_explanation, matched_at, created_at)
            SELECT s.voucher_number, s.id_number, s.name, %(county)s, s.insurance_year, s.amount, s.paid_on,
                s.deposited_on, %(job)s, NULL, NULL, %(status)s, '', %(now)s, %(now)s
            FROM {stage.name} s
            WHERE s.outcome IS NULL
            ORDER BY s.line
            ON CONFLICT (voucher_number) DO NOTHING
            RETURNING 1
        )
        SELECT COUNT(*) FROM inserted
    """
    # The status is provisional: tax_payment_match sets it in the same transaction.
    params: dict[str, Any] = {
        "county": county_code,
        "job": job_id,
        "status": TaxPaymentMatch.NOT_REGISTERED,
        "now": now,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (created,) = cursor.fetchone()
    return created


def _load_batched(stage: Stage, *, job_id: int, county_code: str, now: datetime.datetime) -> int:
    """SQLite: 5,000 rows at a time with `bulk_create`."""
    created = 0
    for batch in stage.good_row_batches(STAGE_NAMES):
        records = [
            TaxPaymentRecord(
                voucher_number=voucher_number,
                id_number=id_number,
                name=name,
                county_id=county_code,
                insurance_year=year,
                amount=Decimal(amount).quantize(Decimal("0.01")),
                paid_on=datetime.date.fromisoformat(paid_on),
                deposited_on=datetime.date.fromisoformat(deposited_on),
                job_id=job_id,
                match_status=TaxPaymentMatch.NOT_REGISTERED,  # provisional: tax_payment_match sets it below
                match_explanation="",
                matched_at=now,
                created_at=now,
            )
            for voucher_number, id_number, name, year, amount, paid_on, deposited_on in batch
        ]
        TaxPaymentRecord.objects.bulk_create(records)
        created += len(records)
    return created


def _money_text(expression: str) -> str:
    """SQL of an amount as text with two decimals: 400.00."""
    if connection.vendor == "postgresql":
        return f"CAST(ROUND({expression}, 2) AS text)"
    return f"printf('%%.2f', {expression})"


def _match_sql(selected: str) -> str:
    """The match of the county's person-years that have a record satisfying `selected` (SQL on the alias c)."""
    money = _money_text
    year = "CAST(f.insurance_year AS text)"
    deposited = (
        f"CASE WHEN f.vouchers > 1 THEN '该身份证号 ' || {year} || ' 年度共 ' || CAST(f.vouchers AS text)"
        f" || ' 张税票，入库金额合计 ' ELSE '入库金额 ' END || {money('f.deposited')} || ' 元'"
    )
    due = (
        f"{year} || ' 年度参保记录' || CASE WHEN f.back_payment_due > 0"
        f" THEN '应缴 ' || {money('f.due')} || ' 元（个人应缴 ' || {money('f.individual_due')}"
        f" || ' 元、补缴 ' || {money('f.back_payment_due')} || ' 元）'"
        f" ELSE '个人应缴 ' || {money('f.individual_due')} || ' 元' END"
    )
    return f"""
        WITH person_years AS (
            SELECT DISTINCT c.id_number, c.insurance_year
            FROM {TaxPaymentRecord._meta.db_table} c
            WHERE c.county_id = %(county)s AND {selected}
        ), records AS (
            SELECT t.id, t.id_number, t.insurance_year,
                SUM(t.amount) OVER person_year AS deposited, COUNT(*) OVER person_year AS vouchers
            FROM {TaxPaymentRecord._meta.db_table} t
            JOIN person_years p ON p.id_number = t.id_number AND p.insurance_year = t.insurance_year
            WHERE t.county_id = %(county)s
            WINDOW person_year AS (PARTITION BY t.id_number, t.insurance_year)
        ), facts AS (
            SELECT x.id, x.insurance_year, x.deposited, x.vouchers, r.id AS resident_id,
                (r.household_division_id LIKE %(scope)s
                    OR COALESCE(r.residence_division_id, '') LIKE %(scope)s) AS in_county,
                COALESCE(home.name, '') AS home_county,
                e.id AS enrollment_id, e.individual_due, e.back_payment_due,
                e.individual_due + e.back_payment_due AS due,
                EXISTS (
                    SELECT 1 FROM {Enrollment._meta.db_table} refunded
                    WHERE refunded.resident_id = r.id AND refunded.insurance_year = x.insurance_year
                      AND refunded.status = %(refunded)s) AS refunded
            FROM records x
            LEFT JOIN {Resident._meta.db_table} r ON r.id_number = x.id_number
            LEFT JOIN {Division._meta.db_table} home ON home.code = substr(r.household_division_id, 1, 6)
            LEFT JOIN {Enrollment._meta.db_table} e
                ON e.resident_id = r.id AND e.insurance_year = x.insurance_year AND e.status = %(active)s
        )
        UPDATE {TaxPaymentRecord._meta.db_table} AS t SET
            resident_id = f.resident_id,
            enrollment_id = CASE WHEN f.in_county THEN f.enrollment_id END,
            match_status = CASE
                WHEN f.resident_id IS NULL THEN %(not_registered)s
                WHEN NOT f.in_county THEN %(other_county)s
                WHEN f.enrollment_id IS NULL THEN %(no_enrollment)s
                WHEN ROUND(f.deposited, 2) = ROUND(f.due, 2) THEN %(matched)s
                ELSE %(amount_differs)s END,
            match_explanation = CASE
                WHEN f.resident_id IS NULL THEN '居民档案中没有该身份证号；' || {deposited}
                    || '无法与参保记录比对，请核实身份证号或先登记居民档案。'
                WHEN NOT f.in_county THEN '该居民户籍地和居住地均不在本县（区）（户籍地：' || f.home_county
                    || '）；' || {deposited} || '未与参保记录比对，应由参保地核对。'
                WHEN f.enrollment_id IS NULL THEN '该居民没有 ' || {year} || ' 年度的有效参保记录'
                    || CASE WHEN f.refunded THEN '（该年度参保记录已退费）' ELSE '' END
                    || '；' || {deposited} || '无对应的参保缴费，参保记录录入后请重新对账。'
                WHEN ROUND(f.deposited, 2) = ROUND(f.due, 2) THEN {deposited} || '，与 ' || {due} || '一致。'
                ELSE {deposited} || '，与 ' || {due} || '不符，'
                    || CASE WHEN f.deposited > f.due THEN '多 ' ELSE '少 ' END
                    || {money("ABS(f.deposited - f.due)")} || ' 元。' END,
            matched_at = %(now)s
        FROM facts f
        WHERE t.id = f.id
    """


def tax_payment_match(
    *, county_code: str, now: datetime.datetime, job_id: int | None = None, insurance_year: int | None = None
) -> None:
    """Match the person-years of the county that have a record of the job, or (with `insurance_year`) a record of
    that year not matched yet; every record of those person-years gets its status and explanation again."""
    params: dict[str, Any] = {
        "county": county_code,
        "scope": f"{county_code}%",
        "now": now,
        "active": EnrollmentStatus.ACTIVE,
        "refunded": EnrollmentStatus.REFUNDED,
        **{status.value: status.value for status in TaxPaymentMatch},
    }
    if job_id is not None:
        selected = "c.job_id = %(job)s"
        params["job"] = job_id
    elif insurance_year is not None:
        selected = "c.insurance_year = %(year)s AND c.match_status <> %(matched)s"
        params["year"] = insurance_year
    else:
        raise ValueError("tax_payment_match needs a job or an insurance year")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A load has just added its rows: without fresh statistics the planner takes the table for a small one
            # and looks each person-year up by a scan of the county's year.
            cursor.execute(f"ANALYZE {TaxPaymentRecord._meta.db_table}")
        cursor.execute(_match_sql(selected), params)


TAX_PAYMENTS_LOADER = BulkLoader(
    columns=TAX_PAYMENT_COLUMNS,
    stage_columns=TAX_PAYMENT_STAGE_COLUMNS,
    row_check=tax_payment_row_check,
    checks=tax_payment_checks,
    report_texts=tax_payment_report_texts,
    load=lambda stage, job, now: tax_payment_load(stage, job_id=job.pk, county_code=job.county_id, now=now),
    row_context=lambda county: {"today": timezone.localdate()},
    template_notes=(
        "各列均必填；电子税票号码、身份证号请设为文本格式；实缴金额以元为单位、最多两位小数且大于0。",
        "费款所属年度为该笔缴费所属的保险年度；入库日期不得早于缴费日期。",
        "同一电子税票号码在文件中只能出现一次；已导入的税票跳过，在问题行报告中列为“该税票已导入”。",
        "档案中无此人或外县参保人员的税票照常导入，在征缴入库对账页面列出，不拒收文件。",
        "导入后按同一人同一年度的入库金额合计与有效参保记录的个人应缴加补缴逐人对账；参保记录后录入的，可在对账页面重新对账。",
    ),
)


def loaders_register() -> None:
    register_loader(BulkImportKind.TAX_PAYMENTS, TAX_PAYMENTS_LOADER)
