"""Uploads between preview and confirm: the file on disk (services.uploads.StagedUpload), its record in the
session."""

from typing import Any

from django.http import Http404, HttpRequest

from ..services.uploads import StagedUpload, uninsured_upload_discard

ROWS_SHOWN = 200
SESSION_UPLOADS = "uninsured_uploads"
UPLOADS_REMEMBERED = 5


def upload_remember(request: HttpRequest, *, kind: str, staged: StagedUpload, parameters: dict[str, Any]) -> None:
    uploads = dict(request.session.get(SESSION_UPLOADS, {}))
    uploads[staged.token] = {"kind": kind, **staged.as_session(), **parameters}
    while len(uploads) > UPLOADS_REMEMBERED:
        oldest = uploads.pop(next(iter(uploads)))
        uninsured_upload_discard(staged=StagedUpload.from_session(oldest))
    request.session[SESSION_UPLOADS] = uploads


def upload_remembered(request: HttpRequest, *, kind: str, token: str) -> tuple[StagedUpload, dict[str, Any]]:
    """An upload of this session; another session's token (or a forgotten one) does not exist."""
    data = request.session.get(SESSION_UPLOADS, {}).get(token)
    if data is None or data["kind"] != kind:
        raise Http404("没有找到该上传文件，请重新上传。")
    return StagedUpload.from_session(data), data


def upload_forget(request: HttpRequest, staged: StagedUpload) -> None:
    uninsured_upload_discard(staged=staged)
    uploads = dict(request.session.get(SESSION_UPLOADS, {}))
    uploads.pop(staged.token, None)
    request.session[SESSION_UPLOADS] = uploads
