"""窗口凭证: the receipt of a payment or refund (A4 or 80 mm ticket), its prints and reprints (补打), a refund asked
for at the window (R12), and the clerk's day (日结) as a page and an Excel file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.requests import AuthenticatedHttpRequest
from accounts.scope import user_scope_code_at
from core.excel import report_xlsx_response
from core.reports import report_page_table
from divisions.models import Division, DivisionLevel

from ..exports import clerk_day_report
from ..forms.receipts import ClerkDayForm, RefundForm
from ..models import ClerkDayClose, Enrollment, Receipt, ReceiptKind
from ..receipt_lines import receipt_lines
from ..rules import REFUND_REASON_LABELS, amount_in_capitals, day_totals
from ..selectors import (
    clerk_day_movements,
    enrollment_get,
    enrollment_held_for_user,
    receipt_get,
    receipt_list_for_enrollment,
)
from ..services.enrollments import refund_request
from ..services.receipts import clerk_day_close, receipt_print_record
from .residents import shown_id_number
from .window import WINDOW_PERMISSION, held_enrollment_get

PAPER_TICKET = "ticket"
# The session remembers a print just recorded, until the receipt's page that prints it opens once: the same address
# opened again (reloaded, from the history) does not print an unrecorded copy.
PRINT_PENDING = "receipt_print_pending"


def _clerk_name(user: object) -> str:
    return getattr(user, "first_name", "") or getattr(user, "username", "")


def _receipt_context(request: AuthenticatedHttpRequest, receipt: Receipt) -> dict:
    enrollment = receipt.enrollment
    paper = PAPER_TICKET if request.GET.get("format") == PAPER_TICKET else "a4"
    printing = request.GET.get("print") == "1" and request.session.pop(PRINT_PENDING, None) == receipt.pk
    prints = list(receipt.prints.select_related("printed_by"))
    # 补打 on the receipt: the one printed just now was a reprint, or, before printing, the next one will be
    reprint = (printing and bool(prints) and prints[-1].reprint) or (not printing and bool(prints))
    payments = list(receipt.payments.order_by("id"))
    return {
        "receipt": receipt,
        "enrollment": enrollment,
        "bureau_name": f"{receipt.county.name}医疗保障局",
        "is_refund": receipt.kind == ReceiptKind.REFUND,
        "amount": abs(receipt.amount),
        "amount_capitals": amount_in_capitals(abs(receipt.amount)),
        "payments": [(payment, abs(payment.amount)) for payment in payments],
        "refund_reason": REFUND_REASON_LABELS.get(payments[0].reason, "") if payments else "",
        "shown_id_number": shown_id_number(request, enrollment.resident),
        "clerk_name": _clerk_name(receipt.issued_by),
        "paper": paper,
        "printing": printing,
        "reprint": reprint,
        "prints": prints,
        "other_receipts": [other for other in receipt_list_for_enrollment(enrollment=enrollment) if other != receipt],
        "extra_lines": receipt_lines(enrollment=enrollment, today=timezone.localdate()),
        "may_refund": request.user.has_perm(WINDOW_PERMISSION)
        and enrollment_held_for_user(user=request.user, enrollment=enrollment),
    }


@login_required
@permission_required("enrollment.view_enrollment", raise_exception=True)
def receipt_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    receipt = receipt_get(user=request.user, pk=pk)
    if receipt is None:
        raise Http404("没有找到该凭证。")
    return render(request, "enrollment/receipt_detail.html", _receipt_context(request, receipt))


@login_required
@permission_required("enrollment.view_enrollment", raise_exception=True)
def enrollment_receipt(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The receipt of an enrollment's latest window movement; an enrollment paid through another channel has no
    receipt of the window and shows its payments."""
    enrollment: Enrollment | None = enrollment_get(user=request.user, pk=pk)
    if enrollment is None:
        raise Http404("没有找到该缴费记录。")
    latest = receipt_list_for_enrollment(enrollment=enrollment).last()
    if latest is not None:
        receipt = receipt_get(user=request.user, pk=latest.pk)
        if receipt is not None:
            return render(request, "enrollment/receipt_detail.html", _receipt_context(request, receipt))
    context = {
        "enrollment": enrollment,
        "shown_id_number": shown_id_number(request, enrollment.resident),
        "payments": enrollment.payments.select_related("recorded_by"),
        "extra_lines": receipt_lines(enrollment=enrollment, today=timezone.localdate()),
    }
    return render(request, "enrollment/receipt_payments.html", context)


@login_required
@permission_required(WINDOW_PERMISSION, raise_exception=True)
@require_POST
def receipt_print(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record the print (打印, later 补打), then open the receipt to print it."""
    receipt = receipt_get(user=request.user, pk=pk)
    if receipt is None:
        raise Http404("没有找到该凭证。")
    paper = PAPER_TICKET if request.POST.get("paper") == PAPER_TICKET else "a4"
    receipt_print_record(actor=request.user, receipt=receipt, paper=paper)
    request.session[PRINT_PENDING] = receipt.pk
    return redirect(f"{reverse('receipt_detail', kwargs={'pk': receipt.pk})}?format={paper}&print=1")


@login_required
@permission_required(WINDOW_PERMISSION, raise_exception=True)
def refund_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """退费申请 at the window (R12): the reason, the date and, for a death, its date; the refund receipt follows."""
    enrollment = held_enrollment_get(request, pk, doing="申请退费")
    if not isinstance(enrollment, Enrollment):
        return enrollment
    form = RefundForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            refund_request(
                actor=request.user,
                enrollment=enrollment,
                reason=data["reason"],
                date=data["date"],
                death_date=data["death_date"],
            )
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, field_messages)
        else:
            messages.success(request, f"已办理{enrollment.insurance_year}年度退费。")
            return redirect("window_receipt", pk=enrollment.pk)
    context = {"enrollment": enrollment, "shown_id_number": shown_id_number(request, enrollment.resident), "form": form}
    return render(request, "enrollment/receipt_refund.html", context)


def _own_county(request: AuthenticatedHttpRequest) -> Division | None:
    code = user_scope_code_at(user=request.user, levels=(DivisionLevel.COUNTY,))
    return Division.objects.filter(code=code).first() if code else None


@login_required
@permission_required(WINDOW_PERMISSION, raise_exception=True)
def day_close_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The clerk's day: receipts and refunds dated that day, totals per channel and per subsidy category; as Excel
    with ?export=xlsx."""
    form = ClerkDayForm(request.GET or None, initial={"date": timezone.localdate()})
    date = form.cleaned_data["date"] if form.is_valid() else timezone.localdate()
    movements = clerk_day_movements(clerk=request.user, date=date)
    totals = day_totals(movement for _payment, movement in movements)
    county = _own_county(request)
    report = clerk_day_report(
        clerk_name=_clerk_name(request.user),
        unit=f"{county.name}医疗保障局" if county else "",
        date=date,
        movements=movements,
        totals=totals,
    )
    if request.GET.get("export") == "xlsx":
        return report_xlsx_response(report)
    context = {
        "form": form,
        "date": date,
        "report": report,
        "table": report_page_table(report),
        "totals": totals,
        "closed": ClerkDayClose.objects.filter(clerk=request.user, date=date).first(),
        "may_close": date <= timezone.localdate(),
    }
    return render(request, "enrollment/day_close.html", context)


@login_required
@permission_required(WINDOW_PERMISSION, raise_exception=True)
@require_POST
def day_close_submit(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ClerkDayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写日结日期。")
        return redirect("day_close")
    date = form.cleaned_data["date"]
    try:
        clerk_day_close(actor=request.user, date=date)
    except ValidationError as error:
        messages.error(request, "；".join(text for texts in error.message_dict.values() for text in texts))
    else:
        messages.success(request, f"{date.year}年{date.month}月{date.day}日已日结，当日收付记录不能再变更。")
    return redirect(f"{reverse('day_close')}?date={date.isoformat()}")
