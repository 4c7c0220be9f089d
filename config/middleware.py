"""A database that cannot be reached answers a plain Chinese page (503), never a traceback."""

import logging
from collections.abc import Callable

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
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
