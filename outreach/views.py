"""Pages of outreach (动员参保): the campaigns of the user's scope, a new campaign with its preview, a campaign with
its counts, messages, files and printed notices, and the phones that opted out.

A campaign outside the user's scope answers 404 like one that does not exist; a user without the permission 403.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from accounts.permissions import ADD_CAMPAIGN, VIEW_CAMPAIGN
from accounts.personal_data import id_number_on_page
from accounts.requests import AuthenticatedHttpRequest
from core.excel import report_xlsx_response
from core.jobs import SUBMISSION_DEFERRED_MESSAGE, job_submission_deferred
from core.lists import list_page

from .exports import campaign_file_content, campaign_messages_report
from .forms import CampaignForm, MessageFilterForm, PhoneOptOutForm
from .models import Campaign, CampaignStatus, Channel
from .selectors import (
    campaign_get,
    campaign_latest_job,
    campaign_list,
    campaign_messages,
    campaign_outcome_counts,
    campaign_village_notices,
    phone_opt_out_get,
    phone_opt_outs,
)
from .services import (
    campaign_create,
    campaign_preview,
    campaign_send_request,
    phone_opt_out_create,
    phone_opt_out_delete,
)
from .sources import source_label
from .tasks import campaign_send_job_run_task

CAMPAIGNS_PER_PAGE = 30
MESSAGES_PER_PAGE = 50
NOT_FOUND = "没有找到该动员活动，或不在您的管辖范围内。"


def _form_errors_add(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _campaign_or_404(request: AuthenticatedHttpRequest, pk: int) -> Campaign:
    campaign = campaign_get(user=request.user, pk=pk)
    if campaign is None:
        raise Http404(NOT_FOUND)
    return campaign


@login_required
@permission_required(VIEW_CAMPAIGN, raise_exception=True)
def campaign_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    listing = list_page(
        request, campaign_list(user=request.user), per_page=CAMPAIGNS_PER_PAGE, search_fields=("name", "division__name")
    )
    rows = [(campaign, source_label(campaign.source)) for campaign in listing.page.object_list]
    context = {"page": listing.page, "rows": rows, "query": request.GET.get("q", ""), "page_query": listing.link_query}
    return render(request, "outreach/campaign_list.html", context)


@login_required
@permission_required(ADD_CAMPAIGN, raise_exception=True)
def campaign_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = CampaignForm(request.POST or None, user=request.user, today=today)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        checked = {
            "source": data["source"],
            "division_code": data["division"],
            "year": data["year"],
            "template": data["template"],
            "today": today,
        }
        try:
            if request.POST.get("action") == "send":
                campaign = campaign_create(actor=request.user, name=data["name"], channel=data["channel"], **checked)
                job = campaign_send_request(actor=request.user, campaign=campaign)
            else:
                preview = campaign_preview(actor=request.user, **checked)
        except ValidationError as error:
            _form_errors_add(form, error)
        else:
            if preview is None:
                if job_submission_deferred(task=campaign_send_job_run_task, job_id=job.pk):
                    messages.warning(request, SUBMISSION_DEFERRED_MESSAGE)
                else:
                    messages.success(request, f"已创建「{campaign.name}」并开始发送。")
                return redirect("campaign_detail", pk=campaign.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "outreach/campaign_new.html", {"form": form, "preview": preview}, status=status)


@login_required
@permission_required(VIEW_CAMPAIGN, raise_exception=True)
def campaign_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    form = MessageFilterForm(request.GET)
    outcome = form.cleaned_data["outcome"] if form.is_valid() else ""
    listing = list_page(
        request,
        campaign_messages(campaign=campaign, outcome=outcome),
        per_page=MESSAGES_PER_PAGE,
        search_fields=("name",),
    )
    job = campaign_latest_job(campaign=campaign)
    context = {
        "campaign": campaign,
        "source_label": source_label(campaign.source),
        "counts": campaign_outcome_counts(campaign=campaign),
        "job": job,
        "running": job is not None and not job.finished,
        "form": form,
        "page": listing.page,
        "rows": [(message, id_number_on_page(message.id_number)) for message in listing.page.object_list],
        "page_query": listing.link_query,
        "file_channel": campaign.channel != Channel.NOTICE,
    }
    return render(request, "outreach/campaign_detail.html", context)


@login_required
@permission_required(ADD_CAMPAIGN, raise_exception=True)
@require_POST
def campaign_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    job = campaign_latest_job(campaign=campaign)
    if campaign.status == CampaignStatus.SENDING and job is not None and not job.finished and not job.interrupted:
        messages.info(request, "该活动正在发送中。")
    else:
        campaign_send_request(actor=request.user, campaign=campaign)
        messages.success(request, "已开始发送：已发送过的人员不会重复发送。")
    return redirect("campaign_detail", pk=campaign.pk)


@login_required
@permission_required(VIEW_CAMPAIGN, raise_exception=True)
def campaign_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign_or_404(request, pk)
    return report_xlsx_response(campaign_messages_report(user=request.user, campaign=campaign))


@login_required
@permission_required(VIEW_CAMPAIGN, raise_exception=True)
def campaign_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The file for the SMS platform: the messages generated when no platform was configured."""
    campaign = _campaign_or_404(request, pk)
    response = HttpResponse(campaign_file_content(campaign=campaign), content_type="text/csv; charset=utf-8")
    file_name = f"{campaign.name}短信文件.csv"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file_name) or "attachment"
    return response


@login_required
@permission_required(VIEW_CAMPAIGN, raise_exception=True)
def campaign_notices(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The printed notices (告知书): one per person, grouped by village, each village from a new A4 page."""
    campaign = _campaign_or_404(request, pk)
    villages = [
        (group.village_name, [(message, id_number_on_page(message.id_number)) for message in group.messages])
        for group in campaign_village_notices(campaign=campaign)
    ]
    context = {"campaign": campaign, "villages": villages, "today": timezone.localdate()}
    return render(request, "outreach/campaign_notices.html", context)


# --- Opt-outs ------------------------------------------------------------------------------------------------------


@login_required
@permission_required(ADD_CAMPAIGN, raise_exception=True)
def opt_out_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = PhoneOptOutForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            opt_out = phone_opt_out_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors_add(form, error)
        else:
            messages.success(request, f"已登记{opt_out.phone}拒收短信。")
            return redirect("opt_out_list")
    listing = list_page(
        request, phone_opt_outs(user=request.user), per_page=CAMPAIGNS_PER_PAGE, search_fields=("phone",)
    )
    context = {"form": form, "page": listing.page, "page_query": listing.link_query, "query": request.GET.get("q", "")}
    status = 400 if request.method == "POST" else 200
    return render(request, "outreach/opt_outs.html", context, status=status)


@login_required
@permission_required(ADD_CAMPAIGN, raise_exception=True)
@require_POST
def opt_out_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    opt_out = phone_opt_out_get(user=request.user, pk=pk)
    if opt_out is None:
        raise Http404("没有找到该号码。")
    phone_opt_out_delete(opt_out=opt_out)
    messages.success(request, f"已取消{opt_out.phone}的拒收登记，以后的提醒将发送到该号码。")
    return redirect(reverse("opt_out_list"))
