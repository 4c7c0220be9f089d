"""The page steps every preview → confirm list shares: the scoped look-up of a batch, staging an upload from its
form, the rows and refused rows a batch's pages give, and a POST that confirms (retries, discards…) a batch or a
job, answered with a message and a redirect.

Each app's views keep their own URLs, permissions, templates and words; these functions hold only what is the same.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from .batches import PreviewBatch
from .excel import xlsx_response

Record = TypeVar("Record", bound=models.Model)
Batch = TypeVar("Batch", bound=PreviewBatch)
Result = TypeVar("Result")


def batch_or_404(batches: "models.QuerySet[Record]", pk: object, *, not_found_message: str | None = None) -> Record:
    """The record `pk` among `batches`, those the user may see: one outside them answers 404 like one that does
    not exist. The message is the batch model's own unless given."""
    record = batches.filter(pk=pk).first() if pk else None
    if record is None:
        raise Http404(not_found_message or getattr(batches.model, "not_found_message", PreviewBatch.not_found_message))
    return record


def batch_upload_stage(
    request: HttpRequest,
    form: forms.Form,
    stage: Callable[..., Batch],
    *,
    file_error_on_form: bool = False,
) -> Batch | None:
    """The batch `stage` records from the file of `form` when it is posted and valid, else None.

    `stage` is called with the form's cleaned data and `file_name=` and `content=` of the upload. With
    `file_error_on_form`, a file refused whole is shown as the form's file error instead, and None is returned.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    upload = form.cleaned_data["file"]
    batch = stage(form.cleaned_data, file_name=upload.name, content=upload.read())
    if file_error_on_form and batch.file_error:
        form.add_error("file", batch.file_error)
        return None
    return batch


def batch_rows_context(batch: PreviewBatch, *, rows_shown: int) -> dict[str, Any]:
    """What a batch's page shows of it: the first `rows_shown` checked rows and refused rows."""
    return {
        "batch": batch,
        "rows": batch.checked_rows[:rows_shown],
        "row_errors": batch.row_errors[:rows_shown],
        "rows_shown": rows_shown,
        "can_confirm": batch.can_confirm,
    }


def batch_row_errors_response(
    batch: PreviewBatch, *, build: Callable[..., bytes], no_errors_message: str
) -> HttpResponse:
    """The refused rows of `batch` as the xlsx `build(row_errors=...)` writes, named after the uploaded file; a batch
    without refused rows answers 404 with `no_errors_message`."""
    if not batch.row_errors:
        raise Http404(no_errors_message)
    return xlsx_response(build(row_errors=batch.row_errors), f"错误行-{batch.file_name}.xlsx")


def action_response(
    request: HttpRequest,
    *,
    action: Callable[[], Result],
    success_message: Callable[[Result], str],
    next_url: str,
    refused_url: str | None = None,
    errors_joined: bool = False,
) -> HttpResponse:
    """Answer a POST that confirms (or retries, discards…) a batch: run `action`, then redirect to `next_url` with
    its success message, or with its refusal's messages (to `refused_url` when given).

    `errors_joined` shows a refusal's messages as one message, joined by "；"; otherwise one message each.
    """
    try:
        result = action()
    except ValidationError as error:
        if errors_joined:
            messages.error(request, "；".join(error.messages))
        else:
            for message in error.messages:
                messages.error(request, message)
        return redirect(refused_url or next_url)
    messages.success(request, success_message(result))
    return redirect(next_url)
