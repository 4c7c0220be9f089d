"""Every download is recorded (个人信息保护法): a response sent as an attachment leaves an ExportRecord."""

import re
from collections.abc import Callable
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse

from .services import export_record_create

ROW_COUNT_HEADER = "X-Canbao-Row-Count"
FILE_NAME = re.compile(r"filename\*=utf-8''(?P<encoded>[^;]+)|filename=\"?(?P<plain>[^\";]+)\"?", re.IGNORECASE)


def client_address(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class ExportRecordMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "")
        if response.status_code == 200 and disposition.startswith("attachment") and request.user.is_authenticated:
            match = FILE_NAME.search(disposition)
            file_name = unquote(match["encoded"]) if match and match["encoded"] else (match["plain"] if match else "")
            row_count = response.get(ROW_COUNT_HEADER)
            if row_count is not None:
                del response[ROW_COUNT_HEADER]  # for this record only, not for the browser
            export_record_create(
                user=request.user,
                path=request.path,
                query={key: request.GET.getlist(key) for key in request.GET},
                file_name=file_name,
                row_count=int(row_count) if row_count is not None else None,
                ip_address=client_address(request),
            )
        return response
