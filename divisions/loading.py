"""Reading the committed division fixture (built by scripts/build_division_fixture.py)."""

import csv
from collections.abc import Iterator
from pathlib import Path

from .codes import code_level, parent_code

FIXTURE = Path(__file__).resolve().parent / "data" / "divisions.csv"


def division_rows() -> Iterator[dict[str, str | None]]:
    """Rows ordered parents first, each with code, name, level and parent code."""
    with FIXTURE.open(encoding="utf-8", newline="") as source:
        for row in csv.DictReader(source):
            code = row["code"]
            level = code_level(code)
            if level is None:
                raise ValueError(f"Not a division code: {code!r}")
            yield {"code": code, "name": row["name"], "level": level.value, "parent_id": parent_code(code)}
