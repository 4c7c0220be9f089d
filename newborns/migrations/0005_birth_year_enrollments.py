"""R7.1a, R7.6: babies enrolled only for a year after their birth year get their birth-year enrollment.

Before R7.1a a baby born in December and registered in January within the window was enrolled for the year of its
registration only, and a baby born before 1 January of its pre-enrollment placeholder's year kept only the
placeholder's enrollment, whose benefit period was stretched back to the birth date in the year before (against
R1.1). For every birth record whose baby has no active enrollment for its birth year while a newborn enrollment of a
later year exists, and that was registered within the birth year's window (R7.1, the birth year's parameters as
stored) or linked to a placeholder of a later year, this migration:
- adds the birth-year enrollment, computed by the rules (enrollment.rules.quote_compute) from the birth year's
  parameters, paid on the registration date, with its payment row, a history row and an explanation entry saying
  it was added here; the birth record then names it, as registration does today;
- recomputes the later year's newborn enrollment as the second year (R7.4): continuity and the cap now see the birth
  year, and a period stretched before 1 January starts on 1 January; what it owes is kept as computed when it was
  paid, the explanation says when the rules now ask for a different amount.
It prints what it changed and what it could not. Run again, it finds nothing more to do.

The parameters are read from the historical models with the fields this migration knows, not through
enrollment.policy, whose models follow today's schema.
"""

import dataclasses
import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import migrations
from django.db.models import Exists, OuterRef
from django.utils import timezone

ADDED_NOTE = "按R7.1a补记出生当年参保"
SECOND_YEAR_NOTE = "按R7.1a补记出生当年参保后，本年度按出生次年（R7.4）重新计算"
HISTORY_REASON_LENGTH = 100
REGION_CODE_LENGTHS = (6, 4, 2)  # county, city, province: the most specific first
CALENDAR_FIELDS = (
    "collection_opens",
    "normal_part_ends",
    "extended_part_starts",
    "extended_part_ends",
    "monthly_cutoff_day",
)
WAITING_FIELDS = (
    "fixed_waiting_months",
    "free_break_years",
    "waiting_floor_months",
    "waiting_floor_break_years",
    "break_counting_start_year",
)
FIELDS = (
    "contribution_standard",
    *CALENDAR_FIELDS,
    *WAITING_FIELDS,
    "cap_base",
    "cap_step",
    "cap_continuity_free_years",
    "cap_bonus_limit",
    "cap_penalty_limit",
    "incentive_start_year",
    "waiting_source",
    "cap_source",
    "special_group_window_months",
    "special_group_benefit_offset_days",
    "special_group_source",
    "student_source",
    "hardship_tiers",
    "hardship_source",
    "newborn_registration_days",
    "newborn_source",
    "newborn_programme_from",
    "newborn_programme_source",
    "newborn_birth_year_free_from",
    "newborn_birth_year_free_source",
    "pre_enrollment_source",
)
# the payment channel of a registration's channel, as newborns.services.births registers
CHANNEL_PAYMENT = {"window": "window", "birth_platform": "online", "import": "online"}
UNSHIFTED_FIELDS = frozenset({"newborn_programme_from", "newborn_birth_year_free_from"})


class FiguresMissing(LookupError):
    pass


def _figures(apps, *, region_code, insurance_year):
    """The rules' PolicyFigures of a county and year, merged and inherited as enrollment.policy does (RULES.md,
    introduction), from the parameter sets as this migration's state knows them."""
    from enrollment.rules import hardship_tiers_from_rows
    from enrollment.rules import (
        CalendarParameters,
        CapParameters,
        NewbornParameters,
        PolicyFigures,
        SourcedFigure,
        SpecialGroupParameters,
    )

    PolicyParameterSet = apps.get_model("enrollment", "PolicyParameterSet")
    chain = [region_code[:length] for length in REGION_CODE_LENGTHS if len(region_code) >= length]
    candidates = list(PolicyParameterSet.objects.filter(region_id__in=chain, insurance_year__lte=insurance_year))
    if not candidates:
        raise FiguresMissing(f"{region_code}没有{insurance_year}年度及以前的政策参数")
    source_year = max(each.insurance_year for each in candidates)
    in_year = sorted(
        (each for each in candidates if each.insurance_year == source_year), key=lambda each: -len(each.region_id)
    )
    merged = {}
    for field in (*FIELDS, "source_document"):
        for parameter_set in in_year:
            stored = getattr(parameter_set, field)
            if stored is not None and stored != "" and stored != []:
                merged[field] = (stored, parameter_set)
                break
    shift = insurance_year - source_year

    def value(field, default=None):
        if field not in merged:
            return default
        figure = merged[field][0]
        if shift and field not in UNSHIFTED_FIELDS and isinstance(figure, datetime.date):
            return figure + relativedelta(years=shift)
        return figure

    missing = [field for field in ("contribution_standard", *CALENDAR_FIELDS, *WAITING_FIELDS) if field not in merged]
    if missing or "cap_base" not in merged:
        raise FiguresMissing(f"{region_code} {source_year}年度政策参数不完整")
    return PolicyFigures(
        region_code=region_code,
        insurance_year=insurance_year,
        projected=shift > 0,
        calendar_assumed=merged["collection_opens"][1].calendar_assumed,
        contribution_standard=value("contribution_standard"),
        calendar=CalendarParameters(
            insurance_year=insurance_year,
            **{field: value(field) for field in (*CALENDAR_FIELDS, *WAITING_FIELDS)},
            collection_source=SourcedFigure(merged["collection_opens"][1].source_document),
            waiting_source=SourcedFigure(value("waiting_source", "")),
        ),
        cap=CapParameters(
            base=value("cap_base"),
            step=value("cap_step"),
            continuity_free_years=value("cap_continuity_free_years"),
            bonus_limit=value("cap_bonus_limit"),
            penalty_limit=value("cap_penalty_limit"),
            incentive_start_year=value("incentive_start_year"),
            break_counting_start_year=value("break_counting_start_year"),
            source=SourcedFigure(value("cap_source", "")),
        ),
        special_groups=SpecialGroupParameters(
            window_months=value("special_group_window_months", 0),
            benefit_offset_days=value("special_group_benefit_offset_days", 0),
            source=SourcedFigure(value("special_group_source", "")),
            student_source=SourcedFigure(value("student_source", "")),
        ),
        standard_source=SourcedFigure(merged["contribution_standard"][1].source_document),
        hardship_tiers=hardship_tiers_from_rows(value("hardship_tiers") or [], source=value("hardship_source", "")),
        newborns=NewbornParameters(
            registration_days=value("newborn_registration_days") or 0,
            source=SourcedFigure(value("newborn_source", "")),
            programme_from=value("newborn_programme_from"),
            programme_source=SourcedFigure(value("newborn_programme_source", "")),
            birth_year_free_from=value("newborn_birth_year_free_from"),
            birth_year_free_source=SourcedFigure(value("newborn_birth_year_free_source", "")),
            pre_enrollment_source=SourcedFigure(value("pre_enrollment_source", "")),
        ),
    )


def _history(apps, *, resident, before_year, on_date):
    """The rules' PersonHistory, as enrollment.selectors.person_history reads it."""
    from enrollment.rules import PersonHistory

    Enrollment = apps.get_model("enrollment", "Enrollment")
    ClaimSummary = apps.get_model("enrollment", "ClaimSummary")
    HardshipIdentity = apps.get_model("subsidies", "HardshipIdentity")
    enrolled_years = Enrollment.objects.filter(
        resident_id=resident.pk, status="active", counts_as_enrolled_year=True, insurance_year__lt=before_year
    ).values_list("insurance_year", flat=True)
    summaries = list(
        ClaimSummary.objects.filter(resident_id=resident.pk).values_list("year", "fund_paid_total", "reward_used")
    )
    identities = [
        (identity.category, identity.disability_grade)
        for identity in HardshipIdentity.objects.filter(resident_id=resident.pk, valid_from__lte=on_date)
        if identity.valid_to is None or identity.valid_to >= on_date
    ]
    grades = [grade for _, grade in identities if grade is not None]
    return PersonHistory(
        birth_date=resident.birth_date,
        enrolled_years=frozenset(enrolled_years),
        zero_claim_years=frozenset(year for year, paid, _ in summaries if paid == 0),
        reward_used_years=frozenset(year for year, _, used in summaries if used),
        hardship_categories=frozenset(category for category, _ in identities),
        disability_grade=min(grades) if grades else None,
    )


def _quote(apps, *, resident, insurance_year, payment_date):
    from enrollment.rules import SpecialStatus, quote_compute

    return quote_compute(
        policy=_figures(apps, region_code=str(resident.household_division_id)[:6], insurance_year=insurance_year),
        payment_date=payment_date,
        history=_history(apps, resident=resident, before_year=insurance_year, on_date=payment_date),
        special_status=SpecialStatus.NEWBORN,
        special_date=resident.birth_date,
    )


def _quote_fields(quote):
    cap = quote.catastrophic_cap
    return {
        "projected": quote.projected,
        "contribution_standard": quote.contribution_standard,
        "in_collection_period": quote.in_collection_period,
        "continuous": quote.continuous,
        "break_years": quote.break_years,
        "individual_due": quote.individual_due,
        "subsidy_amount": quote.subsidy_amount,
        "subsidy_category": quote.subsidy_category or "",
        "back_payment_due": quote.back_payment_due,
        "waiting_fixed_months": quote.waiting.fixed_months,
        "waiting_variable_months": quote.waiting.variable_months,
        "waiting_repaired_months": quote.waiting.repaired_months,
        "waiting_total_months": quote.waiting.total_months,
        "benefit_start": quote.benefit_start,
        "benefit_end": quote.benefit_end,
        "counts_as_enrolled_year": quote.counts_as_enrolled_year,
        "cap_base": cap.base,
        "cap_continuity_bonus": cap.continuity_bonus,
        "cap_zero_claim_bonus": cap.zero_claim_bonus,
        "cap_break_penalty": cap.break_penalty,
        "cap_effective": cap.effective,
        "explanation": [dataclasses.asdict(entry) for entry in quote.explanation],
    }


def _history_row(apps, model_name, instance, *, now, history_type, reason):
    Model = apps.get_model(*model_name.split("."))
    Historical = apps.get_model(Model._meta.app_label, f"Historical{Model.__name__}")
    Historical.objects.create(
        **{field.attname: getattr(instance, field.attname) for field in Model._meta.concrete_fields},
        history_date=now,
        history_type=history_type,
        history_change_reason=reason[:HISTORY_REASON_LENGTH],
    )


PLACE_FIELDS = ("enrolling_county_id", "enrollment_basis", "basis_document_no", "basis_valid_from", "basis_valid_to")


def _place_of(Enrollment, later) -> dict:
    """Where the added birth year is held: where its later year is (R13.0a), when the models already know the place
    (the function also runs on today's models, after the place of enrollment was added)."""
    known = {field.attname for field in Enrollment._meta.concrete_fields}
    return {name: getattr(later, name) for name in PLACE_FIELDS if name in known}


def birth_year_enrollments_add(apps, *, write=print):
    """Add the missing birth-year enrollments; returns {birth record id: what was done, or why it was left}."""
    from enrollment.rules import PaymentDateRefused

    BirthRecord = apps.get_model("newborns", "BirthRecord")
    PreEnrollmentPlaceholder = apps.get_model("newborns", "PreEnrollmentPlaceholder")
    Enrollment = apps.get_model("enrollment", "Enrollment")
    Payment = apps.get_model("enrollment", "Payment")
    now = timezone.now()
    outcome = {}
    later_newborn_year = Enrollment.objects.filter(
        resident_id=OuterRef("resident_id"), status="active", special_status="newborn"
    )
    records = (
        BirthRecord.objects.filter(resident__isnull=False)
        .select_related("resident")
        .annotate(has_later=Exists(later_newborn_year))
        .filter(has_later=True)
        .order_by("id")
    )
    for record in records:
        resident = record.resident
        year = record.birth_date.year
        if Enrollment.objects.filter(resident_id=resident.pk, insurance_year=year, status="active").exists():
            continue
        later = (
            Enrollment.objects.filter(
                resident_id=resident.pk, status="active", special_status="newborn", insurance_year__gt=year
            )
            .order_by("insurance_year")
            .first()
        )
        if later is None:
            continue
        label = f"出生登记 id={record.pk}（{record.birth_certificate_no}，{record.birth_date}出生）"
        linked = PreEnrollmentPlaceholder.objects.filter(birth_record_id=record.pk, enrollment__insurance_year__gt=year)
        try:
            birth_year_figures = _figures(
                apps, region_code=str(resident.household_division_id)[:6], insurance_year=year
            )
        except FiguresMissing as error:
            outcome[record.pk] = f"未补记：{error}"
            write(f"{label}{outcome[record.pk]}")
            continue
        window_end = record.birth_date + datetime.timedelta(days=birth_year_figures.newborns.registration_days)
        within = birth_year_figures.newborns.registration_days and record.registration_date <= window_end
        if not within and not linked.exists():
            continue
        try:
            quote = _quote(apps, resident=resident, insurance_year=year, payment_date=record.registration_date)
        except PaymentDateRefused as error:
            outcome[record.pk] = f"未补记：{error}"
            write(f"{label}{outcome[record.pk]}")
            continue
        fields = _quote_fields(quote)
        fields["explanation"].append({"rule": "R7.1a", "text": ADDED_NOTE, "source": ""})
        (added,) = Enrollment.objects.bulk_create(
            [
                Enrollment(
                    resident_id=resident.pk,
                    insurance_year=year,
                    payment_date=record.registration_date,
                    channel=CHANNEL_PAYMENT.get(record.channel, "window"),
                    special_status="newborn",
                    special_date=record.birth_date,
                    recorded_by_id=record.registered_by_id,
                    **fields,
                    **_place_of(Enrollment, later),
                )
            ]
        )
        _history_row(apps, "enrollment.Enrollment", added, now=now, history_type="+", reason=ADDED_NOTE)
        Payment.objects.create(
            enrollment_id=added.pk,
            kind="contribution",
            amount=added.individual_due,
            date=record.registration_date,
            recorded_by_id=record.registered_by_id,
        )
        changes = [f"补记{year}年度参保（参保记录 id={added.pk}，个人应缴{added.individual_due}元）"]
        changes.append(_second_year_recompute(apps, later, resident=resident, now=now))
        BirthRecord.objects.filter(pk=record.pk).update(enrollment_id=added.pk)
        record.enrollment_id = added.pk
        _history_row(apps, "newborns.BirthRecord", record, now=now, history_type="~", reason=ADDED_NOTE)
        outcome[record.pk] = "；".join(changes)
        write(f"{label}{outcome[record.pk]}")
    added_count = sum(1 for text in outcome.values() if text.startswith("补记"))
    write(f"共补记{added_count}条出生当年参保记录，未补记{len(outcome) - added_count}条。")
    return outcome


def _second_year_recompute(apps, enrollment, *, resident, now):
    """R7.4: the later year's enrollment recomputed now that the birth year is enrolled; its due stays what was
    computed when it was paid (its payment rows say so), the explanation names a different amount the rules ask."""
    from enrollment.rules import PaymentDateRefused

    Enrollment = apps.get_model("enrollment", "Enrollment")
    try:
        quote = _quote(
            apps, resident=resident, insurance_year=enrollment.insurance_year, payment_date=enrollment.payment_date
        )
    except PaymentDateRefused as error:
        return f"{enrollment.insurance_year}年度参保记录 id={enrollment.pk} 未重新计算：{error}"
    fields = _quote_fields(quote)
    kept = {field: getattr(enrollment, field) for field in ("individual_due", "subsidy_amount", "subsidy_category")}
    note = SECOND_YEAR_NOTE
    if quote.individual_due != enrollment.individual_due:
        note += f"；按现行规则个人应缴{quote.individual_due}元，原按{enrollment.individual_due}元计收，差额待核"
    fields.update(kept)
    Payment = apps.get_model("enrollment", "Payment")
    paid = sum(
        Payment.objects.filter(enrollment_id=enrollment.pk, kind="contribution").values_list("amount", flat=True),
        Decimal("0.00"),
    )
    if paid != enrollment.individual_due:
        owed = enrollment.individual_due - paid
        balance = f"尚需补缴{owed}元" if owed > 0 else f"多缴{-owed}元"
        note += f"；已缴{paid}元，个人应缴{enrollment.individual_due}元，{balance}"
    fields["explanation"].append({"rule": "R7.4", "text": note, "source": ""})
    before = enrollment.benefit_start
    for field, value in fields.items():
        setattr(enrollment, field, value)
    # update(), not save(): the history row below is the one record of the change, whichever models run this
    Enrollment.objects.filter(pk=enrollment.pk).update(**fields)
    _history_row(apps, "enrollment.Enrollment", enrollment, now=now, history_type="~", reason=SECOND_YEAR_NOTE)
    return (
        f"{enrollment.insurance_year}年度参保记录 id={enrollment.pk} 按出生次年重新计算，"
        f"待遇开始由{before or '无'}改为{enrollment.benefit_start or '无'}"
    )


def add_birth_year_enrollments(apps, schema_editor):
    birth_year_enrollments_add(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("newborns", "0004_fill_placeholder_linked_on"),
        ("enrollment", "0025_seed_newborn_birth_year_free"),
        ("subsidies", "0001_hardship_identity"),
    ]

    # The enrollments it adds are written in the models of before the place of enrollment (R13.0a), whose own
    # migration then places them, with every other, in the household county.
    run_before = [("enrollment", "0028_enrollment_place_fields")]

    operations = [migrations.RunPython(add_birth_year_enrollments, migrations.RunPython.noop)]
