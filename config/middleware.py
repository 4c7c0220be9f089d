"""Middleware of the whole site: a database that cannot be reached answers a plain Chinese page (503), never a
traceback; a NUL character is refused; behind a proxy, the client's own address is the one the proxy names."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError):
            return None
        logger.error("数据库无法连接：%s %s", request.method, request.path, exc_info=exception)
        # Rendered without the request: the page must not touch the session, the user or the database.
        return HttpResponse(render_to_string("503.html"), status=503, headers={"Retry-After": "60"})


NUL_REFUSED = "请求中含有不允许的空字符（\\0），请检查输入。"


class NulCharacterMiddleware:
    """PostgreSQL stores no NUL character in text: a request carrying one is refused here (400), before any query
    could fail on it with a server error. Uploaded files are binary and are not looked at."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._carries_nul(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"non_field_errors": [NUL_REFUSED]}, status=400)
            return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or any("\x00" in value for values in request.GET.lists() for value in values[1]):
            return True
        if request.content_type in ("application/json", "application/x-www-form-urlencoded"):
            return b"\x00" in request.body or b"\\u0000" in request.body
        return False


class ProxiedClientAddressMiddleware:
    """Behind a proxy the peer of every request is the proxy. The person's own address, which the personal-data and
    export records keep and django-axes locks a login out by, is then the one the proxy writes into the header named
    by CLIENT_ADDRESS_HEADER (docker-compose.yml's nginx: X-Real-IP). Without that setting the header is ignored:
    anyone can send it, and only a proxy that always overwrites it makes it true."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        header = settings.CLIENT_ADDRESS_HEADER
        self.meta_key = "HTTP_" + header.upper().replace("-", "_") if header else ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.meta_key:
            address = request.META.get(self.meta_key, "").strip()
            if address:
                request.META["REMOTE_ADDR"] = address
        return self.get_response(request)
