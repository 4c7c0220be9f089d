"""Pages of a township's uninsured ledger (R13.5): the ledger with its counts, its Excel export, one person's
outcome and the people found by the township.

A township or person outside the user's scope answers 404; a user without the permission answers 403.
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.permissions import CHANGE_UNINSURED_PERSON, VIEW_UNINSURED
from accounts.personal_data import id_number_on_page
from accounts.scope import DivisionOutOfScope
from core.excel import report_xlsx_response
from core.lists import list_page
from divisions.models import Division

from ..forms import LedgerFilterForm, UninsuredOutcomeForm, UninsuredPersonForm
from ..mobilisation import mobilisation_lines
from ..resources import uninsured_ledger_report
from ..selectors import (
    uninsured_default_township_code,
    uninsured_ledger_counts,
    uninsured_ledger_people,
    uninsured_ledger_rows,
    uninsured_person_get,
    uninsured_township_get,
    uninsured_townships,
    uninsured_villages,
    uninsured_years,
)
from ..services.people import OUTCOME_FIELDS, uninsured_person_create, uninsured_person_update

PEOPLE_PER_PAGE = 50
NOT_FOUND = "没有找到该乡镇（街道），或不在您的管辖范围内。"


# --- A township's ledger ------------------------------------------------------------------------------------------


def township_from(request: HttpRequest, code: str | None) -> Division | None:
    """The township asked for, else the user's own (or the first of their scope with a ledger); None: there is none."""
    code = code or uninsured_default_township_code(user=request.user)  # type: ignore[arg-type]
    if not code:
        return None
    try:
        return uninsured_township_get(user=request.user, code=code)  # type: ignore[arg-type]
    except DivisionOutOfScope:
        raise Http404(NOT_FOUND) from None


def year_from(request: HttpRequest, township: Division) -> int:
    text = request.GET.get("year", "")
    if text.isdigit() and len(text) == 4:
        return int(text)
    years = uninsured_years(township=township)
    return years[0] if years else timezone.localdate().year


def ledger_page_url(township: Division, year: int, **filters: str) -> str:
    query = {"township": township.code, "year": year, **{key: value for key, value in filters.items() if value}}
    return f"{reverse('uninsured_ledger')}?{urlencode(query)}"


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith(reverse("uninsured_ledger")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return fallback


def ledger_title(township: Division, year: int) -> str:
    return f"{township.name}{year}年度未参保人员台账"


@login_required
@permission_required(VIEW_UNINSURED, raise_exception=True)
def uninsured_ledger(request: HttpRequest) -> HttpResponse:
    user = request.user
    township = township_from(request, request.GET.get("township"))
    context: dict[str, Any] = {"townships": uninsured_townships(user=user), "township": township}  # type: ignore[arg-type]
    if township is None:
        return render(request, "uninsured/ledger.html", context)
    villages = uninsured_villages(township=township)
    form = LedgerFilterForm(request.GET, villages=villages)
    context["form"] = form
    if not form.is_valid():
        return render(request, "uninsured/ledger.html", context, status=400)
    year = form.cleaned_data["year"] or year_from(request, township)
    filters = {
        "village": form.cleaned_data["village"],
        "step": form.cleaned_data["step"],
        "q": form.cleaned_data["q"].strip(),
    }
    people = uninsured_ledger_people(
        user=user,  # type: ignore[arg-type]
        township=township,
        year=year,
        village_code=filters["village"],
        step=filters["step"],
        query=filters["q"],
    )
    page_query = urlencode({"township": township.code, "year": year, **filters})
    page = list_page(request, people, per_page=PEOPLE_PER_PAGE, link_query=page_query).page
    lines = mobilisation_lines(list(page.object_list))
    for person in page.object_list:
        person.mobilisation_lines = lines.get(person.pk, [])  # 动员情况, from the hook
    ledger_url = ledger_page_url(township, year, **filters)
    context.update(
        {
            "title": ledger_title(township, year),
            "year": year,
            "years": uninsured_years(township=township),
            "filters": filters,
            "page": page,
            "rows": [(person, id_number_on_page(person.id_number)) for person in page.object_list],
            "counts": uninsured_ledger_counts(township=township, year=year),
            "page_query": page_query,
            "ledger_url": f"{ledger_url}&page={page.number}" if page.number > 1 else ledger_url,
        }
    )
    return render(request, "uninsured/ledger.html", context)


@login_required
@permission_required(VIEW_UNINSURED, raise_exception=True)
def uninsured_ledger_export(request: HttpRequest) -> HttpResponse:
    township = township_from(request, request.GET.get("township"))
    if township is None:
        raise Http404(NOT_FOUND)
    year = year_from(request, township)
    title = ledger_title(township, year)
    unit = f"{township.parent.name}{township.name}" if township.parent else township.name
    report = uninsured_ledger_report(
        title=title,
        unit=unit,
        as_of=timezone.localdate(),
        year=year,
        counts=uninsured_ledger_counts(township=township, year=year),
        rows=uninsured_ledger_rows(user=request.user, township=township, year=year),  # type: ignore[arg-type]
    )
    return report_xlsx_response(report)


# --- One person ---------------------------------------------------------------------------------------------------


@login_required
@permission_required(CHANGE_UNINSURED_PERSON, raise_exception=True)
def uninsured_person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = uninsured_person_get(user=request.user, pk=pk)  # type: ignore[arg-type]
    if person is None:
        raise Http404("没有找到该人员。")
    back = safe_next(request, ledger_page_url(person.township, person.year))
    form = UninsuredOutcomeForm(
        request.POST or None, initial={field: getattr(person, field) for field in OUTCOME_FIELDS}
    )
    if request.method == "POST" and form.is_valid():
        try:
            uninsured_person_update(
                actor=request.user,  # type: ignore[arg-type]
                person=person,
                today=timezone.localdate(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已保存{person.name}的工作情况。")
            return redirect(back)
    status = 400 if request.method == "POST" else 200
    context = {
        "person": person,
        "form": form,
        "back": back,
        "id_number": id_number_on_page(person.id_number),
    }
    return render(request, "uninsured/person_edit.html", context, status=status)


@login_required
@permission_required(CHANGE_UNINSURED_PERSON, raise_exception=True)
def uninsured_person_new(request: HttpRequest) -> HttpResponse:
    township = township_from(request, request.GET.get("township"))
    if township is None:
        raise Http404(NOT_FOUND)
    year = year_from(request, township)
    villages = uninsured_villages(township=township)
    form = UninsuredPersonForm(request.POST or None, villages=villages, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        try:
            person = uninsured_person_create(
                actor=request.user,  # type: ignore[arg-type]
                township=township,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已将{person.name}加入{township.name}{person.year}年度未参保台账。")
            return redirect(ledger_page_url(township, person.year))
    status = 400 if request.method == "POST" else 200
    context = {"township": township, "year": year, "form": form, "back": ledger_page_url(township, year)}
    return render(request, "uninsured/person_new.html", context, status=status)
