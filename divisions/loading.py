"""Reading the committed division fixture (built by scripts/build_division_fixture.py)."""

import csv
from collections.abc import Iterator
from pathlib import Path

from .models import CODE_LENGTH_TO_LEVEL, PARENT_CODE_LENGTH

FIXTURE = Path(__file__).resolve().parent / "data" / "divisions.csv"


def division_rows() -> Iterator[dict[str, str | None]]:
    """Rows ordered parents first, each with code, name, level and parent code."""
    with FIXTURE.open(encoding="utf-8", newline="") as source:
        for row in csv.DictReader(source):
            code = row["code"]
            parent_length = PARENT_CODE_LENGTH.get(len(code))
            yield {
                "code": code,
                "name": row["name"],
                "level": CODE_LENGTH_TO_LEVEL[len(code)].value,
                "parent_id": code[:parent_length] if parent_length else None,
            }
