"""Pages of the pushed uninsured lists (R13.5): the lists and their signing, the province pushing a list down.

A township or list outside the user's scope answers 404; a user without the permission answers 403.
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import CHANGE_UNINSURED_PERSON, PUSH_UNINSURED_LIST, VIEW_UNINSURED
from accounts.requests import AuthenticatedHttpRequest
from core.batch_views import action_response, batch_or_404, batch_rows_context, batch_upload_stage
from core.excel import xlsx_response
from core.lists import list_page

from ..forms import UninsuredPushForm
from ..models import UninsuredPushBatch
from ..resources import push_template_bytes
from ..selectors import uninsured_list_progress, uninsured_lists, uninsured_push_batches
from ..services.lists import uninsured_list_sign, uninsured_list_signer, uninsured_push_confirm, uninsured_push_stage

LISTS_PER_PAGE = 20
ROWS_SHOWN = 200


# --- The pushed lists ---------------------------------------------------------------------------------------------


@login_required
@permission_required(VIEW_UNINSURED, raise_exception=True)
def uninsured_list_index(request: HttpRequest) -> HttpResponse:
    user = request.user
    listing = list_page(request, uninsured_lists(user=user), per_page=LISTS_PER_PAGE)  # type: ignore[arg-type]
    progress = uninsured_list_progress(lists=list(listing.page), today=timezone.localdate())
    signable = {
        item.uninsured_list.pk
        for item in progress
        if item.uninsured_list.signed_at is None
        and uninsured_list_signer(actor=user, uninsured_list=item.uninsured_list)  # type: ignore[arg-type]
    }
    return render(
        request,
        "uninsured/lists.html",
        {
            "page": listing.page,
            "page_query": listing.link_query,
            "progress": progress,
            "signable": signable,
            "today": timezone.localdate(),
        },
    )


@login_required
@permission_required(CHANGE_UNINSURED_PERSON, raise_exception=True)
@require_POST
def uninsured_list_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    uninsured_list = batch_or_404(uninsured_lists(user=request.user), pk, not_found_message="没有找到该名单。")  # type: ignore[arg-type]
    return action_response(
        request,
        action=lambda: uninsured_list_sign(actor=request.user, uninsured_list=uninsured_list),  # type: ignore[arg-type]
        success_message=lambda signed: f"已签领「{signed.title}」，请逐人反馈工作情况。",
        next_url=reverse("uninsured_lists"),
        errors_joined=True,
    )


# --- The province pushes a list down ------------------------------------------------------------------------------


def _push_batch_or_404(request: AuthenticatedHttpRequest, pk: int) -> UninsuredPushBatch:
    return batch_or_404(uninsured_push_batches(user=request.user), pk)


@login_required
@permission_required(PUSH_UNINSURED_LIST, raise_exception=True)
def uninsured_push(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UninsuredPushForm(request.POST or None, request.FILES or None, today=timezone.localdate())
    batch = batch_upload_stage(
        request,
        form,
        lambda data, **upload: uninsured_push_stage(
            actor=request.user, year=data["year"], deadline=data["deadline"], **upload
        ),
    )
    if batch is not None:
        return redirect("uninsured_push_preview", pk=batch.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "uninsured/push.html", {"form": form}, status=status)


@login_required
@permission_required(PUSH_UNINSURED_LIST, raise_exception=True)
def uninsured_push_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    return xlsx_response(push_template_bytes(), "未参保人员名单模板.xlsx")


@login_required
@permission_required(PUSH_UNINSURED_LIST, raise_exception=True)
def uninsured_push_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _push_batch_or_404(request, pk)
    return render(request, "uninsured/push_preview.html", batch_rows_context(batch, rows_shown=ROWS_SHOWN))


@login_required
@permission_required(PUSH_UNINSURED_LIST, raise_exception=True)
@require_POST
def uninsured_push_confirm_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _push_batch_or_404(request, pk)
    return action_response(
        request,
        action=lambda: uninsured_push_confirm(actor=request.user, batch=batch, today=timezone.localdate()),
        success_message=lambda done: (
            f"已下发{len(done.townships)}份名单：新增{done.created_count}人，"
            f"关联乡镇自行摸排的{done.linked_count}人，已在其他名单中的{done.kept_count}人保持不变。"
        ),
        next_url=reverse("uninsured_lists"),
        refused_url=reverse("uninsured_push_preview", kwargs={"pk": batch.pk}),
        errors_joined=True,
    )
