"""新生儿 pages: births (出生一件事, R7.1-R7.3), identity completion (R7.5) and the births still without an ID
number with their Excel file."""

import datetime
from collections.abc import Iterable, Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import (
    ADD_BIRTH_RECORD,
    CHANGE_BIRTH_RECORD,
    VIEW_BIRTH_RECORD,
)
from accounts.personal_data import id_number_for, id_number_on_page
from accounts.requests import AuthenticatedHttpRequest
from accounts.scope import user_scope_code
from core.excel import report_xlsx_response
from core.lists import list_page
from core.reports import Report, columns_of
from divisions.models import Division
from enrollment.models import Enrollment, Resident
from enrollment.rules import NEWBORN_PROGRAMME

from ..forms.births import (
    AwaitingIdForm,
    IdentityCompletionForm,
    NewbornRegistrationForm,
)
from ..models import BirthRecord, RegistrationChannel
from ..selectors.births import (
    birth_record_awaiting_id,
    birth_record_detail,
    birth_record_search,
)
from ..selectors.medical_codes import medical_code_of_birth, medical_code_standing_on
from ..services.births import (
    newborn_identity_complete,
    newborn_register,
)

NEWBORNS_PER_PAGE = 50
AWAITING_ID_HEADERS = [
    "出生医学证明编号",
    "姓名",
    "性别",
    "出生日期",
    "出生天数",
    "母亲身份证号",
    "临时标识",
    "乡（镇）",
    "村（社区）",
    "参保登记日期",
]
AWAITING_ID_WIDTHS = [18, 10, 6, 12, 10, 22, 24, 14, 22, 14]


# --- Shown values ------------------------------------------------------------------------------------------------


def id_shown(user: User, id_number: str) -> str:
    """In a file or on the printed 登记表 the applicant takes away: whole for those allowed to see it, else masked."""
    return id_number_for(user=user, id_number=id_number) if id_number else id_number


def id_on_page(id_number: str) -> str:
    """On a page: masked (placeholders keep their B suffix); the whole number only through a recorded reveal."""
    return id_number_on_page(id_number) if id_number else id_number


def _identity_text(user: User, resident: Resident | None) -> str:
    if resident is None:
        return "—"
    shown = id_on_page(resident.id_number)
    return f"待落户（临时标识 {shown}）" if resident.id_number_is_placeholder else shown


def _date_text(date: datetime.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def benefit_text(enrollment: Enrollment | None) -> str:
    if enrollment is None:
        return "尚无参保记录"
    if enrollment.benefit_start is None or enrollment.benefit_end is None:
        return f"{enrollment.insurance_year}年度无待遇期（{enrollment.get_status_display()}）"
    return (
        f"{enrollment.insurance_year}年度待遇享受期 {_date_text(enrollment.benefit_start)} 至 "
        f"{_date_text(enrollment.benefit_end)}"
    )


def _payment_text(enrollment: Enrollment) -> str:
    if enrollment.subsidy_category == NEWBORN_PROGRAMME:
        return f"个人缴费¥{enrollment.individual_due}，¥{enrollment.subsidy_amount}由财政全额资助（R7.2）"
    return f"个人应缴¥{enrollment.individual_due}"


def form_errors_add(form: Form, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


def _unit(user: User) -> str:
    return user.division.name if user.division else "全省"


def village_columns(division: Division) -> list[str]:
    """乡（镇） and 村（社区） of a village; a township stands alone."""
    return [division.parent.name if division.parent else "", division.name]


# --- Births: list, registration, record, identity completion (R7.1-R7.5) -------------------------------------


@login_required
@permission_required(VIEW_BIRTH_RECORD, raise_exception=True)
def newborn_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    query = request.GET.get("q", "").strip()
    records = birth_record_search(user=user, search=query)
    if query:
        exact = records.filter(birth_certificate_no=query).first()
        if exact is not None:
            return redirect("newborn_detail", birth_certificate_no=exact.birth_certificate_no)
    listing = list_page(request, records, per_page=NEWBORNS_PER_PAGE)
    rows = [
        (
            record,
            id_on_page(record.mother_id_number),
            _identity_text(user, record.resident),
            benefit_text(record.enrollment),
        )
        for record in listing.page.object_list
    ]
    context = {"query": query, "page": listing.page, "rows": rows, "page_query": listing.link_query}
    return render(request, "newborns/newborn_list.html", context)


@login_required
@permission_required(ADD_BIRTH_RECORD, raise_exception=True)
def newborn_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    form = NewbornRegistrationForm(
        request.POST or None, scope_code=user_scope_code(user=user), today=timezone.localdate()
    )
    if request.method == "POST" and form.is_valid():
        try:
            record, created = newborn_register(actor=user, channel=RegistrationChannel.WINDOW, **form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            if created:
                messages.success(request, _registered_message(record))
            else:
                registered = _date_text(record.registration_date)
                messages.warning(request, f"该出生医学证明已登记（{registered}登记），未重复登记。")
            return redirect("newborn_detail", birth_certificate_no=record.birth_certificate_no)
    return render(request, "newborns/newborn_form.html", {"form": form})


def _registered_message(record: BirthRecord) -> str:
    enrollment = record.enrollment
    text = f"已登记新生儿{record.name}：{benefit_text(enrollment)}"
    if enrollment is not None:
        text += f"，{_payment_text(enrollment)}"
    return f"{text}。"


def _record_or_404(request: AuthenticatedHttpRequest, birth_certificate_no: str) -> BirthRecord:
    record = birth_record_detail(user=request.user, birth_certificate_no=birth_certificate_no)
    if record is None:
        raise Http404("没有找到该出生登记。")
    return record


def _detail_context(
    request: AuthenticatedHttpRequest, record: BirthRecord, identity_form: IdentityCompletionForm | None = None
) -> dict[str, object]:
    user: User = request.user
    resident = record.resident
    can_complete = resident is not None and resident.id_number_is_placeholder and user.has_perm(CHANGE_BIRTH_RECORD)
    enrollment = record.enrollment
    medical_code = medical_code_of_birth(record=record)
    return {
        "record": record,
        "medical_code": medical_code,
        "medical_code_standing": (
            medical_code_standing_on(medical_code=medical_code, today=timezone.localdate())
            if medical_code is not None
            else None
        ),
        "resident": resident,
        "mother_id_shown": id_on_page(record.mother_id_number),
        "identity_text": _identity_text(user, resident),
        "enrollment": enrollment,
        "benefit_text": benefit_text(enrollment),
        "payment_text": _payment_text(enrollment) if enrollment is not None else "",
        "pre_enrollment_placeholder": getattr(record, "pre_enrollment_placeholder", None),
        "identity_form": (identity_form or IdentityCompletionForm()) if can_complete else None,
    }


@login_required
@permission_required(VIEW_BIRTH_RECORD, raise_exception=True)
def newborn_detail(request: AuthenticatedHttpRequest, birth_certificate_no: str) -> HttpResponse:
    record = _record_or_404(request, birth_certificate_no)
    return render(request, "newborns/newborn_detail.html", _detail_context(request, record))


@login_required
@permission_required(CHANGE_BIRTH_RECORD, raise_exception=True)
@require_POST
def newborn_identity(request: AuthenticatedHttpRequest, birth_certificate_no: str) -> HttpResponse:
    """R7.5: 补录身份证号 for a birth registered without one."""
    record = _record_or_404(request, birth_certificate_no)
    form = IdentityCompletionForm(request.POST)
    if form.is_valid():
        try:
            record = newborn_identity_complete(
                actor=request.user,
                record=record,
                id_number=form.cleaned_data["id_number"],
            )
        except ValidationError as error:
            form_errors_add(form, error)
        else:
            shown = id_on_page(record.resident.id_number)  # type: ignore[union-attr]
            messages.success(request, f"已补录身份证号{shown}，临时标识已更新为正式身份证号。")
            return redirect("newborn_detail", birth_certificate_no=record.birth_certificate_no)
    return render(request, "newborns/newborn_detail.html", _detail_context(request, record, identity_form=form))


# --- Births still without an ID number (R7.5 follow-up) -------------------------------------------------------


def _awaiting_id(request: AuthenticatedHttpRequest) -> tuple[AwaitingIdForm, int | None, list[BirthRecord] | None]:
    form = AwaitingIdForm(request.GET)
    if not form.is_valid():
        return form, None, None
    days = form.cleaned_data["days"]
    records = birth_record_awaiting_id(
        user=request.user,
        born_on_or_before=timezone.localdate() - datetime.timedelta(days=days),
    )
    return form, days, records  # type: ignore[return-value]


def _awaiting_id_row(user: User, record: BirthRecord, today: datetime.date) -> list[object]:
    return [
        record.birth_certificate_no,
        record.name,
        record.get_gender_display(),
        record.birth_date.isoformat(),
        (today - record.birth_date).days,
        id_shown(user, record.mother_id_number),
        id_shown(user, record.resident.id_number if record.resident else ""),
        *village_columns(record.division),
        record.registration_date.isoformat(),
    ]


@login_required
@permission_required(VIEW_BIRTH_RECORD, raise_exception=True)
def newborn_awaiting_id(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, days, records = _awaiting_id(request)
    if records is None:
        return render(request, "newborns/awaiting_id.html", {"form": form}, status=400)
    today = timezone.localdate()
    listing = list_page(request, records, per_page=NEWBORNS_PER_PAGE)
    rows = [(record, _awaiting_id_row(request.user, record, today)) for record in listing.page.object_list]
    context = {"form": form, "days": days, "page": listing.page, "rows": rows, "page_query": listing.link_query}
    return render(request, "newborns/awaiting_id.html", context)


@login_required
@permission_required(VIEW_BIRTH_RECORD, raise_exception=True)
def newborn_awaiting_id_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, days, records = _awaiting_id(request)
    if records is None:
        return render(request, "newborns/awaiting_id.html", {"form": form}, status=400)
    user: User = request.user
    today = timezone.localdate()
    title = f"出生满{days}天尚未补录身份证号的新生儿名单"
    rows = (_awaiting_id_row(user, record, today) for record in records)
    return ledger_response(
        user=user, title=title, headers=AWAITING_ID_HEADERS, rows=rows, widths=AWAITING_ID_WIDTHS, today=today
    )


def ledger_response(
    *,
    user: User,
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    widths: Sequence[int],
    today: datetime.date,
) -> HttpResponse:
    report = Report(title=title, unit=_unit(user), as_of=today, columns=columns_of(headers, widths), rows=rows)
    return report_xlsx_response(report)
