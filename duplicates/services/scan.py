"""The scan that finds duplicate enrollments and keeps one case per duplicate, and its nightly job."""

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from accounts.personal_data import id_number_mask
from core.jobs import ProgressReporter, job_run, job_submit, job_update
from enrollment.models import (
    EmployeeInsuredYear,
    Enrollment,
    EnrollmentStatus,
    Payment,
    Resident,
    ResidentStatus,
)
from newborns.models import BirthRecord, PreEnrollmentPlaceholder

from ..models import CaseStatus, DuplicateCase, DuplicateKind, DuplicateScanJob, Resolution
from ..rules import (
    EmployeeYearFacts,
    EnrollmentFacts,
    PlaceholderFacts,
    RegisteredFacts,
    employee_and_resident_evidence,
    handled_elsewhere_note,
    placeholder_and_registered_evidence,
    placeholder_matches,
    pre_enrolled_matches,
)

SCAN_STEPS = 3  # across schemes, one person twice, the cases stored


# --- the scan -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FoundDuplicate:
    """A duplicate as the scan finds it, before it is stored as a case."""

    kind: str
    year: int
    enrollment_id: int
    resident_id: int
    county_id: str
    evidence: str
    amount: Decimal
    other_enrollment_id: int | None = None
    other_resident_id: int | None = None
    employee_year_id: int | None = None

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.kind, self.enrollment_id, self.year)


@dataclass(frozen=True)
class ScanResult:
    found: int
    new: int
    closed: int


def _with_paid(enrollments: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """Each enrollment with `paid`: what the person paid for the year, refunds taken off (the money at stake)."""
    paid = (
        Payment.objects.filter(enrollment=OuterRef("pk"))
        .order_by()
        .values("enrollment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return enrollments.annotate(
        paid=Coalesce(
            Subquery(paid), Value(Decimal("0.00")), output_field=DecimalField(max_digits=12, decimal_places=2)
        )
    ).select_related("resident", "enrolling_county")


def _person(resident: Resident) -> str:
    return f"{resident.name}（{id_number_mask(resident.id_number)}）"


def _enrollment_facts(enrollment: Enrollment) -> EnrollmentFacts:
    return EnrollmentFacts(
        person=_person(enrollment.resident),
        county_name=enrollment.enrolling_county.name,
        year=enrollment.insurance_year,
        payment_date=enrollment.payment_date,
        channel=enrollment.get_channel_display(),
        paid=enrollment.paid,  # type: ignore[attr-defined]  # annotated by _with_paid
    )


def employee_and_resident_find() -> list[FoundDuplicate]:
    """R8.2: active resident enrollments of a year the person is recorded as insured under employee insurance; two
    queries for the province."""
    same_year_employee = EmployeeInsuredYear.objects.filter(
        resident=OuterRef("resident_id"), year=OuterRef("insurance_year")
    )
    enrollments = list(
        _with_paid(Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE).filter(Exists(same_year_employee)))
    )
    same_year_active = Enrollment.objects.filter(
        resident=OuterRef("resident_id"), insurance_year=OuterRef("year"), status=EnrollmentStatus.ACTIVE
    )
    employee_years = {
        (row.resident_id, row.year): row for row in EmployeeInsuredYear.objects.filter(Exists(same_year_active))
    }
    found = []
    for enrollment in enrollments:
        employee_year = employee_years[(enrollment.resident_id, enrollment.insurance_year)]
        evidence = employee_and_resident_evidence(
            enrollment=_enrollment_facts(enrollment),
            employee_year=EmployeeYearFacts(
                source=employee_year.get_source_display(),
                exit_date=employee_year.exit_date,
                recorded_on=timezone.localdate(employee_year.created_at),
            ),
        )
        found.append(
            FoundDuplicate(
                kind=DuplicateKind.EMPLOYEE_AND_RESIDENT,
                year=enrollment.insurance_year,
                enrollment_id=enrollment.pk,
                resident_id=enrollment.resident_id,
                county_id=enrollment.enrolling_county_id,
                evidence=evidence,
                amount=enrollment.paid,  # type: ignore[attr-defined]
                employee_year_id=employee_year.pk,
            )
        )
    return found


def placeholder_and_registered_find() -> list[FoundDuplicate]:
    """R7.5, R7.6, R13.0a: a newborn's placeholder record, never merged, and the record of the same child under its
    real ID number, each with an active enrollment of the same year. Five queries for the province: the placeholders'
    enrollments, their births and pre-enrollments, the candidate enrollments of real records, and their births."""
    placeholders = list(
        _with_paid(
            Enrollment.objects.filter(
                status=EnrollmentStatus.ACTIVE,
                resident__id_number_is_placeholder=True,
                resident__merged_into__isnull=True,
            ).exclude(resident__status=ResidentStatus.VOIDED)
        )
    )
    if not placeholders:
        return []
    placeholder_residents = {enrollment.resident_id for enrollment in placeholders}
    births = {
        record.resident_id: record for record in BirthRecord.objects.filter(resident_id__in=placeholder_residents)
    }
    pre_enrolled = {
        placeholder.resident_id: placeholder
        for placeholder in PreEnrollmentPlaceholder.objects.filter(
            resident_id__in=placeholder_residents, birth_record__isnull=True
        ).select_related("pre_enrollment__mother")
    }
    birth_dates = {births[pk].birth_date for pk in births}
    mothers = {placeholder.pre_enrollment.mother.id_number for placeholder in pre_enrolled.values()}
    candidates = list(
        _with_paid(
            Enrollment.objects.filter(
                status=EnrollmentStatus.ACTIVE,
                insurance_year__in={enrollment.insurance_year for enrollment in placeholders},
                resident__id_number_is_placeholder=False,
            ).filter(_candidate_condition(birth_dates=birth_dates, mothers=mothers))
        )
    )
    candidate_births = {
        record.resident_id: record
        for record in BirthRecord.objects.filter(resident_id__in={enrollment.resident_id for enrollment in candidates})
    }
    by_year: dict[int, list[Enrollment]] = defaultdict(list)
    for candidate in candidates:
        by_year[candidate.insurance_year].append(candidate)
    found = []
    for enrollment in placeholders:
        for candidate in by_year[enrollment.insurance_year]:
            duplicate = _placeholder_duplicate(
                enrollment=enrollment,
                birth=births.get(enrollment.resident_id),
                pre_enrolled=pre_enrolled.get(enrollment.resident_id),
                candidate=candidate,
                candidate_birth=candidate_births.get(candidate.resident_id),
            )
            if duplicate is not None:
                found.append(duplicate)
                break  # one case per placeholder enrollment and year (the unique key)
    return found


def _candidate_condition(*, birth_dates: set[datetime.date], mothers: set[str]) -> Q:
    """The real records that may be one of the placeholders: born on a placeholder's birth date, or a birth of a
    pre-enrolled mother."""
    return Q(resident__birth_date__in=birth_dates) | Q(resident__birth_record__mother_id_number__in=mothers)


def _placeholder_duplicate(
    *,
    enrollment: Enrollment,
    birth: BirthRecord | None,
    pre_enrolled: PreEnrollmentPlaceholder | None,
    candidate: Enrollment,
    candidate_birth: BirthRecord | None,
) -> FoundDuplicate | None:
    resident, registered = enrollment.resident, candidate.resident
    if birth is not None:
        if not placeholder_matches(
            placeholder_name=birth.name,
            placeholder_gender=birth.gender,
            placeholder_birth_date=birth.birth_date,
            placeholder_mother_id_number=birth.mother_id_number,
            registered_name=registered.name,
            registered_gender=registered.gender,
            registered_birth_date=registered.birth_date,
            registered_mother_id_number=candidate_birth.mother_id_number if candidate_birth else "",
        ):
            return None
        facts = PlaceholderFacts(
            birth_certificate_no=birth.birth_certificate_no,
            mother=id_number_mask(birth.mother_id_number),
            birth_date=birth.birth_date,
            pre_enrollment_applied_on=None,
            expected_delivery_date=None,
        )
    elif pre_enrolled is not None:
        pre_enrollment = pre_enrolled.pre_enrollment
        if candidate_birth is None or not pre_enrolled_matches(
            mother_id_number=pre_enrollment.mother.id_number,
            applied_on=pre_enrollment.application_date,
            registered_mother_id_number=candidate_birth.mother_id_number,
            registered_birth_date=candidate_birth.birth_date,
        ):
            return None
        facts = PlaceholderFacts(
            birth_certificate_no="",
            mother=_person(pre_enrollment.mother),
            birth_date=None,
            pre_enrollment_applied_on=pre_enrollment.application_date,
            expected_delivery_date=pre_enrollment.expected_delivery_date,
        )
    else:
        return None
    evidence = placeholder_and_registered_evidence(
        placeholder=_enrollment_facts(enrollment),
        placeholder_facts=facts,
        registered=_enrollment_facts(candidate),
        registered_facts=RegisteredFacts(
            birth_date=registered.birth_date,
            birth_certificate_no=candidate_birth.birth_certificate_no if candidate_birth else "",
            mother=id_number_mask(candidate_birth.mother_id_number) if candidate_birth else "",
        ),
    )
    return FoundDuplicate(
        kind=DuplicateKind.PLACEHOLDER_AND_REGISTERED,
        year=enrollment.insurance_year,
        enrollment_id=enrollment.pk,
        resident_id=resident.pk,
        county_id=enrollment.enrolling_county_id,
        evidence=evidence,
        amount=enrollment.paid,  # type: ignore[attr-defined]
        other_enrollment_id=candidate.pk,
        other_resident_id=registered.pk,
    )


@transaction.atomic
def duplicate_cases_store(*, found: Iterable[FoundDuplicate], actor: User | None) -> ScanResult:
    """One case per duplicate found: a new one is created, an open one takes the evidence and money found now, a
    resolved one stays as it was (a rescan never makes a second case). An open case the scan no longer finds was
    resolved elsewhere (a refund at the window, an enrollment voided): it is closed as 已在别处处理, with why."""
    found_by_key = {duplicate.key: duplicate for duplicate in found}
    existing = {
        (case.kind, case.enrollment_id, case.year): case
        for case in DuplicateCase.objects.filter(enrollment_id__in={key[1] for key in found_by_key})
    }
    new_cases = [
        DuplicateCase(**{field.name: getattr(duplicate, field.name) for field in dataclasses.fields(duplicate)})
        for key, duplicate in found_by_key.items()
        if key not in existing
    ]
    bulk_create_with_history(new_cases, DuplicateCase, default_user=actor, default_change_reason="重复参保比对发现")
    changed = []
    for key, case in existing.items():
        duplicate = found_by_key[key]
        if case.status == CaseStatus.OPEN and (case.evidence, case.amount) != (duplicate.evidence, duplicate.amount):
            case.evidence, case.amount = duplicate.evidence, duplicate.amount
            changed.append(case)
    if changed:
        bulk_update_with_history(
            changed, DuplicateCase, ["evidence", "amount"], default_user=actor, default_change_reason="重复参保复查更新"
        )
    gone = [
        case
        for case in DuplicateCase.objects.filter(status=CaseStatus.OPEN).select_related(
            "enrollment", "other_enrollment"
        )
        if (case.kind, case.enrollment_id, case.year) not in found_by_key
    ]
    now = timezone.now()
    for case in gone:
        case.status = CaseStatus.RESOLVED
        case.resolution = Resolution.HANDLED_ELSEWHERE
        case.resolved_at = now
        case.resolution_note = handled_elsewhere_note(
            enrollment_status=case.enrollment.get_status_display(),
            other_status=case.other_enrollment.get_status_display() if case.other_enrollment else None,
        )
    if gone:
        bulk_update_with_history(
            gone,
            DuplicateCase,
            ["status", "resolution", "resolved_at", "resolution_note"],
            default_user=actor,
            default_change_reason="复查时重复已不存在",
        )
    return ScanResult(found=len(found_by_key), new=len(new_cases), closed=len(gone))


def duplicate_scan(*, actor: User | None, progress: ProgressReporter | None = None) -> ScanResult:
    """Compare the whole province: employee-insured years against resident enrollments, then placeholder records
    against real ones; store the cases."""
    found = employee_and_resident_find()
    if progress is not None:
        progress.report(done=1)
    found += placeholder_and_registered_find()
    if progress is not None:
        progress.report(done=2)
    result = duplicate_cases_store(found=found, actor=actor)
    if progress is not None:
        progress.report(done=SCAN_STEPS)
    return result


# --- the job --------------------------------------------------------------------------------------------------------


@transaction.atomic
def duplicate_scan_job_create(*, actor: User | None) -> DuplicateScanJob:
    """Queue a scan (the page's button, or the nightly schedule without an actor)."""
    from ..tasks import duplicate_scan_job_run_task

    job = DuplicateScanJob(requested_by=actor, steps_total=SCAN_STEPS)
    job.full_clean()
    job.save()
    job_submit(task=duplicate_scan_job_run_task, job_id=job.pk)
    return job


def duplicate_scan_job_run(*, job_id: int) -> DuplicateScanJob:
    """Run the scan of the job once (core.jobs.job_run); running a finished job again changes nothing."""
    return job_run(job_model=DuplicateScanJob, job_id=job_id, work=_scan_work)


def _scan_work(job: DuplicateScanJob, progress: ProgressReporter) -> None:
    result = duplicate_scan(actor=job.requested_by, progress=progress)
    job_update(job=job, cases_found=result.found, cases_new=result.new, cases_closed=result.closed)
