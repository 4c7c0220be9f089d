"""Years insured under employee insurance (职工医保参保年度): recorded with an exit, an employee refund or the employee
system's stop list, read by the rules as no break (R8.2) and as the years of an employee-insurance stopper (R8.1)."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.history import history_save

from ..models import EmployeeInsuredYear, EmployeeYearSource, Resident
from ..rules import RecordDateRefused, employee_insured_years_check
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
