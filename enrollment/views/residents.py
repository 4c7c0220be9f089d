from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.middleware import client_address
from accounts.personal_data import PAGE_REVEAL_REASONS, id_number_on_page, phone_on_page
from accounts.requests import AuthenticatedHttpRequest
from accounts.scope import user_scope_code
from accounts.services import personal_data_reveal
from core.lists import list_page
from divisions.selectors import division_label_with_parent, residence_divisions_matching

from ..forms.residents import ResidentEditForm, ResidentForm
from ..models import Resident
from ..selectors import employee_insured_year_list, resident_employee_years_credit, resident_get, resident_list
from ..services.residents import id_number_address_warnings, resident_create, resident_update

RESIDENTS_PER_PAGE = 30
DIVISIONS_PER_SEARCH = 50


def shown_id_number(request: AuthenticatedHttpRequest, resident: Resident) -> str:
    """Masked on every page; the full number only through resident_reveal, which records who, whom and why."""
    return id_number_on_page(resident.id_number)


def _get_resident_or_404(request: AuthenticatedHttpRequest, pk: int) -> Resident:
    resident = resident_get(user=request.user, pk=pk)
    if resident is None:
        raise Http404("没有找到该居民。")
    return resident


def _add_errors(form: ResidentForm, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


@login_required
@permission_required("enrollment.view_resident", raise_exception=True)
def resident_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    residents = resident_list(user=request.user, search=query)
    if len(query) == 18:
        exact = residents.filter(id_number=query.upper()).first()
        if exact is not None:
            return redirect("resident_detail", pk=exact.pk)
    listing = list_page(request, residents, per_page=RESIDENTS_PER_PAGE)
    rows = [(resident, shown_id_number(request, resident)) for resident in listing.page.object_list]
    context = {"query": query, "page": listing.page, "page_query": listing.link_query, "rows": rows}
    return render(request, "enrollment/resident_search.html", context)


@login_required
@permission_required("enrollment.view_resident", raise_exception=True)
def resident_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    resident = _get_resident_or_404(request, pk)
    changes = resident.history.select_related("history_user").order_by("-history_date")[:20]
    context = {
        "resident": resident,
        "shown_id_number": shown_id_number(request, resident),
        "changes": changes,
        "enrollments": resident.enrollments.select_related("enrolling_county").order_by("-insurance_year", "-id"),
        "identities": resident.hardship_identities.order_by("-valid_from"),
        "employee_years_credit": resident_employee_years_credit(resident=resident, today=timezone.localdate()),
        "employee_insured_years": employee_insured_year_list(resident=resident),
        "reasons": PAGE_REVEAL_REASONS,
        "phone_shown": phone_on_page(resident.phone),
    }
    return render(request, "enrollment/resident_detail.html", context)


@login_required
@permission_required("enrollment.add_resident", raise_exception=True)
def resident_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope_code = user_scope_code(user=request.user)
    form = ResidentForm(request.POST or None, scope_code=scope_code)
    if request.method == "POST" and form.is_valid():
        try:
            resident = resident_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"已登记居民 {resident.name}。")
            for warning in id_number_address_warnings(id_number=resident.id_number):
                messages.warning(request, warning)
            return redirect("resident_detail", pk=resident.pk)
    return render(request, "enrollment/resident_form.html", {"form": form, "title": "登记居民"})


@login_required
@permission_required("enrollment.change_resident", raise_exception=True)
def resident_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    resident = _get_resident_or_404(request, pk)
    scope_code = user_scope_code(user=request.user)
    initial = {
        "name": resident.name,
        "phone": resident.phone,
        "household_division": resident.household_division_id,
        "residence_division": resident.residence_division_id,
        "status": resident.status,
    }
    form = ResidentEditForm(request.POST or None, initial=initial, scope_code=scope_code)
    if request.method == "POST" and form.is_valid():
        try:
            resident_update(actor=request.user, resident=resident, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "已保存修改。")
            return redirect("resident_detail", pk=resident.pk)
    title = f"修改居民档案：{resident.name}"
    return render(request, "enrollment/resident_form.html", {"form": form, "title": title, "resident": resident})


@login_required
def division_search(request: AuthenticatedHttpRequest) -> JsonResponse:
    """The townships and villages of the user's scope that hold what was typed: the options of a village list too
    long to write into a page (SearchableSelect with a search URL), as the resident and newborn forms offer them."""
    text = request.GET.get("q", "").strip()[:64]
    if not text:
        return JsonResponse({"results": []})
    divisions = residence_divisions_matching(
        root_code=user_scope_code(user=request.user) or "", text=text, limit=DIVISIONS_PER_SEARCH
    )
    results = [{"value": division.code, "text": division_label_with_parent(division)} for division in divisions]
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
def resident_reveal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The full ID number and phone of one person, for a stated reason, recorded (个人信息保护法)."""
    resident = _get_resident_or_404(request, pk)
    try:
        personal_data_reveal(
            user=request.user,
            residents=[resident],
            reason=request.POST.get("reason", ""),
            note=request.POST.get("note", ""),
            path=request.path,
            ip_address=client_address(request),
        )
    except PermissionDenied:
        raise
    except ValidationError as error:
        context = {"resident": resident, "errors": error.messages, "reasons": PAGE_REVEAL_REASONS}
        return render(request, "enrollment/_personal_data.html", context, status=400)
    context = {"resident": resident, "revealed": True}
    return render(request, "enrollment/_personal_data.html", context)
