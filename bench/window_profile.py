"""Where a window request's milliseconds go: the search and the quote, one request at a time, in process.

    python bench/window_profile.py measure window_profile <requests.json> <token>

Run by bench/run.py (latency_measure) in a process of its own, on the benchmark's database, with the requests the
latency measure sends. Each request goes through the whole Django stack (Django's test client: the WSGI handler's
middleware, URL resolving, DRF), the same settings as the server (DEBUG off). Timers wrap the phases named below;
a phase's time is its own, without the phases it calls (the personal-data record is not counted in the rendering
that calls it), and the SQL it sends is counted in it; what no phase holds (the handler, the middleware, URL
resolving, DRF's dispatch) is "the rest". Times are the mean per request over every profiled request.
"""

import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from bench.run import measure  # noqa: E402

REST = "the rest: WSGI handler, middleware, URL resolving, DRF dispatch"
# (phase, module, attribute): the functions whose time is a phase's, in the order the report lists them.
PHASES = [
    ("auth: token and user, permissions", "rest_framework.views", "APIView.initial"),
    ("request body parsed and checked", "rest_framework.serializers", "BaseSerializer.is_valid"),
    ("the scoped query (residents in the clerk's county, page and division name)", "rest_framework.generics",
     "GenericAPIView.paginate_queryset"),
    ("policy parameters (policy_resolve)", "enrollment.api.quotes", "policy_resolve"),
    ("the rules (quote, place of enrollment)", "enrollment.api.quotes", "quote_compute"),
    ("the rules (quote, place of enrollment)", "enrollment.api.quotes", "enrollment_place_check"),
    ("the serializer (answer to JSON-ready data)", "rest_framework.serializers", "Serializer.data"),
    ("the serializer (answer to JSON-ready data)", "rest_framework.serializers", "ListSerializer.data"),
    ("the personal-data access record", "accounts.renderers", "personal_data_api_answer_record"),
    ("JSON rendering", "rest_framework.renderers", "JSONRenderer.render"),
]  # fmt: skip


class PhaseClock:
    """Exclusive time per phase: entering a phase stops the clock of the phase it is called from."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.sql_seconds: dict[str, float] = defaultdict(float)
        self.queries: dict[str, int] = defaultdict(int)
        self.stack: list[list[Any]] = []  # [phase, started]

    def current(self) -> str:
        return self.stack[-1][0] if self.stack else REST

    def enter(self, phase: str) -> bool:
        if self.stack and self.stack[-1][0] == phase:
            return False  # a nested call of the same phase (a nested serializer) stays in it
        now = time.perf_counter()
        if self.stack:
            self.seconds[self.stack[-1][0]] += now - self.stack[-1][1]
        self.stack.append([phase, now])
        return True

    def leave(self) -> None:
        now = time.perf_counter()
        phase, started = self.stack.pop()
        self.seconds[phase] += now - started
        if self.stack:
            self.stack[-1][1] = now

    def wrap(self, phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            entered = self.enter(phase)
            try:
                return function(*args, **kwargs)
            finally:
                if entered:
                    self.leave()

        return timed

    def sql(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            phase = self.current()
            self.sql_seconds[phase] += time.perf_counter() - started
            self.queries[phase] += 1


def phases_install(clock: PhaseClock) -> None:
    import importlib

    for phase, module_name, attribute in PHASES:
        module = importlib.import_module(module_name)
        owner_name, _, name = attribute.rpartition(".")
        owner: Any = getattr(module, owner_name) if owner_name else module
        original = owner.__dict__[name]
        if isinstance(original, property):
            assert original.fget is not None
            setattr(owner, name, property(clock.wrap(phase, original.fget)))
        else:
            setattr(owner, name, clock.wrap(phase, original))


def measure_window_profile(requests_path: str, token: str) -> dict:
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection

    clock = PhaseClock()
    phases_install(clock)
    requests: dict[str, list[list[Any]]] = json.loads(Path(requests_path).read_text(encoding="utf-8"))
    client = WsgiClient(WSGIHandler(), token)
    results = {}
    for endpoint, endpoint_requests in requests.items():
        for method, path, body in endpoint_requests[:50]:  # warm-up: imports, caches, the connection
            send(client, method, path, body)
        clock.seconds.clear(), clock.sql_seconds.clear(), clock.queries.clear()
        total = 0.0
        with connection.execute_wrapper(clock.sql):
            for method, path, body in endpoint_requests:
                started = time.perf_counter()
                clock.enter(REST)
                send(client, method, path, body)
                clock.leave()
                total += time.perf_counter() - started
        count = len(endpoint_requests)
        results[endpoint] = {
            "requests": count,
            "total_ms": round(1000 * total / count, 3),
            "phases": [
                {
                    "phase": phase,
                    "ms": round(1000 * clock.seconds[phase] / count, 3),
                    "sql_ms": round(1000 * clock.sql_seconds[phase] / count, 3),
                    "queries": round(clock.queries[phase] / count, 2),
                }
                for phase in dict.fromkeys([*(phase for phase, _, _ in PHASES), REST])
                if clock.seconds.get(phase)
            ],
        }
    return results


class WsgiClient:
    """Calls the WSGI application as gunicorn does, with the headers the latency measure's clients send."""

    def __init__(self, application: Callable[..., Any], token: str) -> None:
        self.application = application
        self.token = token

    def __call__(self, method: str, path: str, body: str | None) -> tuple[str, bytes]:
        import io

        path, _, query = path.partition("?")
        content = (body or "").encode()
        environ = {
            "REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1", "HTTP_AUTHORIZATION": f"Token {self.token}",
            "HTTP_ACCEPT": "application/json", "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": str(len(content)),
            "wsgi.input": io.BytesIO(content), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        }  # fmt: skip
        answer: list[str] = []
        chunks = self.application(environ, lambda status, headers: answer.append(status))
        try:
            payload = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        return answer[0], payload


def send(client: WsgiClient, method: str, path: str, body: str | None) -> None:
    status, payload = client(method, path, body)
    if not status.startswith("200"):
        raise SystemExit(f"profile: {method} {path} answered {status}: {payload[:300]!r}")


MEASURES = {"window_profile": measure_window_profile}

if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "measure":
        os.environ.update(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
                          DJANGO_ALLOWED_HOSTS="127.0.0.1", DJANGO_SECURE_SSL_REDIRECT="0")  # fmt: skip
        measure(sys.argv[2], sys.argv[3:], MEASURES)
