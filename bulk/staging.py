"""The staging table of an import: every data row of the file, checked, before anything reaches the registry.

A TEMP table, private to the worker's database session and dropped with it: it is written without WAL on
PostgreSQL, and nothing in it is visible to anyone else. On PostgreSQL rows arrive by COPY (psycopg 3
`cursor.copy` + `write_row`); on SQLite by `executemany`. The checks that need the whole file or the database
(duplicates, people registered elsewhere, enrollments already recorded) are then set-based SQL on this table, and
the error report is read back from it in file order.

Each row has: `line` (its row number in the file), `outcome` (NULL: to load; 'error'; 'skip'), `problem` (the
reasons), `raw` (the cells as text, JSON, for a row that failed the Python checks) and the kind's typed columns.
"""

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

OUTCOME_ERROR = "error"
OUTCOME_SKIP = "skip"
READ_BATCH_ROWS = 5_000


@dataclass(frozen=True)
class StageColumn:
    name: str
    postgresql_type: str
    sqlite_type: str


def text_column(name: str, length: int) -> StageColumn:
    return StageColumn(name, f"varchar({length})", "text")


def date_column(name: str) -> StageColumn:
    return StageColumn(name, "date", "text")


def money_column(name: str) -> StageColumn:
    return StageColumn(name, "numeric(12, 2)", "text")


class Stage:
    """The TEMP table `bulk_<role>_<job id>` on the default connection: the job's stage, or another table of the same
    columns (a block of a streamed load)."""

    def __init__(self, *, job_id: int, columns: Sequence[StageColumn], role: str = "stage") -> None:
        self.name = f"bulk_{role}_{int(job_id)}"
        self.columns = tuple(columns)
        self.postgresql = connection.vendor == "postgresql"
        self.written_names = ("line", "outcome", "problem", "raw", *(column.name for column in self.columns))

    def create(self) -> None:
        self.drop()
        if self.postgresql:
            line = "line integer NOT NULL"
            typed = ", ".join(f"{column.name} {column.postgresql_type}" for column in self.columns)
        else:
            line = "line integer PRIMARY KEY"  # the rowid: batches of the load page through it
            typed = ", ".join(f"{column.name} {column.sqlite_type}" for column in self.columns)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE {self.name} ({line}, outcome text, problem text, raw text, {typed})")

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")

    def write(self, rows: Sequence[tuple]) -> None:
        """Append rows of (line, outcome, problem, raw, *values) in one COPY (PostgreSQL) or executemany."""
        if rows:
            self.write_encoded(self.encode(rows))

    def encode(self, rows: Sequence[tuple]) -> bytes | list[tuple]:
        """Rows as `write_encoded` takes them, made without the database (in the process that reads the file): the
        text of a COPY on PostgreSQL, plain values on SQLite."""
        if self.postgresql:
            return _copy_block(rows)
        return [tuple(_sqlite_value(value) for value in row) for row in rows]

    def write_encoded(self, encoded: bytes | list[tuple]) -> None:
        if not encoded:
            return
        names = ", ".join(self.written_names)
        with connection.cursor() as cursor:
            if isinstance(encoded, bytes):
                with cursor.copy(f"COPY {self.name} ({names}) FROM STDIN") as copy:
                    copy.write(encoded)
            else:
                placeholders = ", ".join(["%s"] * len(self.written_names))
                cursor.executemany(f"INSERT INTO {self.name} ({names}) VALUES ({placeholders})", encoded)

    def clear(self) -> None:
        """Empty the table. On PostgreSQL by TRUNCATE: a DELETE would leave the rows dead in the table (nothing
        vacuums a TEMP table), and every later statement would scan them again."""
        with connection.cursor() as cursor:
            cursor.execute(f"{'TRUNCATE' if self.postgresql else 'DELETE FROM'} {self.name}")

    def append_from(self, other: "Stage") -> None:
        """Every row of `other`, a table of the same columns, added to this one."""
        names = ", ".join(self.written_names)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {self.name} ({names}) SELECT {names} FROM {other.name}")

    def all_rows_good(self) -> bool:
        """No row refused or skipped, by the row check or a set-based check."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {self.name} WHERE outcome IS NOT NULL)")
            (good,) = cursor.fetchone()
        return bool(good)

    def analyze(self) -> None:
        if self.postgresql:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {self.name}")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement on the stage (`{stage}` in the SQL names it); returns the rows it touched."""
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("{stage}", self.name), params)
            return cursor.rowcount

    def outcome_counts(self) -> dict[str | None, int]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT outcome, COUNT(*) FROM {self.name} GROUP BY outcome")
            return dict(cursor.fetchall())

    def problem_rows(self) -> Iterator[tuple]:
        """(line, outcome, problem, raw, *typed values) of every refused or skipped row, in file order, streamed."""
        names = ", ".join(self.written_names)
        with connection.chunked_cursor() as cursor:
            cursor.execute(f"SELECT {names} FROM {self.name} WHERE outcome IS NOT NULL ORDER BY line")
            while rows := cursor.fetchmany(READ_BATCH_ROWS):
                yield from rows

    def good_row_batches(self, names: Sequence[str]) -> Iterator[list[tuple]]:
        """The rows to load, `READ_BATCH_ROWS` at a time in file order (keyset pagination on the line number)."""
        selected = ", ".join(["line", *names])
        last_line = 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {selected} FROM {self.name} WHERE outcome IS NULL AND line > %s ORDER BY line LIMIT %s",
                    [last_line, READ_BATCH_ROWS],
                )
                rows = cursor.fetchall()
            if not rows:
                return
            last_line = rows[-1][0]
            yield [row[1:] for row in rows]


def history_reason(job_id: int) -> str:
    """The reason the history rows of a bulk load carry."""
    return f"批量导入 #{job_id}"


def history_columns(model: type) -> list[str]:
    """The columns a historical row copies from its record (every column but the history_* ones)."""
    historical = model.history.model  # type: ignore[attr-defined]
    return [field.column for field in historical._meta.concrete_fields if not field.name.startswith("history_")]


def mark_duplicates(stage: Stage, *, key: str, where: str = "", what: str) -> None:
    """Every row whose key another good row of the file repeats is an error naming the other row. The keys that
    repeat are found first by one grouping, so the window functions sort only their rows, not the whole file."""
    stage.execute(
        f"""
        UPDATE {{stage}} SET outcome = %s,
            problem = CASE WHEN d.line = d.first_line
                THEN %s || CAST(d.next_line AS text) || %s
                ELSE %s || CAST(d.first_line AS text) || %s END
        FROM (
            SELECT line,
                MIN(line) OVER (PARTITION BY {key}) AS first_line,
                LEAD(line) OVER (PARTITION BY {key} ORDER BY line) AS next_line,
                COUNT(*) OVER (PARTITION BY {key}) AS copies
            FROM {{stage}} WHERE outcome IS NULL {where} AND ({key}) IN (
                SELECT {key} FROM {{stage}} WHERE outcome IS NULL {where} GROUP BY {key} HAVING COUNT(*) > 1)
        ) d
        WHERE {{stage}}.line = d.line AND d.copies > 1
        """,
        [OUTCOME_ERROR, f"{what}在文件中重复出现（另见第", "行）。", f"{what}与第", "行重复。"],
    )


def _sqlite_value(value: object) -> int | str | None:
    """Dates and amounts as the ISO text and decimal text SQLite columns of Django hold."""
    if value is None or isinstance(value, int | str):
        return value
    return str(value)


COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_block(rows: Sequence[tuple]) -> bytes:
    """Rows in COPY's text format: NULL as \\N, dates and amounts as their ISO and decimal text. Almost no value
    holds a tab, a line break or a backslash, so the block is joined as it is and checked once by counting them;
    only a block where a value holds one is written again with every value escaped."""
    lines = []
    nulls = 0
    for row in rows:
        nulls += row.count(None)
        lines.append(
            "\t".join(["\\N" if value is None else value if type(value) is str else str(value) for value in row])
        )
    text = "\n".join(lines) + "\n"
    width = len(rows[0])
    if (
        text.count("\\") == nulls
        and text.count("\t") == (width - 1) * len(rows)
        and text.count("\n") == len(rows)
        and "\r" not in text
    ):
        return text.encode()
    return "".join(["\t".join([_copy_text(value) for value in row]) + "\n" for row in rows]).encode()


def _copy_text(value: object) -> str:
    """One value in COPY's text format, its backslashes, tabs and line breaks escaped."""
    if value is None:
        return "\\N"
    return (value if type(value) is str else str(value)).translate(COPY_ESCAPES)


def raw_json(texts: Sequence[str]) -> str:
    return json.dumps(list(texts), ensure_ascii=False)
