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
from core.lists import list_page
from divisions.models import DivisionLevel

from ..forms.window import SearchKind, WindowPaymentForm, WindowQuery, WindowSearchForm, id_number_problem
from ..models import Enrollment, EnrollmentBasis, Resident
from ..selectors import (
    enrolling_county_choices,
    enrollment_get,
    enrollment_held_elsewhere_message,
    enrollment_held_for_user,
    enrollment_list,
    enrollment_region_code,
    enrollments_with_balance,
    resident_employee_years_credit,
    resident_for_enrollment,
    resident_get,
    resident_paid_years,
    resident_window_search,
)
from ..services.enrollments import PaymentDetails, contribution_payment_add, enrollment_create, enrollment_preview
from ..window_notes import window_notes
from .residents import shown_id_number

WINDOW_PERMISSION = "enrollment.add_enrollment"
WINDOW_SEARCH_PER_PAGE = 20
# The bases on which a person of another county enrolls here (R13.0a).
OTHER_COUNTY_BASES = [choice for choice in EnrollmentBasis.choices if choice[0] != EnrollmentBasis.HOUSEHOLD]


@login_required
@permission_required(WINDOW_PERMISSION, raise_exception=True)
def window_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One search box: a whole ID number opens the person (checked first, R13.4: what is wrong with it is said before
    any search); a name, the last 4 or more digits of an ID number, or a phone number list the people of the user's
    scope it finds, and a single one is opened."""
    # `id_number` is what the box was called before it took names and digits too; old links and scanners keep working
    text = request.GET.get("q", request.GET.get("id_number", "")).strip()
    basis = request.GET.get("basis", "")
    form = WindowSearchForm({"q": text} if text else None)
    listing = None
    not_found = ""
    if form.is_valid():
        query: WindowQuery = form.cleaned_data["q"]
        if query.kind == SearchKind.ID_NUMBER:
            resident = resident_for_enrollment(
                user=request.user, id_number=query.text, county_code=_own_county(request), basis=basis
            )
            if resident is not None:
                return _open_resident(request, resident, basis)
            not_found = "本辖区没有该身份证号的居民档案，请核对号码或先登记居民。"
        else:
            residents = resident_window_search(
                user=request.user,
                name=query.text if query.kind == SearchKind.NAME else "",
                digits=query.text if query.kind == SearchKind.DIGITS else "",
            )
            listing = list_page(request, residents, per_page=WINDOW_SEARCH_PER_PAGE)
            if listing.page.paginator.count == 1:
                return _open_resident(request, listing.page.object_list[0], "")
            if listing.page.paginator.count == 0:
                not_found = (
                    f"本辖区没有姓名含“{query.text}”的居民。"
                    if query.kind == SearchKind.NAME
                    else f"本辖区没有身份证号以{query.text}结尾或联系电话为{query.text}的居民。"
                    f"若输入的是完整身份证号：{id_number_problem(query.text)}"
                )
    rows = [(resident, shown_id_number(request, resident)) for resident in listing.page.object_list] if listing else []
    context = {
        "form": form,
        "query": text,
        "not_found": not_found,
        "rows": rows,
        "page": listing.page if listing else None,
        "page_query": listing.link_query if listing else "",
        "basis": basis,
        "basis_choices": OTHER_COUNTY_BASES,
    }
    return render(request, "enrollment/window_search.html", context)


def _open_resident(request: AuthenticatedHttpRequest, resident: Resident, basis: str) -> HttpResponse:
    """The person's window page; a person of another county keeps the basis they enroll here on (R13.0a)."""
    query = f"?basis={basis}" if basis and resident_get(user=request.user, pk=resident.pk) is None else ""
    return redirect(reverse("window_resident", kwargs={"pk": resident.pk}) + query)


def _payment_details(form: WindowPaymentForm) -> PaymentDetails:
    data = form.cleaned_data
    return PaymentDetails(
        insurance_year=data["insurance_year"],
        payment_date=data["payment_date"],
        channel=data["channel"],
        back_paid_years=data["back_paid_years"] or 0,
        special_status=data["special_status"],
        special_date=data["special_date"],
        accident_topup=data["accident_topup"],
        payer_id_number=data["payer_id_number"],
        payer_relation=data["payer_relation"],
        exit_kind=data["exit_kind"],
        employee_years=data["employee_years"],
        enrolling_county=data["enrolling_county"] or None,
        enrollment_basis=data["enrollment_basis"],
        basis_document_no=data["basis_document_no"],
        basis_valid_from=data["basis_valid_from"],
        basis_valid_to=data["basis_valid_to"],
    )


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
        paid_years=resident_paid_years(resident=resident),
    )
    quote = None
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "pay":
                enrollment = enrollment_create(actor=request.user, resident=resident, details=_payment_details(form))
                messages.success(request, f"已收取{enrollment.insurance_year}年度参保费。")
                return redirect("window_receipt", pk=enrollment.pk)
            quote = enrollment_preview(resident=resident, details=_payment_details(form))
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_messages)
    form.focus(quoted=quote is not None)
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
        "notes": window_notes(user=request.user, resident=resident, today=timezone.localdate()),
    }
    return render(request, "enrollment/window_resident.html", context)


def held_enrollment_get(request: AuthenticatedHttpRequest, pk: int, *, doing: str) -> Enrollment | HttpResponse:
    """The enrollment whose money the window is to change (R13.0a: only the county holding it changes it): 404 out of
    scope, else, held in another county, the person's window page with a message naming that county and `doing`."""
    enrollment: Enrollment | None = enrollment_get(user=request.user, pk=pk)
    if enrollment is None:
        raise Http404("没有找到该缴费记录。")
    if not enrollment_held_for_user(user=request.user, enrollment=enrollment):
        messages.error(request, enrollment_held_elsewhere_message(enrollment=enrollment, doing=doing))
        return redirect("window_resident", pk=enrollment.resident_id)
    return enrollment


@login_required
@permission_required(WINDOW_PERMISSION, raise_exception=True)
@require_POST
def window_balance_pay(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """收取欠缴: the balance an enrollment still owes, paid today at the window, in the county holding it."""
    enrollment = held_enrollment_get(request, pk, doing="缴费")
    if not isinstance(enrollment, Enrollment):
        return enrollment
    try:
        contribution_payment_add(actor=request.user, enrollment=enrollment, payment_date=timezone.localdate())
    except ValidationError as error:
        messages.error(
            request, "；".join(message for messages_ in error.message_dict.values() for message in messages_)
        )
        return redirect("window_resident", pk=enrollment.resident_id)
    messages.success(request, f"已收取{enrollment.insurance_year}年度欠缴的个人缴费。")
    return redirect("window_receipt", pk=enrollment.pk)
