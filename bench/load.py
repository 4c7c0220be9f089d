"""`make load`: the clerk flow under load, on PostgreSQL, its results written into BENCHMARKS.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/canbao_load python bench/load.py

LOAD_CLIENTS (default 50) clients on loopback, for LOAD_SECONDS (default 120), each repeating what a window does
for a person: register the resident, ask the quote, take the payment. Every tenth person is paid for by two
clients at the same moment, as two clerks at two windows would. Afterwards the database must hold exactly one
active enrollment for every payment that was answered 201, none for a refused one, and never two for a person.
The run is bounded in time and count, and talks only to 127.0.0.1.
"""

import asyncio
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

CLIENTS = int(os.environ.get("LOAD_CLIENTS", "50"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "120"))
MAX_PEOPLE_PER_CLIENT = 10_000  # a bound on the count as well as on the time
# The server as production runs it (config/gunicorn.py); LOAD_WORKERS changes the number of processes.
WORKERS = int(os.environ["LOAD_WORKERS"]) if os.environ.get("LOAD_WORKERS") else None
COUNTY = "140621"
GOAL_PER_SECOND = 200
SECTION_START, SECTION_END = "<!-- load test -->", "<!-- /load test -->"


def setup_world() -> tuple[str, str]:
    """A window clerk with an API token, and the village its residents are registered in."""
    from bench.run import setup_django

    setup_django()
    from rest_framework.authtoken.models import Token

    from accounts.models import Role
    from accounts.services import user_create
    from divisions.models import Division

    clerk = user_create(
        username=f"load-{int(time.time())}",
        password="load-test-password-2026",
        role=Role.WINDOW_CLERK,
        division=Division.objects.get(code=COUNTY),
    )
    village = Division.objects.filter(code__startswith=f"{COUNTY}100", level="village").order_by("code").first()
    return Token.objects.create(user=clerk).key, village.code


def id_number(serial: int) -> str:
    from enrollment.rules import id_number_compose

    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=serial % 20000)
    return id_number_compose(address_code=COUNTY, birth_date=birth, sequence=serial // 20000 % 1000)


class Client:
    """One window's connection, kept alive where the server keeps it (bench.run.load_run's clients)."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.headers = f"Host: 127.0.0.1\r\nAuthorization: Token {token}\r\nContent-Type: application/json\r\n"
        self.connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, path: str, body: dict) -> tuple[int, dict, float]:
        from bench.run import response_read

        content = json.dumps(body).encode()
        message = f"POST {path} HTTP/1.1\r\n{self.headers}Content-Length: {len(content)}\r\n\r\n".encode() + content
        started = time.perf_counter()
        for attempt in range(2):  # a kept connection the server closed meanwhile is opened again, once
            if self.connection is None:
                self.connection = await asyncio.open_connection("127.0.0.1", self.port)
            reader, writer = self.connection
            try:
                writer.write(message)
                status, keep_alive, payload = await response_read(reader)
                break
            except (ConnectionError, asyncio.IncompleteReadError):
                writer.close()
                self.connection = None
                if attempt:
                    raise
        elapsed = time.perf_counter() - started
        if not keep_alive:
            writer.close()
            self.connection = None
        return status, json.loads(payload or b"{}") if payload[:1] in (b"{", b"[") else {}, elapsed

    def close(self) -> None:
        if self.connection is not None:
            self.connection[1].close()


def run(port: int, token: str, village: str) -> dict:
    return asyncio.run(_run(port, token, village))


async def _run(port: int, token: str, village: str) -> dict:
    """The clients are one event loop writing HTTP/1.1 by hand (bench.run.load_run): threads of http.client would
    take from the shared cores more than the server's own work."""
    deadline = time.monotonic() + SECONDS
    latencies: dict[str, list[float]] = {"resident": [], "quote": [], "enrollment": []}
    outcome: dict = {"enrolled": [], "refused_duplicate": 0, "errors": []}
    serials = iter(range(10**9))

    async def pay(client: Client, number: str) -> None:
        body = {"id_number": number, "insurance_year": 2026, "payment_date": "2025-11-20", "channel": "window"}
        status, answer, elapsed = await client.post("/api/v1/enrollments/", body)
        latencies["enrollment"].append(elapsed)
        if status == 201:
            outcome["enrolled"].append(number)
        elif status == 400 and "non_field_errors" in answer:
            outcome["refused_duplicate"] += 1
        else:
            outcome["errors"].append(("enrollment", status, answer))

    async def person(client: Client, serial: int) -> None:
        number = id_number(serial)
        resident = {"id_number": number, "name": "负载测试", "division": village}
        status, answer, elapsed = await client.post("/api/v1/residents/", resident)
        latencies["resident"].append(elapsed)
        if status != 201:
            outcome["errors"].append(("resident", status, answer))
            return
        quote = {"region": COUNTY, "insurance_year": 2026, "payment_date": "2025-11-20", "birth_date": "1980-01-01"}
        status, answer, elapsed = await client.post("/api/v1/policy/quote/", quote)
        latencies["quote"].append(elapsed)
        if status != 200:
            outcome["errors"].append(("quote", status, answer))
        if serial % 10 == 0:  # a second clerk takes the same person's payment at the same moment
            second_window = Client(port, token)
            try:
                await asyncio.gather(pay(client, number), pay(second_window, number))
            finally:
                second_window.close()
        else:
            await pay(client, number)

    async def window() -> None:
        client = Client(port, token)
        try:
            for _ in range(MAX_PEOPLE_PER_CLIENT):
                if time.monotonic() > deadline:
                    break
                await person(client, next(serials))
        finally:
            client.close()

    started = time.perf_counter()
    await asyncio.gather(*(window() for _ in range(CLIENTS)))
    wall = time.perf_counter() - started
    return {"wall": wall, "latencies": latencies, "load_average": os.getloadavg()[0], **outcome}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0.0


def database_check(enrolled: list[str]) -> dict:
    from django.db.models import Count

    from enrollment.models import Enrollment

    active = Enrollment.objects.filter(resident__id_number__in=enrolled, insurance_year=2026, status="active")
    doubled = (
        Enrollment.objects.filter(insurance_year=2026, status="active", resident__name="负载测试")
        .values("resident_id")
        .annotate(count=Count("id"))
        .filter(count__gt=1)
        .count()
    )
    stored = Enrollment.objects.filter(insurance_year=2026, status="active", resident__name="负载测试").count()
    return {"answered_201": len(enrolled), "found": active.count(), "stored": stored, "doubled": doubled}


def report(results: dict, check: dict) -> str:
    rows = []
    for operation, values in results["latencies"].items():
        rows.append(
            f"| {operation} | {len(values):,} | {percentile(values, 0.5):.0f} ms | {percentile(values, 0.95):.0f} ms "
            f"| {max(values, default=0) * 1000:.0f} ms |"
        )
    requests = sum(len(values) for values in results["latencies"].values())
    lost = check["answered_201"] - check["found"]
    now = datetime.datetime.now(datetime.UTC).astimezone()
    verdict = "met" if not results["errors"] and lost == 0 and check["doubled"] == 0 else "**not met**"
    per_second = requests / results["wall"]
    throughput_verdict = "met" if per_second >= GOAL_PER_SECOND else "**not met**"
    return "\n".join(
        [
            SECTION_START,
            "## Load: the clerk flow with concurrent clients",
            "",
            f"`make load` on {now:%Y-%m-%d %H:%M}: {CLIENTS} clients on 127.0.0.1 for "
            f"{SECONDS:.0f} s (one event loop, each client with its own connection) against gunicorn "
            f"({server_description()}, config/gunicorn.py, DJANGO_DEBUG=0) on PostgreSQL, each "
            "registering a resident, asking the quote and taking the payment; every tenth person paid for twice "
            f"at once. {requests:,} requests in {results['wall']:.0f} s ({requests / results['wall']:.0f}/s).",
            "",
            "| request | count | p50 | p95 | max |",
            "| --- | ---: | ---: | ---: | ---: |",
            *rows,
            "",
            "| check | result |",
            "| --- | --- |",
            f"| errors (any answer but 201/200, or 400 for the second payment) | {len(results['errors'])} |",
            f"| payments answered 201 | {check['answered_201']:,} |",
            f"| of those, active enrollments found in the database | {check['found']:,} |",
            f"| lost (answered 201, not stored) | {lost} |",
            f"| second payments refused as duplicates | {results['refused_duplicate']:,} |",
            f"| people with two active enrollments for 2026 | {check['doubled']} |",
            f"| goal: zero errors, zero lost or duplicated enrollments | {verdict} |",
            f"| goal: at least {GOAL_PER_SECOND} requests/s | {per_second:.0f}/s (load average of the machine at "
            f"the end: {results['load_average']:.1f}) | {throughput_verdict} |",
            SECTION_END,
        ]
    )


def server_description() -> str:
    from config import gunicorn as served

    workers = WORKERS or served.workers
    if served.threads > 1:
        return f"{workers} processes of {served.threads} threads"
    return f"{workers} sync workers"


def main() -> None:
    token, village = setup_world()
    from bench.run import benchmarks_section_write, free_port, server_start

    port = free_port()
    server = server_start(port, WORKERS)
    try:
        results = run(port, token, village)
    finally:
        server.terminate()
        server.wait(timeout=30)
    check = database_check(results["enrolled"])
    section = report(results, check)
    benchmarks_section_write(section, start=SECTION_START, end=SECTION_END)
    print(section)
    for error in results["errors"][:10]:
        print("error:", error)
    if results["errors"] or check["answered_201"] != check["found"] or check["doubled"]:
        raise SystemExit(1)


if __name__ == "__main__":
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    main()
