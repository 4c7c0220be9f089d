"""Years insured under employee insurance (职工医保参保年度): recorded with an exit, an employee refund or the employee
system's stop list, read by the rules as no break (R8.2) and as the years of an employee-insurance stopper (R8.1)."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.history import history_save

from ..models import EmployeeInsuredYear, EmployeeYearSource, Resident
from ..rules import RecordDateRefused, date_not_in_future_check, employee_insured_years_check
from .residents import record_date_check


@transaction.atomic
def employee_insured_years_record(
    *,
    actor: User,
    resident: Resident,
    years: Sequence[int],
    source: str,
    exit_date: datetime.date | None = None,
) -> list[EmployeeInsuredYear]:
    """Record the years as insured under employee insurance, one row per year; a year already recorded keeps its row
    and source (an exit date it lacked is filled in), so recording the same years again changes nothing.

    Refused, writing nothing: no year, a year after this one (after next year for a refund, R12.2) or before the
    person's birth year, an exit date after today (R13.0), an unknown source.
    """
    if source not in EmployeeYearSource.values:
        raise ValidationError({"source": "职工医保参保年度的来源不正确。"})
    try:
        employee_insured_years_check(
            years=years,
            birth_date=resident.birth_date,
            today=timezone.localdate(),
            paid_ahead=source == EmployeeYearSource.REFUND,
        )
    except RecordDateRefused as error:
        raise ValidationError({error.field: str(error)}) from None
    if exit_date is not None:
        record_date_check(value=exit_date, field="exit_date", label="职工医保停保日期")
    # Lock the person so that two records of the same years queue here instead of racing on the constraint.
    Resident.objects.select_for_update().filter(pk=resident.pk).first()
    recorded = {
        row.year: row
        for row in EmployeeInsuredYear.objects.select_for_update().filter(resident=resident, year__in=set(years))
    }
    rows = []
    for year in sorted(set(years)):
        row = recorded.get(year)
        if row is None:
            row = EmployeeInsuredYear(
                resident=resident, year=year, source=source, exit_date=exit_date, recorded_by=actor
            )
        elif row.exit_date is None and exit_date is not None:
            row.exit_date = exit_date
        else:
            rows.append(row)
            continue
        row.full_clean(validate_constraints=False)
        history_save(row, actor=actor, reason=EmployeeYearSource(source).label)
        rows.append(row)
    return rows


@dataclass(frozen=True)
class EmployeeYearEntry:
    """One year of one person to record as insured under employee insurance, with the stop date if known."""

    resident: Resident
    year: int
    exit_date: datetime.date | None = None


@dataclass(frozen=True)
class EmployeeYearsRecorded:
    """What came of each (resident id, year): recorded now, an exit date filled in, or already recorded as given."""

    created: frozenset[tuple[int, int]]
    filled: frozenset[tuple[int, int]]


@transaction.atomic
def employee_insured_years_record_many(
    *, actor: User, entries: Sequence[EmployeeYearEntry], source: str, reason: str, today: datetime.date
) -> EmployeeYearsRecorded:
    """`employee_insured_years_record` for many people at once, set-based: the people are locked, their recorded
    years read, the new years inserted and the exit dates filled in with a few statements per call, each with its
    history row naming `actor` and `reason`. A year already recorded keeps its row and source, so recording the same
    entries again changes nothing.

    Refused, writing nothing: an unknown source, a year after this one or before the person's birth year, an exit
    date after today (R13.0), the message naming the person's ID number.
    """
    if source not in EmployeeYearSource.values:
        raise ValidationError({"source": "职工医保参保年度的来源不正确。"})
    for entry in entries:
        try:
            employee_insured_years_check(years=[entry.year], birth_date=entry.resident.birth_date, today=today)
            if entry.exit_date is not None:
                date_not_in_future_check(
                    value=entry.exit_date, today=today, field="exit_date", label="职工医保停保日期"
                )
        except RecordDateRefused as error:
            raise ValidationError({error.field: f"{entry.resident.id_number}：{error}"}) from None
    resident_ids = {entry.resident.pk for entry in entries}
    list(Resident.objects.select_for_update().filter(pk__in=resident_ids).values_list("pk", flat=True))
    recorded = {
        (row.resident_id, row.year): row
        for row in EmployeeInsuredYear.objects.select_for_update().filter(
            resident_id__in=resident_ids, year__in={entry.year for entry in entries}
        )
    }
    now = timezone.now()
    new: dict[tuple[int, int], EmployeeInsuredYear] = {}
    filled: dict[tuple[int, int], EmployeeInsuredYear] = {}
    for entry in entries:
        key = (entry.resident.pk, entry.year)
        row = recorded.get(key) or new.get(key)
        if row is None:
            new[key] = EmployeeInsuredYear(
                resident=entry.resident,
                year=entry.year,
                source=source,
                exit_date=entry.exit_date,
                recorded_by=actor,
                created_at=now,
            )
        elif row.exit_date is None and entry.exit_date is not None:
            row.exit_date = entry.exit_date
            if row.pk is not None:
                filled[key] = row
    history = {"default_user": actor, "default_change_reason": reason, "default_date": now}
    if new:
        EmployeeInsuredYear.objects.bulk_create(new.values())
        EmployeeInsuredYear.history.bulk_history_create(list(new.values()), **history)
    if filled:
        EmployeeInsuredYear.objects.bulk_update(filled.values(), ["exit_date"])
        EmployeeInsuredYear.history.bulk_history_create(list(filled.values()), update=True, **history)
    return EmployeeYearsRecorded(created=frozenset(new), filled=frozenset(filled))
