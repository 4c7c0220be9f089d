"""Pages of the pushed uninsured lists (R13.5): the lists and their signing, the province pushing a list down.

A township or list outside the user's scope answers 404; a user without the permission answers 403.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import CHANGE_UNINSURED_PERSON, PUSH_UNINSURED_LIST, VIEW_UNINSURED
from core.excel import xlsx_response
from core.lists import list_page

from ..forms import UninsuredPushForm
from ..resources import push_template_bytes
from ..selectors import uninsured_list_progress, uninsured_lists
from ..services.lists import uninsured_list_sign, uninsured_list_signer, uninsured_push_check, uninsured_push_confirm
from ..services.uploads import uninsured_upload_content, uninsured_upload_stage
from .uploads import ROWS_SHOWN, upload_forget, upload_remember, upload_remembered

LISTS_PER_PAGE = 20


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
    uninsured_list = uninsured_lists(user=request.user).filter(pk=pk).first()  # type: ignore[arg-type]
    if uninsured_list is None:
        raise Http404("没有找到该名单。")
    try:
        uninsured_list = uninsured_list_sign(actor=request.user, uninsured_list=uninsured_list)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"已签领「{uninsured_list.title}」，请逐人反馈工作情况。")
    return redirect("uninsured_lists")


# --- The province pushes a list down ------------------------------------------------------------------------------


@login_required
@permission_required(PUSH_UNINSURED_LIST, raise_exception=True)
def uninsured_push(request: HttpRequest) -> HttpResponse:
    form = UninsuredPushForm(request.POST or None, request.FILES or None, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        staged = uninsured_upload_stage(file_name=upload.name, content=upload.read())
        parameters = {"year": form.cleaned_data["year"], "deadline": form.cleaned_data["deadline"].isoformat()}
        upload_remember(request, kind="push", staged=staged, parameters=parameters)
        return redirect("uninsured_push_preview", token=staged.token)
    status = 400 if request.method == "POST" else 200
    return render(request, "uninsured/push.html", {"form": form}, status=status)


@login_required
@permission_required(PUSH_UNINSURED_LIST, raise_exception=True)
def uninsured_push_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(push_template_bytes(), "未参保人员名单模板.xlsx")


@login_required
@permission_required(PUSH_UNINSURED_LIST, raise_exception=True)
def uninsured_push_preview(request: HttpRequest, token: str) -> HttpResponse:
    staged, parameters = upload_remembered(request, kind="push", token=token)
    try:
        content = uninsured_upload_content(staged=staged)
    except ValidationError as error:
        upload_forget(request, staged)
        messages.error(request, "；".join(error.messages))
        return redirect("uninsured_push")
    preview = uninsured_push_check(
        actor=request.user,  # type: ignore[arg-type]
        year=parameters["year"],
        file_name=staged.file_name,
        content=content,
    )
    context = {
        "staged": staged,
        "year": parameters["year"],
        "deadline": datetime.date.fromisoformat(parameters["deadline"]),
        "preview": preview,
        "rows": preview.rows[:ROWS_SHOWN],
        "row_errors": preview.row_errors[:ROWS_SHOWN],
        "rows_shown": ROWS_SHOWN,
    }
    return render(request, "uninsured/push_preview.html", context)


@login_required
@permission_required(PUSH_UNINSURED_LIST, raise_exception=True)
@require_POST
def uninsured_push_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    staged, parameters = upload_remembered(request, kind="push", token=token)
    try:
        result = uninsured_push_confirm(
            actor=request.user,  # type: ignore[arg-type]
            year=parameters["year"],
            deadline=datetime.date.fromisoformat(parameters["deadline"]),
            file_name=staged.file_name,
            content=uninsured_upload_content(staged=staged),
            today=timezone.localdate(),
        )
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("uninsured_push_preview", token=token)
    upload_forget(request, staged)
    messages.success(
        request,
        f"已下发{len(result.lists)}份名单：新增{result.created}人，"
        f"关联乡镇自行摸排的{result.linked}人，已在其他名单中的{result.kept}人保持不变。",
    )
    return redirect("uninsured_lists")
