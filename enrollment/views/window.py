"""窗口办理: find a person by ID number, quote before payment, record the payment, print the receipt."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.personal_data import PAGE_REVEAL_REASONS
from accounts.requests import AuthenticatedHttpRequest
from accounts.scope import user_scope_code_at
from divisions.models import DivisionLevel

from ..forms.window import WindowPaymentForm
from ..models import Enrollment, EnrollmentBasis
from ..selectors import (
    enrolling_county_choices,
    enrollment_get,
    enrollment_held_for_user,
    enrollment_list,
    enrollment_region_code,
    enrollments_with_balance,
    resident_employee_years_credit,
    resident_for_enrollment,
    resident_get,
)
from ..services.enrollments import contribution_payment_add, enrollment_create, enrollment_preview
from .residents import shown_id_number

WINDOW_PERMISSION = "enrollment.add_enrollment"
# The bases on which a person of another county enrolls here (R13.0a).
OTHER_COUNTY_BASES = [choice for choice in EnrollmentBasis.choices if choice[0] != EnrollmentBasis.HOUSEHOLD]


@login_required
@permission_required(WINDOW_PERMISSION, raise_exception=True)
def window_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    id_number = request.GET.get("id_number", "").strip().upper()
    basis = request.GET.get("basis", "")
    if id_number:
        resident = resident_for_enrollment(
            user=request.user, id_number=id_number, county_code=_own_county(request), basis=basis
        )
        if resident is not None:
            query = f"?basis={basis}" if basis and resident_get(user=request.user, pk=resident.pk) is None else ""
            return redirect(reverse("window_resident", kwargs={"pk": resident.pk}) + query)
        messages.warning(request, "本辖区没有该身份证号的居民档案，请核对号码或先登记居民。")
    context = {"id_number": id_number, "basis": basis, "basis_choices": OTHER_COUNTY_BASES}
    return render(request, "enrollment/window_search.html", context)


def _payment_arguments(form: WindowPaymentForm) -> dict:
    data = form.cleaned_data
    return {
        "insurance_year": data["insurance_year"],
        "payment_date": data["payment_date"],
        "channel": data["channel"],
        "back_paid_years": data["back_paid_years"] or 0,
        "special_status": data["special_status"],
        "special_date": data["special_date"],
        "accident_topup": data["accident_topup"],
        "payer_id_number": data["payer_id_number"],
        "payer_relation": data["payer_relation"],
        "exit_kind": data["exit_kind"],
        "employee_years": data["employee_years"],
        "enrolling_county": data["enrolling_county"] or None,
        "enrollment_basis": data["enrollment_basis"],
        "basis_document_no": data["basis_document_no"],
        "basis_valid_from": data["basis_valid_from"],
        "basis_valid_to": data["basis_valid_to"],
    }


def _own_county(request: AuthenticatedHttpRequest) -> str:
    """The county of the clerk's scope, where a person of another county enrolls with a basis (R13.0a)."""
    return user_scope_code_at(user=request.user, levels=(DivisionLevel.COUNTY,)) or ""


@login_required
@permission_required(WINDOW_PERMISSION, raise_exception=True)
def window_resident(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    basis = request.GET.get("basis", "")
    resident = resident_for_enrollment(user=request.user, pk=pk, county_code=_own_county(request), basis=basis)
    if resident is None:
        raise Http404("没有找到该居民。")
    # A person of another county, enrolling here with a basis (R13.0a): their record stays with the household county
    from_elsewhere = resident_get(user=request.user, pk=pk) is None
    initial = {"enrolling_county": _own_county(request), "enrollment_basis": basis} if from_elsewhere else None
    form = WindowPaymentForm(
        request.POST or None,
        initial=initial,
        today=timezone.localdate(),
        region_code=enrollment_region_code(resident=resident),
        county_choices=enrolling_county_choices(),
    )
    quote = None
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "pay":
                enrollment = enrollment_create(actor=request.user, resident=resident, **_payment_arguments(form))
                messages.success(request, f"已收取{enrollment.insurance_year}年度参保费。")
                return redirect("window_receipt", pk=enrollment.pk)
            quote = enrollment_preview(resident=resident, **_payment_arguments(form))
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_messages)
    context = {
        "resident": resident,
        "shown_id_number": shown_id_number(request, resident),
        "reasons": PAGE_REVEAL_REASONS,
        "enrollments": enrollments_with_balance(enrollment_list(user=request.user).filter(resident=resident)).order_by(
            "-insurance_year", "-id"
        ),
        "identities": resident.hardship_identities.none()
        if from_elsewhere
        else resident.hardship_identities.order_by("-valid_from"),
        "from_elsewhere": from_elsewhere,
        "form": form,
        "quote": quote,
        "employee_years_credit": resident_employee_years_credit(resident=resident, today=timezone.localdate()),
    }
    return render(request, "enrollment/window_resident.html", context)


@login_required
@permission_required(WINDOW_PERMISSION, raise_exception=True)
@require_POST
def window_balance_pay(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """收取欠缴: the balance an enrollment still owes, paid today at the window, in the county holding it."""
    enrollment: Enrollment | None = enrollment_get(user=request.user, pk=pk)
    if enrollment is None:
        raise Http404("没有找到该缴费记录。")
    if not enrollment_held_for_user(user=request.user, enrollment=enrollment):
        messages.error(request, f"该参保记录由{enrollment.enrolling_county.name}办理，请到参保地缴费。")
        return redirect("window_resident", pk=enrollment.resident_id)
    try:
        contribution_payment_add(actor=request.user, enrollment=enrollment, payment_date=timezone.localdate())
    except ValidationError as error:
        messages.error(
            request, "；".join(message for messages_ in error.message_dict.values() for message in messages_)
        )
        return redirect("window_resident", pk=enrollment.resident_id)
    messages.success(request, f"已收取{enrollment.insurance_year}年度欠缴的个人缴费。")
    return redirect("window_receipt", pk=enrollment.pk)
