from decimal import Decimal

from .models import RATE_METRICS, Target


def target_get(*, division_code: str, year: int, metric: str) -> Target | None:
    """The division's own target; for a rate, else the nearest one set above it (county, city, province)."""
    codes = [division_code]
    if metric in RATE_METRICS:
        codes += [division_code[:length] for length in (6, 4, 2) if length < len(division_code)]
    rows = Target.objects.filter(division_id__in=codes, year=year, metric=metric)
    targets = {target.division_id: target for target in rows}
    return next((targets[code] for code in codes if code in targets), None)


def target_value(*, division_code: str, year: int, metric: str) -> Decimal | None:
    target = target_get(division_code=division_code, year=year, metric=metric)
    return target.value if target else None
