"""新生儿 pages: births (出生一件事, R7.1-R7.3), identity completion (R7.5), pre-enrollment and its printed 登记表
(R7.6), and the two follow-up lists with their Excel files."""

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
    ADD_PRE_ENROLLMENT,
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
    PreEnrollmentForm,
    PregnancyTerminationForm,
)
from ..models import BirthRecord, PreEnrollment, PreEnrollmentStatus, RegistrationChannel
from ..selectors.births import (
    UnlinkedPlaceholder,
    birth_record_awaiting_id,
    birth_record_detail,
    birth_record_search,
    pre_enrollment_get,
    pre_enrollment_placeholders,
    pre_enrollment_search,
    pre_enrollment_unlinked,
)
from ..services.births import (
    newborn_identity_complete,
    newborn_register,
    pre_enrollment_create,
    pre_enrollment_terminate,
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
UNLINKED_HEADERS = [
    "申请人",
    "申请人身份证号",
    "联系电话",
    "临时姓名",
    "临时标识",
    "出生医学证明编号",
    "出生日期（预产期）",
    "应补录期限",
    "乡（镇）",
    "村（社区）",
]
UNLINKED_WIDTHS = [10, 22, 14, 12, 24, 18, 18, 14, 14, 22]


# --- Shown values ------------------------------------------------------------------------------------------------


def _id_shown(user: User, id_number: str) -> str:
    """In a file or on the printed 登记表 the applicant takes away: whole for those allowed to see it, else masked."""
    return id_number_for(user=user, id_number=id_number) if id_number else id_number


def _id_on_page(id_number: str) -> str:
    """On a page: masked (placeholders keep their B suffix); the whole number only through a recorded reveal."""
    return id_number_on_page(id_number) if id_number else id_number


def _identity_text(user: User, resident: Resident | None) -> str:
    if resident is None:
        return "—"
    shown = _id_on_page(resident.id_number)
    return f"待落户（临时标识 {shown}）" if resident.id_number_is_placeholder else shown


def _date_text(date: datetime.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def _benefit_text(enrollment: Enrollment | None) -> str:
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


def _add_errors(form: Form, error: ValidationError) -> None:
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


def _unit(user: User) -> str:
    return user.division.name if user.division else "全省"


def _village_columns(division: Division) -> list[str]:
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
            _id_on_page(record.mother_id_number),
            _identity_text(user, record.resident),
            _benefit_text(record.enrollment),
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
            _add_errors(form, error)
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
    text = f"已登记新生儿{record.name}：{_benefit_text(enrollment)}"
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
    return {
        "record": record,
        "resident": resident,
        "mother_id_shown": _id_on_page(record.mother_id_number),
        "identity_text": _identity_text(user, resident),
        "enrollment": enrollment,
        "benefit_text": _benefit_text(enrollment),
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
            _add_errors(form, error)
        else:
            shown = _id_on_page(record.resident.id_number)  # type: ignore[union-attr]
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
        _id_shown(user, record.mother_id_number),
        _id_shown(user, record.resident.id_number if record.resident else ""),
        *_village_columns(record.division),
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
    return _ledger_response(
        user=user, title=title, headers=AWAITING_ID_HEADERS, rows=rows, widths=AWAITING_ID_WIDTHS, today=today
    )


def _ledger_response(
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


# --- Pre-enrollment (预参保, R7.6) -----------------------------------------------------------------------------


@login_required
@permission_required(VIEW_BIRTH_RECORD, raise_exception=True)
def pre_enrollment_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    query = request.GET.get("q", "").strip()
    applications = pre_enrollment_search(user=user, search=query)
    listing = list_page(request, applications, per_page=NEWBORNS_PER_PAGE)
    rows = [(application, _id_on_page(application.mother.id_number)) for application in listing.page.object_list]
    context = {"query": query, "page": listing.page, "rows": rows, "page_query": listing.link_query}
    return render(request, "newborns/pre_enrollment_list.html", context)


@login_required
@permission_required(ADD_PRE_ENROLLMENT, raise_exception=True)
def pre_enrollment_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PreEnrollmentForm(request.POST or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            pre_enrollment = pre_enrollment_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            identities = "、".join(
                _id_shown(request.user, placeholder.resident.id_number)
                for placeholder in pre_enrollment_placeholders(pre_enrollment=pre_enrollment)
            )
            messages.success(request, f"已受理新生儿预参保，临时标识：{identities}。请打印登记表交申请人签名。")
            return redirect("pre_enrollment_detail", pk=pre_enrollment.pk)
    return render(request, "newborns/pre_enrollment_form.html", {"form": form})


def _pre_enrollment_or_404(request: AuthenticatedHttpRequest, pk: int) -> PreEnrollment:
    pre_enrollment = pre_enrollment_get(user=request.user, pk=pk)
    if pre_enrollment is None:
        raise Http404("没有找到该预参保登记。")
    return pre_enrollment


def _pre_enrollment_context(
    request: AuthenticatedHttpRequest,
    pre_enrollment: PreEnrollment,
    termination_form: PregnancyTerminationForm | None = None,
) -> dict[str, object]:
    user: User = request.user
    can_terminate = pre_enrollment.status == PreEnrollmentStatus.WAITING and user.has_perm(ADD_PRE_ENROLLMENT)
    placeholders = [
        (placeholder, _id_shown(user, placeholder.resident.id_number), _benefit_text(placeholder.enrollment))
        for placeholder in pre_enrollment_placeholders(pre_enrollment=pre_enrollment)
    ]
    # A refused termination of a pre-enrollment no longer waiting has no form left to show its message on.
    refusal = [] if can_terminate or termination_form is None else _all_messages(termination_form)
    return {
        "pre_enrollment": pre_enrollment,
        "mother_id_shown": _id_shown(user, pre_enrollment.mother.id_number),
        "entrusted_id_shown": _id_shown(user, pre_enrollment.entrusted_id_number),
        "placeholders": placeholders,
        "termination_form": (termination_form or PregnancyTerminationForm(today=timezone.localdate()))
        if can_terminate
        else None,
        "termination_refusal": refusal,
    }


def _all_messages(form: Form) -> list[str]:
    return [str(message) for field_messages in form.errors.values() for message in field_messages]


@login_required
@permission_required(VIEW_BIRTH_RECORD, raise_exception=True)
def pre_enrollment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pre_enrollment = _pre_enrollment_or_404(request, pk)
    return render(request, "newborns/pre_enrollment_detail.html", _pre_enrollment_context(request, pre_enrollment))


@login_required
@permission_required(ADD_PRE_ENROLLMENT, raise_exception=True)
@require_POST
def pre_enrollment_termination(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """R7.6, R12: 终止妊娠退费 — every placeholder's payment refunded, the placeholders voided."""
    pre_enrollment = _pre_enrollment_or_404(request, pk)
    form = PregnancyTerminationForm(request.POST, today=timezone.localdate())
    if form.is_valid():
        try:
            pre_enrollment_terminate(actor=request.user, pre_enrollment=pre_enrollment, date=form.cleaned_data["date"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "已办理终止妊娠退费，预参保缴费已退费，临时身份已注销。")
            return redirect("pre_enrollment_detail", pk=pre_enrollment.pk)
    context = _pre_enrollment_context(request, pre_enrollment, termination_form=form)
    return render(request, "newborns/pre_enrollment_detail.html", context)


# --- Placeholders not linked to a real ID in time (R7.6 follow-up) ---------------------------------------------


def _unlinked_row(user: User, row: UnlinkedPlaceholder) -> list[object]:
    placeholder = row.placeholder
    pre_enrollment = placeholder.pre_enrollment
    mother = pre_enrollment.mother
    record = placeholder.birth_record
    when = row.birth_or_expected.isoformat() if row.born else f"{row.birth_or_expected.isoformat()}（预产期）"
    return [
        mother.name,
        _id_shown(user, mother.id_number),
        pre_enrollment.phone,
        placeholder.resident.name,
        _id_shown(user, placeholder.resident.id_number),
        record.birth_certificate_no if record is not None else "未登记出生",
        when,
        row.deadline.isoformat(),
        *_village_columns(mother.household_division),
    ]


@login_required
@permission_required(VIEW_BIRTH_RECORD, raise_exception=True)
def pre_enrollment_unlinked_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    unlinked = pre_enrollment_unlinked(user=user, today=timezone.localdate())
    listing = list_page(request, unlinked, per_page=NEWBORNS_PER_PAGE)
    rows = [(row, _unlinked_row(user, row)) for row in listing.page.object_list]
    context = {"page": listing.page, "rows": rows, "page_query": listing.link_query}
    return render(request, "newborns/pre_enrollment_unlinked.html", context)


@login_required
@permission_required(VIEW_BIRTH_RECORD, raise_exception=True)
def pre_enrollment_unlinked_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    today = timezone.localdate()
    rows = (_unlinked_row(user, row) for row in pre_enrollment_unlinked(user=user, today=today))
    return _ledger_response(
        user=user,
        title="预参保逾期未补录身份证号的新生儿名单",
        headers=UNLINKED_HEADERS,
        rows=rows,
        widths=UNLINKED_WIDTHS,
        today=today,
    )
