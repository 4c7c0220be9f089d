from decimal import Decimal

from .models import RATE_METRICS, Target


def _codes_searched(*, division_code: str, metric: str) -> list[str]:
    """The division itself, and for a rate the divisions above it, nearest first."""
    codes = [division_code]
    if metric in RATE_METRICS:
        codes += [division_code[:length] for length in (6, 4, 2) if length < len(division_code)]
    return codes


def targets_get(*, division_codes: list[str], year: int, metric: str) -> dict[str, Target | None]:
    """`target_get` for several divisions at once, in one query."""
    searched = {code: _codes_searched(division_code=code, metric=metric) for code in division_codes}
    every_code = {code for codes in searched.values() for code in codes}
    rows = Target.objects.filter(division_id__in=every_code, year=year, metric=metric)
    targets = {target.division_id: target for target in rows}
    return {
        division_code: next((targets[code] for code in codes if code in targets), None)
        for division_code, codes in searched.items()
    }


def target_get(*, division_code: str, year: int, metric: str) -> Target | None:
    """The division's own target; for a rate, else the nearest one set above it (county, city, province)."""
    return targets_get(division_codes=[division_code], year=year, metric=metric)[division_code]


def target_value(*, division_code: str, year: int, metric: str) -> Decimal | None:
    target = target_get(division_code=division_code, year=year, metric=metric)
    return target.value if target else None


def division_visible(*, user_scope_code: str | None, division_code: str) -> bool:
    """A report row for a division is shown to a user whose scope contains it, or lies inside it (their own city's
    row for a county clerk)."""
    if user_scope_code is None:
        return True
    return division_code.startswith(user_scope_code) or user_scope_code.startswith(division_code)
