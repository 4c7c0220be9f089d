"""新生儿 pages: pre-enrollment and its printed 登记表 (R7.6), and the placeholders not linked in time with their Excel
file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import ADD_PRE_ENROLLMENT, VIEW_BIRTH_RECORD
from accounts.requests import AuthenticatedHttpRequest
from core.lists import list_page

from ..forms.births import PreEnrollmentForm, PregnancyTerminationForm
from ..models import PreEnrollment, PreEnrollmentStatus
from ..selectors.births import (
    UnlinkedPlaceholder,
    pre_enrollment_get,
    pre_enrollment_placeholders,
    pre_enrollment_search,
    pre_enrollment_unlinked,
)
from ..services.births import pre_enrollment_create, pre_enrollment_terminate
from .births import (
    NEWBORNS_PER_PAGE,
    benefit_text,
    form_errors_add,
    id_on_page,
    id_shown,
    ledger_response,
    village_columns,
)

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


# --- Pre-enrollment (预参保, R7.6) -----------------------------------------------------------------------------


@login_required
@permission_required(VIEW_BIRTH_RECORD, raise_exception=True)
def pre_enrollment_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    user: User = request.user
    query = request.GET.get("q", "").strip()
    applications = pre_enrollment_search(user=user, search=query)
    listing = list_page(request, applications, per_page=NEWBORNS_PER_PAGE)
    rows = [(application, id_on_page(application.mother.id_number)) for application in listing.page.object_list]
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
            form_errors_add(form, error)
        else:
            identities = "、".join(
                id_shown(request.user, placeholder.resident.id_number)
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
        (placeholder, id_shown(user, placeholder.resident.id_number), benefit_text(placeholder.enrollment))
        for placeholder in pre_enrollment_placeholders(pre_enrollment=pre_enrollment)
    ]
    # A refused termination of a pre-enrollment no longer waiting has no form left to show its message on.
    refusal = [] if can_terminate or termination_form is None else _all_messages(termination_form)
    return {
        "pre_enrollment": pre_enrollment,
        "mother_id_shown": id_shown(user, pre_enrollment.mother.id_number),
        "entrusted_id_shown": id_shown(user, pre_enrollment.entrusted_id_number),
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
            form_errors_add(form, error)
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
        id_shown(user, mother.id_number),
        pre_enrollment.phone,
        placeholder.resident.name,
        id_shown(user, placeholder.resident.id_number),
        record.birth_certificate_no if record is not None else "未登记出生",
        when,
        row.deadline.isoformat(),
        *village_columns(mother.household_division),
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
    return ledger_response(
        user=user,
        title="预参保逾期未补录身份证号的新生儿名单",
        headers=UNLINKED_HEADERS,
        rows=rows,
        widths=UNLINKED_WIDTHS,
        today=today,
    )
