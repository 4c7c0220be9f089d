"""Coverage tables (R10.2): a division's children one level down, each with the people counted, how many of them
are enrolled, the rate, the target and the people still needed to reach it; and the division's own total.

What is counted differs (residents holding a hardship identity, babies born in the year); the callers count in one
grouped query per report and hand the counts per child division here. The table around the counts, the targets,
and what a user whose scope lies inside the division sees are the same for every coverage report.

The targets are kept by the targets app, which sits above the apps that count (subsidies, newborns): it lends its
look-up here when it starts (targets.apps).
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured

from accounts.models import User
from accounts.scope import user_can_see_report_row, user_scope_lies_inside
from divisions.models import Division

RATE_STEP = Decimal("0.0001")


def coverage_rate(*, enrolled: int, people: int) -> Decimal | None:
    """Enrolled share of the people, to four places, rounded down so that a rate shown never overstates the
    coverage (98.999% is shown as 98.99%, not as the 99% target). None when there is nobody to cover."""
    if people == 0:
        return None
    return (Decimal(enrolled) / Decimal(people)).quantize(RATE_STEP, rounding=ROUND_DOWN)


def coverage_gap(*, enrolled: int, people: int, target: Decimal) -> int:
    """R10.2: how many more people must enroll to reach the target rate; a part of a person counts as one."""
    needed = (target * people).to_integral_value(rounding=ROUND_CEILING)
    return max(0, int(needed) - enrolled)


@dataclass(frozen=True)
class CoverageTarget:
    value: Decimal
    source_document: str


class CoverageTargetsLookup(Protocol):
    """For each division code, its target of `metric` for the year (a rate set above it holds), or None."""

    def __call__(self, *, division_codes: list[str], year: int, metric: str) -> Mapping[str, CoverageTarget | None]: ...


_targets_lookup: CoverageTargetsLookup | None = None


def coverage_targets_lookup_register(lookup: CoverageTargetsLookup) -> None:
    global _targets_lookup
    _targets_lookup = lookup


def _coverage_targets_get(*, division_codes: list[str], year: int, metric: str) -> Mapping[str, CoverageTarget | None]:
    if _targets_lookup is None:
        raise ImproperlyConfigured("No coverage targets look-up is registered: is the targets app installed?")
    return _targets_lookup(division_codes=division_codes, year=year, metric=metric)


@dataclass(frozen=True)
class CoverageRow:
    code: str
    name: str
    people: int
    enrolled: int  # of those people, enrolled for the year
    rate: Decimal | None  # None when there is nobody to count
    target: Decimal | None
    gap_to_target: int | None  # people still to enroll to reach the target; None without a target

    @property
    def not_enrolled(self) -> int:
        return self.people - self.enrolled

    @property
    def below_target(self) -> bool:
        return bool(self.gap_to_target)

    @property
    def rate_percent(self) -> Decimal | None:
        return None if self.rate is None else self.rate * 100

    @property
    def target_percent(self) -> Decimal | None:
        return None if self.target is None else self.target * 100


@dataclass(frozen=True)
class CoverageTable:
    division_code: str
    division_name: str
    year: int
    as_of: datetime.date
    rows: tuple[CoverageRow, ...]
    total: CoverageRow
    target_source: str
    within: str  # the user's division when they see only part of the report's division, else ""


def scope_narrower_than(*, user: User, division_code: str) -> str:
    """The name of the user's division when it lies strictly inside the report's division, else ""."""
    if user.division is None or not user_scope_lies_inside(user=user, division_code=division_code):
        return ""
    return user.division.name


def _coverage_row(*, division: Division, target: CoverageTarget | None, people: int, enrolled: int) -> CoverageRow:
    value = target.value if target else None
    return CoverageRow(
        code=division.code,
        name=division.name,
        people=people,
        enrolled=enrolled,
        rate=coverage_rate(enrolled=enrolled, people=people),
        target=value,
        gap_to_target=None if value is None else coverage_gap(enrolled=enrolled, people=people, target=value),
    )


def coverage_table(
    *,
    user: User,
    division: Division,
    counts: Mapping[str, tuple[int, int]],
    year: int,
    as_of: datetime.date,
    metric: str,
) -> CoverageTable:
    """The table of `division` from `counts` ({child code: (people, enrolled)}, already limited to the user's
    scope): a row per child division (only the user's own when their scope lies inside one), and the total of the
    counts, each against its target of `metric` for the year. The total is named after what it counts: the
    division, or the user's own division when their scope lies inside it."""
    children_list = list(Division.objects.filter(parent=division).order_by("code"))
    if user_scope_lies_inside(user=user, division_code=division.code):
        children_list = [
            child for child in children_list if user_can_see_report_row(user=user, division_code=child.code)
        ]
    targets = _coverage_targets_get(
        division_codes=[division.code, *(child.code for child in children_list)], year=year, metric=metric
    )
    rows = []
    for child in children_list:
        people, enrolled = counts.get(child.code, (0, 0))
        rows.append(_coverage_row(division=child, target=targets[child.code], people=people, enrolled=enrolled))
    total = _coverage_row(
        division=division,
        target=targets[division.code],
        people=sum(people for people, _ in counts.values()),
        enrolled=sum(enrolled for _, enrolled in counts.values()),
    )
    within = scope_narrower_than(user=user, division_code=division.code)
    if within:
        total = replace(total, name=within)
    division_target = targets[division.code]
    return CoverageTable(
        division_code=division.code,
        division_name=division.name,
        year=year,
        as_of=as_of,
        rows=tuple(rows),
        total=total,
        target_source=division_target.source_document if division_target else "",
        within=within,
    )
