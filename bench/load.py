"""`make load`: the clerk flow under load, on PostgreSQL, its results written into BENCHMARKS.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/canbao_load python bench/load.py

LOAD_CLIENTS (default 50) clients on loopback, for LOAD_SECONDS (default 120), each repeating what a window does
for a person: register the resident, ask the quote, take the payment. Every tenth person is paid for by two
clients at the same moment, as two clerks at two windows would. Afterwards the database must hold exactly one
active enrollment for every payment that was answered 201, none for a refused one, and never two for a person.
The run is bounded in time and count, and talks only to 127.0.0.1.
"""

import datetime
import json
import os
import re
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

CLIENTS = int(os.environ.get("LOAD_CLIENTS", "50"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "120"))
MAX_PEOPLE_PER_CLIENT = 10_000  # a bound on the count as well as on the time
WORKERS = int(os.environ.get("LOAD_WORKERS", "4"))
COUNTY = "140621"
SECTION_START, SECTION_END = "<!-- load test -->", "<!-- /load test -->"


def setup_world() -> tuple[str, str]:
    """A window clerk with an API token, and the village its residents are registered in."""
    import django

    django.setup()
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
    def __init__(self, port: int, token: str) -> None:
        self.connection = HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    def post(self, path: str, body: dict) -> tuple[int, dict, float]:
        started = time.perf_counter()
        self.connection.request("POST", path, body=json.dumps(body), headers=self.headers)
        response = self.connection.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - started
        return response.status, json.loads(payload or b"{}") if payload[:1] in (b"{", b"[") else {}, elapsed


def run(port: int, token: str, village: str) -> dict:
    deadline = time.monotonic() + SECONDS
    lock = threading.Lock()
    latencies: dict[str, list[float]] = {"resident": [], "quote": [], "enrollment": []}
    outcome = {"enrolled": [], "refused_duplicate": 0, "errors": []}
    serials = iter(range(10**9))

    def pay(client: Client, number: str) -> None:
        body = {"id_number": number, "insurance_year": 2026, "payment_date": "2025-11-20", "channel": "window"}
        status, answer, elapsed = client.post("/api/v1/enrollments/", body)
        with lock:
            latencies["enrollment"].append(elapsed)
            if status == 201:
                outcome["enrolled"].append(number)
            elif status == 400 and "non_field_errors" in answer:
                outcome["refused_duplicate"] += 1
            else:
                outcome["errors"].append(("enrollment", status, answer))

    def person(client: Client, serial: int) -> None:
        number = id_number(serial)
        resident = {"id_number": number, "name": "负载测试", "division": village}
        status, answer, elapsed = client.post("/api/v1/residents/", resident)
        with lock:
            latencies["resident"].append(elapsed)
            if status != 201:
                outcome["errors"].append(("resident", status, answer))
                return
        quote = {"region": COUNTY, "insurance_year": 2026, "payment_date": "2025-11-20", "birth_date": "1980-01-01"}
        status, answer, elapsed = client.post("/api/v1/policy/quote/", quote)
        with lock:
            latencies["quote"].append(elapsed)
            if status != 200:
                outcome["errors"].append(("quote", status, answer))
        second_window = None
        if serial % 10 == 0:  # a second clerk takes the same person's payment at the same moment
            second_window = threading.Thread(target=pay, args=(Client(port, token), number))
            second_window.start()
        pay(client, number)
        if second_window is not None:
            second_window.join()

    def worker(index: int) -> None:
        client = Client(port, token)
        for _ in range(MAX_PEOPLE_PER_CLIENT):
            if time.monotonic() > deadline:
                break
            with lock:
                serial = next(serials)
            person(client, serial)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(index,)) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"wall": time.perf_counter() - started, "latencies": latencies, **outcome}


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
    return "\n".join(
        [
            SECTION_START,
            "## Load: the clerk flow with concurrent clients",
            "",
            f"`make load` on {now:%Y-%m-%d %H:%M}: {CLIENTS} clients on 127.0.0.1 for "
            f"{SECONDS:.0f} s against gunicorn ({WORKERS} sync workers, DJANGO_DEBUG=0) on PostgreSQL, each "
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
            SECTION_END,
        ]
    )


def benchmarks_update(section: str) -> None:
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(SECTION_START) + ".*?" + re.escape(SECTION_END), re.S)
    text = pattern.sub(section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    token, village = setup_world()
    from bench.run import free_port, server_start

    port = free_port()
    server = server_start(port, WORKERS)
    try:
        results = run(port, token, village)
    finally:
        server.terminate()
        server.wait(timeout=30)
    check = database_check(results["enrolled"])
    section = report(results, check)
    benchmarks_update(section)
    print(section)
    for error in results["errors"][:10]:
        print("error:", error)
    if results["errors"] or check["answered_201"] != check["found"] or check["doubled"]:
        raise SystemExit(1)


if __name__ == "__main__":
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    main()
