"""Enrollments (参保缴费): payment, back-payment, recomputation and refund (R4.5, R12, R13.1, R13.2), and the
settlement system's claim summaries the rules read (R5.3)."""

import dataclasses
import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from accounts.models import User
from accounts.scope import user_can_see_report_row
from core.history import history_save
from divisions.codes import PROVINCE_CODE, code_is_within, code_level
from divisions.models import Division, DivisionLevel

from ..models import (
    ClaimSummary,
    EmployeeYearSource,
    Enrollment,
    EnrollmentStatus,
    Gender,
    Payment,
    PaymentChannel,
    PaymentKind,
    Resident,
    ResidentStatus,
)
from ..policy import PolicyNotFound, policy_resolve, policy_resolve_covered
from ..rules import (
    DIED_BEFORE_BENEFIT,
    EMPLOYEE_INSURED,
    EXIT_KIND_LABELS,
    EXTRA_PAYMENT_REASONS,
    BackPaymentRefused,
    EnrollmentPlace,
    ExitKind,
    Explanation,
    PaymentDateRefused,
    PaymentDetailRefused,
    PlaceRefused,
    PolicyFigures,
    Quote,
    RecordDateRefused,
    RefundRefused,
    SpecialStatus,
    contribution_balance,
    employee_insured_years_check,
    enrollment_place_check,
    id_number_parse,
    money,
    payment_date_check,
    payment_details_check,
    quote_compute,
    quote_is_newborn,
    quote_placed,
    refund_check,
    refund_extra_payment,
)
from ..selectors import enrollment_region_code, household_county_code, person_history
from .employee_years import employee_insured_years_record
from .receipts import payments_record
from .residents import record_date_check


def _policy_for(
    resident: Resident,
    insurance_year: int,
    *,
    today: datetime.date | None = None,
    enrollment: Enrollment | None = None,
    county_code: str | None = None,
) -> PolicyFigures:
    """The figures of the enrolling county and year (R13.0a: `county_code`, else the county holding `enrollment`, else
    the household county); with `today`, for a new record, only for a year the policy data covers
    (policy_resolve_covered)."""
    region_code = county_code or enrollment_region_code(resident=resident, enrollment=enrollment)
    try:
        if today is not None:
            return policy_resolve_covered(region_code=region_code, insurance_year=insurance_year, today=today)
        return policy_resolve(region_code=region_code, insurance_year=insurance_year)
    except PolicyNotFound as error:
        raise ValidationError({"insurance_year": str(error)}) from None
    except RecordDateRefused as error:
        raise ValidationError({error.field: str(error)}) from None


def _quote(
    *,
    policy: PolicyFigures,
    resident: Resident,
    payment_date: datetime.date,
    back_paid_years: int,
    special_status: str,
    special_date: datetime.date | None,
    exit_kind: str = "",
    employee_years: Sequence[int] = (),
) -> Quote:
    history = person_history(resident=resident, before_year=policy.insurance_year, on_date=payment_date)
    if employee_years:  # a preview of an exit whose years are not recorded yet (R8.1)
        history = dataclasses.replace(
            history, employee_insured_years=history.employee_insured_years | frozenset(employee_years)
        )
    try:
        return quote_compute(
            policy=policy,
            payment_date=payment_date,
            history=history,
            back_paid_years=back_paid_years,
            special_status=special_status or None,
            special_date=special_date,
            exit_kind=exit_kind or None,
        )
    except PaymentDateRefused as error:
        raise ValidationError({"payment_date": str(error)}) from None
    except BackPaymentRefused as error:
        raise ValidationError({"back_paid_years": str(error)}) from None


def _apply_quote(enrollment: Enrollment, quote: Quote) -> None:
    if quote.situation is not None:
        enrollment.special_status = quote.situation.special_status or ""
        enrollment.special_date = quote.situation.special_date
    enrollment.projected = quote.projected
    enrollment.contribution_standard = quote.contribution_standard
    enrollment.in_collection_period = quote.in_collection_period
    enrollment.continuous = quote.continuous
    enrollment.break_years = quote.break_years
    enrollment.individual_due = quote.individual_due
    enrollment.subsidy_amount = quote.subsidy_amount
    enrollment.subsidy_category = quote.subsidy_category or ""
    enrollment.back_payment_due = quote.back_payment_due
    enrollment.waiting_fixed_months = quote.waiting.fixed_months
    enrollment.waiting_variable_months = quote.waiting.variable_months
    enrollment.waiting_repaired_months = quote.waiting.repaired_months
    enrollment.waiting_total_months = quote.waiting.total_months
    enrollment.benefit_start = quote.benefit_start
    enrollment.benefit_end = quote.benefit_end
    enrollment.counts_as_enrolled_year = quote.counts_as_enrolled_year
    cap = quote.catastrophic_cap
    enrollment.cap_base = cap.base
    enrollment.cap_continuity_bonus = cap.continuity_bonus
    enrollment.cap_zero_claim_bonus = cap.zero_claim_bonus
    enrollment.cap_break_penalty = cap.break_penalty
    enrollment.cap_effective = cap.effective
    computed = [dataclasses.asdict(entry) for entry in quote.explanation]
    # A recomputation keeps where the enrollment is held and why (R13.0a): the place is not computed again.
    kept = [] if any(entry["rule"] == PLACE_RULE for entry in computed) else _place_entries(enrollment)
    enrollment.explanation = [*computed, *kept]
    enrollment.policy_versions = "、".join(quote.policy_versions)


PLACE_RULE = "R13.0a"


def _place_entries(enrollment: Enrollment) -> list[dict[str, str]]:
    return [entry for entry in enrollment.explanation or [] if entry.get("rule") == PLACE_RULE]


@dataclasses.dataclass(frozen=True, kw_only=True)
class PaymentDetails:
    """What a payment names besides the person, as the window, the API and a newborn's registration give it: the year
    and date (R13.1), the channel and payer, back-paid years (R4.5), the special situation and exit (R6, R8.1), and
    where the enrollment is to be held with its basis (R13.0a). A preview and the payment read the same details."""

    insurance_year: int
    payment_date: datetime.date
    channel: str = PaymentChannel.WINDOW
    back_paid_years: int = 0
    special_status: str = ""
    special_date: datetime.date | None = None
    accident_topup: Decimal | None = None
    payer_id_number: str = ""
    payer_relation: str = ""
    exit_kind: str = ""
    employee_years: tuple[int, ...] = ()
    enrolling_county: str | None = None
    enrollment_basis: str = ""
    basis_document_no: str = ""
    basis_valid_from: datetime.date | None = None
    basis_valid_to: datetime.date | None = None

    def __post_init__(self) -> None:
        # Forms and serializers give the years as a list; the details stay immutable.
        object.__setattr__(self, "employee_years", tuple(self.employee_years))


def enrollment_preview(*, resident: Resident, details: PaymentDetails) -> Quote:
    """What enrollment_create would compute, with the person's history from the database; writes nothing.

    Refused like the payment itself: an insurance year the policy data does not cover, a payment date after today
    or before the year before the insurance year, a payer born after today (R13.0), a place of enrollment without
    its basis (R13.0a).
    """
    _exit_details_check(resident=resident, details=details)
    _place, quote = _place_and_quote(resident=resident, details=details)
    return quote


def _enrolling_county(code: str | None, resident: Resident) -> Division:
    """The county that is to hold the enrollment (R13.0a): the one named, else the household county."""
    code = (code or "").strip() or household_county_code(resident=resident)
    county = None
    if code_level(code) == DivisionLevel.COUNTY and code_is_within(code, PROVINCE_CODE):
        county = Division.objects.filter(code=code, level=DivisionLevel.COUNTY).first()
    if county is None:
        raise ValidationError({"enrolling_county": "参保地应为本省的县（市、区），请填写6位县级区划代码。"})
    return county


def _place_and_quote(*, resident: Resident, details: PaymentDetails) -> tuple[EnrollmentPlace, Quote]:
    """What a payment computes, with the figures of the county that is to hold it: the payment's checks, the quote,
    then the place, whose check needs the situation the quote applied (a newborn may follow a parent's residence,
    R13.0a); writes nothing."""
    today = timezone.localdate()
    county = _enrolling_county(details.enrolling_county, resident)
    policy = _policy_for(resident, details.insurance_year, today=today, county_code=county.code)
    try:
        payment_date_check(insurance_year=details.insurance_year, payment_date=details.payment_date, today=today)
    except RecordDateRefused as error:
        raise ValidationError({error.field: str(error)}) from None
    try:
        payment_details_check(
            policy=policy,
            channel=details.channel,
            payer_id_number=details.payer_id_number,
            payer_relation=details.payer_relation,
            accident_topup=details.accident_topup,
        )
    except PaymentDetailRefused as error:
        raise ValidationError({error.field: str(error)}) from None
    if details.payer_id_number:
        payer_birth_date = id_number_parse(details.payer_id_number).birth_date
        record_date_check(value=payer_birth_date, field="payer_id_number", label="代缴人身份证号中的出生日期")
    quote = _quote(
        policy=policy,
        resident=resident,
        payment_date=details.payment_date,
        back_paid_years=details.back_paid_years,
        special_status=details.special_status,
        special_date=details.special_date,
        exit_kind=details.exit_kind,
        employee_years=details.employee_years,
    )
    try:
        place = enrollment_place_check(
            household_county_code=household_county_code(resident=resident),
            county_code=county.code,
            county_name=county.name,
            basis=details.enrollment_basis,
            document_no=details.basis_document_no,
            valid_from=details.basis_valid_from,
            valid_to=details.basis_valid_to,
            payment_date=details.payment_date,
            newborn=quote_is_newborn(quote),
            source=policy.standard_source.document,
        )
    except PlaceRefused as error:
        raise ValidationError({error.field: str(error)}) from None
    return place, quote_placed(quote, place)


def _held_elsewhere_refusal(resident: Resident, insurance_year: int) -> ValidationError | None:
    """R13.0a: one active resident enrollment per person and year in the province; the refusal names the county
    that holds it."""
    county_name = (
        Enrollment.objects.filter(resident=resident, insurance_year=insurance_year, status=EnrollmentStatus.ACTIVE)
        .values_list("enrolling_county__name", flat=True)
        .first()
    )
    if county_name is None:
        return None
    return ValidationError({"non_field_errors": f"该居民{insurance_year}年度已在{county_name}参保，不能重复参保。"})


def _exit_details_check(*, resident: Resident, details: PaymentDetails) -> None:
    """R8.1: the kind of exit and the employee years recorded with it belong to a person leaving another scheme;
    the years are ones that can be recorded (R13.0)."""
    exit_kind, employee_years = details.exit_kind, details.employee_years
    if exit_kind and exit_kind not in EXIT_KIND_LABELS:
        raise ValidationError({"exit_kind": f"退出类别应为：{'、'.join(EXIT_KIND_LABELS.values())}。"})
    if details.special_status != SpecialStatus.EXITED_OTHER_SCHEME:
        if exit_kind:
            raise ValidationError({"exit_kind": "只有退出其他制度保障人员才填写退出类别。"})
        if employee_years:
            raise ValidationError({"employee_years": "只有退出其他制度保障人员才随参保登记职工医保参保年度。"})
    elif employee_years and exit_kind not in ("", ExitKind.EMPLOYEE_INSURANCE):
        raise ValidationError(
            {"employee_years": f"退出类别为{EXIT_KIND_LABELS[exit_kind]}，不随参保登记职工医保参保年度。"}
        )
    if employee_years:
        try:
            employee_insured_years_check(
                years=employee_years, birth_date=resident.birth_date, today=timezone.localdate()
            )
        except RecordDateRefused as error:
            raise ValidationError({error.field: str(error)}) from None


@transaction.atomic
def enrollment_create(*, actor: User, resident: Resident, details: PaymentDetails) -> Enrollment:
    """Compute and store one year's enrollment with its payments, held in the enrolling county (R13.0a: the household
    county unless another is named with its basis). Two clerks at once: the constraint decides.

    A person leaving another scheme may come with the kind of exit (`exit_kind`, R8.1) and, for an employee-insurance
    stop, the years insured under it (`employee_years`): they are recorded first (as of the exit date, `special_date`)
    so that the rules see them (R8.1, R8.2); a refusal of the enrollment records none of them."""
    _exit_details_check(resident=resident, details=details)
    # Lock the person so that concurrent payments for them queue here instead of racing (the row itself is not read).
    Resident.objects.select_for_update().filter(pk=resident.pk).values_list("pk").first()
    insurance_year = details.insurance_year
    refusal = _held_elsewhere_refusal(resident, insurance_year)
    if refusal is not None:
        raise refusal
    if details.employee_years:
        employee_insured_years_record(
            actor=actor,
            resident=resident,
            years=details.employee_years,
            source=EmployeeYearSource.EXIT,
            exit_date=details.special_date,
        )
    # The years are recorded above: the history now holds them.
    place, quote = _place_and_quote(resident=resident, details=dataclasses.replace(details, employee_years=()))
    if not quote_is_newborn(quote) and not user_can_see_report_row(user=actor, division_code=place.county_code):
        # The county holding an enrollment takes its money; only a newborn's registration may place the baby in a
        # parent's county of residence from the household county (出生一件事).
        raise ValidationError({"enrolling_county": "参保地不在您的管辖范围内，请由参保地经办机构办理。"})
    enrollment = Enrollment(
        resident=resident,
        insurance_year=insurance_year,
        payment_date=details.payment_date,
        channel=details.channel,
        payer_id_number=details.payer_id_number.strip().upper(),
        payer_relation=details.payer_relation,
        accident_topup=money(details.accident_topup) if details.accident_topup is not None else None,
        exit_kind=details.exit_kind,
        back_paid_years=details.back_paid_years,
        enrolling_county_id=place.county_code,
        enrollment_basis=place.basis,
        basis_document_no=place.document_no,
        basis_valid_from=place.valid_from,
        basis_valid_to=place.valid_to,
        recorded_by=actor,
    )
    _apply_quote(enrollment, quote)
    # The person is the row locked above, the clerk the one signed in and the enrolling county the one
    # _enrolling_county has just read: none is looked up again (the database's foreign keys still hold).
    enrollment.full_clean(exclude=["resident", "recorded_by", "enrolling_county"], validate_constraints=False)
    try:
        with transaction.atomic():
            history_save(enrollment, actor=actor)
    except IntegrityError:
        raise _held_elsewhere_refusal(resident, insurance_year) or ValidationError(
            {"non_field_errors": f"该居民{insurance_year}年度已有有效参保记录，不能重复参保。"}
        ) from None
    payments = [Payment(kind=PaymentKind.CONTRIBUTION, amount=enrollment.individual_due)]
    if details.back_paid_years:
        payments.append(
            Payment(kind=PaymentKind.BACK_PAYMENT, amount=enrollment.back_payment_due, years=details.back_paid_years)
        )
    if enrollment.accident_topup is not None:
        payments.append(Payment(kind=PaymentKind.ACCIDENT_TOPUP, amount=enrollment.accident_topup))
    for payment in payments:
        payment.date = details.payment_date
    payments_record(actor=actor, enrollment=enrollment, payments=payments, field="payment_date")
    return enrollment


@transaction.atomic
def back_payment_add(*, actor: User, enrollment: Enrollment, years: int, payment_date: datetime.date) -> Enrollment:
    """R4.5: back-pay missed years while the waiting period still runs; the benefit start is recomputed."""
    enrollment = Enrollment.objects.select_for_update().select_related("resident").get(pk=enrollment.pk)
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise ValidationError({"non_field_errors": f"该参保记录{enrollment.get_status_display()}，不能补缴。"})
    if years < 1:
        raise ValidationError({"years": "补缴年数至少为1年。"})
    record_date_check(value=payment_date, field="payment_date", label="补缴日期")
    if payment_date < enrollment.payment_date:
        raise ValidationError({"payment_date": "补缴日期不能早于参保缴费日期。"})
    if enrollment.benefit_start is not None and payment_date >= enrollment.benefit_start:
        raise ValidationError({"payment_date": "等待期已结束，不能再通过补缴修复等待期。"})
    policy = _policy_for(enrollment.resident, enrollment.insurance_year, enrollment=enrollment)
    total_years = enrollment.back_paid_years + years
    try:
        quote = _quote(
            policy=policy,
            resident=enrollment.resident,
            payment_date=enrollment.payment_date,
            back_paid_years=total_years,
            special_status=enrollment.special_status,
            special_date=enrollment.special_date,
            exit_kind=enrollment.exit_kind,
        )
    except ValidationError as error:
        if "back_paid_years" in error.message_dict:
            raise ValidationError({"years": error.message_dict["back_paid_years"]}) from None
        raise
    previous_due = enrollment.back_payment_due
    enrollment.back_paid_years = total_years
    _apply_quote(enrollment, quote)
    history_save(enrollment, actor=actor)
    payment = Payment(
        kind=PaymentKind.BACK_PAYMENT, amount=enrollment.back_payment_due - previous_due, years=years, date=payment_date
    )
    payments_record(actor=actor, enrollment=enrollment, payments=[payment], field="payment_date")
    return enrollment


@transaction.atomic
def enrollment_recompute(
    *, actor: User, enrollment: Enrollment, special_date: datetime.date | None = None
) -> Enrollment:
    """Run the rules again on an enrollment's own payment, after the person's facts changed (a pre-enrolled baby's
    real birth date, R7.6); `special_date` replaces the stored one when given. Payments are not touched."""
    enrollment = Enrollment.objects.select_for_update().select_related("resident").get(pk=enrollment.pk)
    if special_date is not None:
        enrollment.special_date = special_date
    quote = _quote(
        policy=_policy_for(enrollment.resident, enrollment.insurance_year, enrollment=enrollment),
        resident=enrollment.resident,
        payment_date=enrollment.payment_date,
        back_paid_years=enrollment.back_paid_years,
        special_status=enrollment.special_status,
        special_date=enrollment.special_date,
        exit_kind=enrollment.exit_kind,
    )
    _apply_quote(enrollment, quote)
    history_save(enrollment, actor=actor)
    return enrollment


def _is_unborn_placeholder(enrollment: Enrollment) -> bool:
    """Whether the enrollment is a pre-enrolled baby's before birth (R7.6), from the fields enrollment owns (the
    newborns app, which records the pre-enrollment, sits above this one): the person has a placeholder ID number
    (mother's + B), no sex yet (only a pre-enrollment registers a person of unknown sex; linking the birth sets it)
    and the enrollment follows the newborn rules."""
    resident = enrollment.resident
    return (
        resident.id_number_is_placeholder
        and resident.gender == Gender.UNKNOWN
        and enrollment.special_status == SpecialStatus.NEWBORN
    )


@transaction.atomic
def refund_request(
    *,
    actor: User,
    enrollment: Enrollment,
    reason: str,
    date: datetime.date,
    death_date: datetime.date | None = None,
) -> Enrollment:
    """R12.2: undo what the reason says, keeping everything in history.

    A duplicate or two-channel payment returns the extra contribution only: the enrollment and its cover stay. Any
    other reason voids the benefit period and returns the individual part and the subsidy; a death before the benefit
    start (`death_date`) also records the person as deceased.

    Refused (R12.1, R13.0): a reason the year's policy does not list or that does not fit the enrollment, a date
    after today, before the last payment it returns, or outside the year's refund window; a duplicate that does not
    exist; a death without its date or not before the benefit start.
    """
    enrollment = Enrollment.objects.select_for_update().select_related("resident").get(pk=enrollment.pk)
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise ValidationError({"non_field_errors": f"该参保记录{enrollment.get_status_display()}。"})
    policy = _policy_for(enrollment.resident, enrollment.insurance_year, enrollment=enrollment)
    last_paid_on = enrollment.payments.exclude(kind=PaymentKind.REFUND).aggregate(last=Max("date"))["last"]
    try:
        explanation = refund_check(
            policy=policy,
            reason=reason,
            date=date,
            today=timezone.localdate(),
            paid_on=max(filter(None, (enrollment.payment_date, last_paid_on))),
            unborn_placeholder=_is_unborn_placeholder(enrollment),
            death_date=death_date,
            benefit_start=enrollment.benefit_start,
        )
        if reason in EXTRA_PAYMENT_REASONS:
            amount = -_extra_payment(enrollment)
        else:
            amount = -(enrollment.payments.aggregate(total=Sum("amount"))["total"] or Decimal("0.00"))
    except RefundRefused as error:
        raise ValidationError({error.field: str(error)}) from None
    if reason not in EXTRA_PAYMENT_REASONS:
        enrollment.status = EnrollmentStatus.REFUNDED
        enrollment.refund_reason = reason
        enrollment.refund_date = date
        enrollment.benefit_start = None
        enrollment.benefit_end = None
        enrollment.counts_as_enrolled_year = False
    explanations = [explanation]
    if reason == EMPLOYEE_INSURED:
        text = f"{enrollment.insurance_year}年度记为参加职工基本医疗保险，不计为断保年度，不扣减大病保险限额"
        # before the refund's own R12.2 entry, which stays the last word of the record
        explanations.insert(0, Explanation("R8.2", text, str(policy.special_groups.source)))
    enrollment.explanation = [*enrollment.explanation, *(dataclasses.asdict(entry) for entry in explanations)]
    history_save(enrollment, actor=actor)
    payment = Payment(kind=PaymentKind.REFUND, amount=amount, date=date, reason=reason)
    payments_record(actor=actor, enrollment=enrollment, payments=[payment], field="date")
    if reason == EMPLOYEE_INSURED:
        # R12.2, R8.2: the year refunded because employee insurance was paid for it is an employee year, no break.
        employee_insured_years_record(
            actor=actor,
            resident=enrollment.resident,
            years=[enrollment.insurance_year],
            source=EmployeeYearSource.REFUND,
        )
    if reason == DIED_BEFORE_BENEFIT:
        resident = Resident.objects.select_for_update().get(pk=enrollment.resident_id)
        resident.status = ResidentStatus.DECEASED
        history_save(resident, actor=actor, reason=f"待遇享受期前死亡退费，死亡日期{death_date:%Y年%-m月%-d日}")
    return enrollment


def _extra_payment(enrollment: Enrollment) -> Decimal:
    """R12.2: the contributions recorded beyond what the year is due, less what earlier duplicate refunds returned."""
    payments = enrollment.payments.order_by("date", "id")
    return refund_extra_payment(
        contributions=list(payments.filter(kind=PaymentKind.CONTRIBUTION).values_list("amount", flat=True)),
        individual_due=enrollment.individual_due,
        returned=payments.filter(kind=PaymentKind.REFUND, reason__in=EXTRA_PAYMENT_REASONS).aggregate(
            total=Sum("amount")
        )["total"]
        or Decimal("0.00"),
    )


BALANCE_PAID = "补交欠缴"
PAID_AGAIN = "重复缴费"


@transaction.atomic
def contribution_payment_add(
    *, actor: User, enrollment: Enrollment, payment_date: datetime.date, amount: Decimal | None = None
) -> Enrollment:
    """A further individual contribution on an active enrollment, its figures and cover unchanged.

    Without `amount`, the balance still owed (contribution_balance: a pre-enrolled baby's year that became its
    second year, R7.6, R7.4). With `amount`, a payment the person made again, e.g. through another channel: the
    enrollment is then paid twice, and a duplicate or two-channel refund returns it (R12.2).

    Refused: an enrollment not active, a date after today (R13.0) or before the enrollment's payment, an amount not
    above zero, nothing owed when no amount is given."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != EnrollmentStatus.ACTIVE:
        raise ValidationError({"non_field_errors": f"该参保记录{enrollment.get_status_display()}，不能再收费。"})
    record_date_check(value=payment_date, field="payment_date", label="缴费日期")
    if payment_date < enrollment.payment_date:
        raise ValidationError({"payment_date": "缴费日期不能早于参保缴费日期。"})
    contributions = list(enrollment.payments.filter(kind=PaymentKind.CONTRIBUTION).values_list("amount", flat=True))
    if amount is None:
        amount = contribution_balance(individual_due=enrollment.individual_due, contributions=contributions)
        if amount == 0:
            raise ValidationError({"amount": "该参保记录没有欠缴的个人缴费。"})
        reason = BALANCE_PAID
    elif amount <= 0:
        raise ValidationError({"amount": "缴费金额应大于0。"})
    else:
        amount = money(amount)
        reason = PAID_AGAIN
    payment = Payment(kind=PaymentKind.CONTRIBUTION, amount=amount, date=payment_date, reason=reason)
    payments_record(actor=actor, enrollment=enrollment, payments=[payment], field="payment_date")
    history_save(enrollment, actor=actor, reason=f"{reason}{amount}元（{payment_date:%Y年%-m月%-d日}）")
    return enrollment


@transaction.atomic
def claim_summary_upsert(
    *, actor: User, resident: Resident, year: int, fund_paid_total: Decimal, reward_used: bool
) -> ClaimSummary:
    """The settlement system's yearly figures (R5.3), keyed by person and year; a year not yet begun has none
    (R13.0)."""
    this_year = timezone.localdate().year
    if year > this_year:
        raise ValidationError({"year": f"{year}年尚未开始，不能录入该年度的结算汇总（最晚为{this_year}年）。"})
    summary, _ = ClaimSummary.objects.select_for_update().get_or_create(
        resident=resident,
        year=year,
        defaults={"fund_paid_total": money(fund_paid_total), "reward_used": reward_used},
    )
    summary.fund_paid_total = money(fund_paid_total)
    summary.reward_used = reward_used
    history_save(summary, actor=actor)
    return summary
