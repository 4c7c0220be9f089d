"""A real prefork worker killed in the middle of the progress job (R10.3): the broker gives the job back (late
acknowledgement, a lost worker's message rejected back to the queue), and the rerun leaves exactly the snapshots of
a clean run, none doubled and none half-written.

Run with `make test-worker` against PostgreSQL and Redis: the worker is another process (tests/worker_slowed.py,
which pauses after each stored level), so it must read the test data from the committed test database.
"""

import contextlib
import dataclasses
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from kombu import Exchange, Queue

from config.celery import app
from conftest import SHANYIN, YUJING_TOWN, first_village
from divisions.models import Division
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, enrollment_create, resident_create
from targets.models import JobStatus, PopulationBaseline, ProgressJob, ProgressSnapshot, Target
from targets.services.progress import PROGRESS_LEVELS, progress_job_create, progress_job_run
from targets.tests.test_progress import XIAODIAN_VILLAGE, birth

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PROJECT = Path(__file__).resolve().parent.parent
D = datetime.date
JUNE_30 = D(2026, 6, 30)
LEVEL_PAUSE_SECONDS = 1.0
VISIBILITY_TIMEOUT_SECONDS = 5
DEADLINE_SECONDS = 60
PROGRESS = Decimal("0.4959")  # 2026-06-30: 181/365
SHANYIN_LINE = [
    # 玉井: 3 newborns counted where they live (a fourth lives in Taiyuan, a fifth was registered only in July), 6
    # enrolled by household (those four newborns, two adults); Shanyin's 95% holds for its township, not above it
    ("14", "overall_enrollment_rate", None, 6, 90, Decimal("0.0667"), PROGRESS, None),
    ("14", "subsidised_newborns", Decimal("134600.0000"), 4, None, Decimal("0.0000"), PROGRESS, 66743),
    ("1406", "overall_enrollment_rate", None, 6, 45, Decimal("0.1333"), PROGRESS, None),
    ("1406", "subsidised_newborns", Decimal("6000.0000"), 3, None, Decimal("0.0005"), PROGRESS, 2972),
    (SHANYIN, "overall_enrollment_rate", Decimal("0.9500"), 6, 18, Decimal("0.3333"), PROGRESS, 12),
    (SHANYIN, "subsidised_newborns", Decimal("700.0000"), 3, None, Decimal("0.0043"), PROGRESS, 344),
    (YUJING_TOWN, "overall_enrollment_rate", Decimal("0.9500"), 6, 9, Decimal("0.6667"), PROGRESS, 3),
    (YUJING_TOWN, "subsidised_newborns", Decimal("120.0000"), 3, None, Decimal("0.0250"), PROGRESS, 57),
]
VALUE_FIELDS = (
    "year",
    "as_of",
    "division_id",
    "metric",
    "target",
    "actual",
    "base",
    "completion_rate",
    "time_progress",
    "gap",
)


@pytest.fixture
def progress_data(clerk):
    """Shanyin's line from the province down to 玉井镇, for both metrics: newborns against the count targets (the
    seeded province and city ones, and one set here for the county and the township), and every enrolled resident
    against a population baseline (the county's 95% holds for its township)."""
    yujing = first_village(YUJING_TOWN).code
    birth(clerk, born=D(2026, 1, 1), registered=D(2026, 1, 20), village=yujing)
    birth(clerk, born=D(2026, 3, 5), registered=D(2026, 3, 6), village=yujing)
    birth(clerk, born=D(2026, 6, 30), registered=D(2026, 6, 30), village=yujing)
    birth(clerk, born=D(2026, 6, 20), registered=D(2026, 7, 1), village=yujing)  # registered after the date
    birth(clerk, born=D(2026, 4, 1), registered=D(2026, 4, 2), village=yujing, residence=XIAODIAN_VILLAGE)
    for sequence in (101, 102):
        resident = resident_create(
            actor=clerk,
            id_number=id_number_compose(address_code=SHANYIN, birth_date=D(1980, 5, 1), sequence=sequence),
            name="居民",
            household_division=Division.objects.get(code=yujing),
        )
        enrollment_create(
            actor=clerk, resident=resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
        )
    for code, value in ((SHANYIN, 700), (YUJING_TOWN, 120)):
        Target.objects.create(
            division_id=code, year=2026, metric="subsidised_newborns", value=value, source_document="山阴县分解"
        )
    for code, registered, employee_insured in (("14", 100, 10), ("1406", 50, 5), (SHANYIN, 20, 2), (YUJING_TOWN, 9, 0)):
        PopulationBaseline.objects.create(
            division_id=code,
            year=2026,
            registered_population=registered,
            employee_insured=employee_insured,
            source_document="年鉴",
        )


def snapshot_values() -> list[tuple]:
    return sorted(ProgressSnapshot.objects.values_list(*VALUE_FIELDS))


def snapshot_versions() -> dict[tuple, tuple]:
    """Each stored snapshot's row and computation time, by its natural key."""
    rows = ProgressSnapshot.objects.values_list("year", "as_of", "division_id", "metric", "pk", "computed_at")
    return {
        (year, as_of, division, metric): (pk, computed_at) for year, as_of, division, metric, pk, computed_at in rows
    }


@pytest.fixture
def clean_run(progress_data):
    """The snapshots of an uninterrupted in-process run on the same data, by level; then removed again."""
    job = ProgressJob.objects.create(year=2026, as_of=JUNE_30, levels_total=len(PROGRESS_LEVELS))
    progress_job_run(job_id=job.pk)
    levels = dict(Division.objects.filter(progress_snapshots__isnull=False).values_list("code", "level"))
    by_level = {level: [row for row in snapshot_values() if levels[row[2]] == level] for level in PROGRESS_LEVELS}
    ProgressSnapshot.objects.all().delete()
    job.delete()
    return by_level


# --- real workers, each in a process group of its own so that all of it can be killed at once -----------------------


@dataclasses.dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text()


def database_url_of_the_tests() -> str:
    """The test database pytest-django created (test_<name>), for the worker processes."""
    settings = connection.settings_dict
    credentials = quote(settings["USER"] or "")
    if settings["PASSWORD"]:
        credentials += ":" + quote(settings["PASSWORD"])
    return f"postgres://{credentials}@{settings['HOST']}:{settings['PORT'] or 5432}/{quote(settings['NAME'])}"


def routing_forget() -> None:
    """Celery keeps the queues, exchange, routes and router it built from the configuration of the time: a later test
    would publish to this test's deleted queue. They are built again from the current one."""
    for cached in ("queues", "default_queue", "default_exchange", "router"):
        app.amqp.__dict__.pop(cached, None)
    app.amqp._rtable = None  # the routes prepared from task_routes


@pytest.fixture
def queue():
    """A queue of this test alone, so that no other message reaches its workers; removed from the broker after. Every
    task this process sends goes to it, whatever queue its kind has (settings.CELERY_TASK_ROUTES)."""
    name = f"progress-killed-{uuid.uuid4().hex[:12]}"
    default_queue, app.conf.task_default_queue = app.conf.task_default_queue, name
    routes, app.conf.task_routes = app.conf.task_routes, {}
    routing_forget()
    yield name
    app.conf.task_default_queue = default_queue
    app.conf.task_routes = routes
    routing_forget()
    with app.connection_for_write() as broker:
        channel = broker.default_channel
        declared = Queue(name, Exchange(name), routing_key=name)(channel)
        declared.declare()
        declared.delete()
        # a message a failed run left unacknowledged would otherwise be put back one day into the deleted queue
        for tag, message in channel.client.hgetall(channel.unacked_key).items():
            if json.loads(message)[2] == name:
                channel.client.hdel(channel.unacked_key, tag)
                channel.client.zrem(channel.unacked_index_key, tag)


@pytest.fixture
def workers(transactional_db, tmp_path):
    """Starts workers of a queue, and kills what is left of them at the end, before the test database is emptied."""
    started: list[Worker] = []

    def start(
        queue: str, *, level_pause: float = 0, visibility_timeout: int | None = None, **environment_more: str
    ) -> Worker:
        number = len(started) + 1
        environment = os.environ | {
            "DATABASE_URL": database_url_of_the_tests(),
            "CELERY_BROKER_URL": app.conf.broker_url,
            "PROGRESS_LEVEL_PAUSE": str(level_pause),
            **environment_more,
        }
        if visibility_timeout is not None:
            environment["BROKER_VISIBILITY_TIMEOUT"] = str(visibility_timeout)
        options = ["--pool=prefork", "--concurrency=1", "--prefetch-multiplier=1", f"--queues={queue}"]
        options += [f"--hostname={queue}-{number}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        log_path = tmp_path / f"worker-{number}.log"
        with log_path.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.worker_slowed", *options, "--loglevel=INFO"],
                cwd=PROJECT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = Worker(process, log_path)
        started.append(worker)
        wait_for(lambda: " ready." in worker.log(), what="worker 就绪", worker=worker)
        return worker

    yield start
    for worker in started:
        # the group outlives its leader while a pool child lives, and its id is not given to another process till then
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.process.wait(timeout=10)


def wait_for(condition, *, what: str, worker: Worker, seconds: float = DEADLINE_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        if worker.process.poll() is not None:
            pytest.fail(f"worker 已退出（{worker.process.returncode}），未等到：{what}\n{worker.log()}")
        time.sleep(0.05)
    pytest.fail(f"{seconds} 秒内未等到：{what}\n{worker.log()}")


def pool_children(pid: int) -> list[int]:
    """The processes whose parent is `pid`, read from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                children.append(int(entry.name))
    return children


@dataclasses.dataclass
class PartWay:
    levels_done: int
    snapshots: list[tuple]
    versions: dict[tuple, tuple]


def part_way(job_id: int) -> PartWay | None:
    """The job's levels done and its snapshots, read as one moment of the database, once some but not all are."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        job = ProgressJob.objects.get(pk=job_id)
        if job.status != JobStatus.RUNNING or not 0 < job.levels_done < len(PROGRESS_LEVELS):
            return None
        return PartWay(job.levels_done, snapshot_values(), snapshot_versions())


def finished(job_id: int) -> ProgressJob | None:
    job = ProgressJob.objects.get(pk=job_id)
    return job if job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED) else None


def task_log(log: str, event: str) -> list[str]:
    """The ids of the progress tasks the worker's log says were received, or succeeded, in order. The job's row is
    finished inside the task; the worker logs the task's success after it returns, a moment later."""
    return re.findall(rf"Task targets\.progress_job_run\[([0-9a-f-]+)\] {event}", log)


def assert_whole_levels_stored(at_kill: PartWay, clean_run: dict):
    """What a dying worker left: its first levels as a clean run writes them, nothing of the next."""
    assert at_kill.snapshots == sorted(
        row for level in PROGRESS_LEVELS[: at_kill.levels_done] for row in clean_run[level]
    )


def assert_done_once_like_a_clean_run(job_id: int, clean_run: dict, at_kill: PartWay):
    job = ProgressJob.objects.get()
    assert (job.pk, job.status, job.levels_done, job.levels_total, job.error_message) == (
        job_id,
        JobStatus.SUCCEEDED,
        4,
        4,
        "",
    )
    assert job.finished_at is not None
    assert [len(clean_run[level]) for level in PROGRESS_LEVELS] == [2, 12, 2, 2]
    stored = snapshot_values()
    assert stored == sorted(row for rows in clean_run.values() for row in rows)
    assert [row[2:] for row in stored if SHANYIN.startswith(row[2]) or row[2].startswith(SHANYIN)] == SHANYIN_LINE
    versions = snapshot_versions()
    assert len(versions) == ProgressSnapshot.objects.count() == 18
    # the rerun left the rows stored before the kill as they were, computation time included
    assert {key: versions[key] for key in at_kill.versions} == at_kill.versions


def test_a_killed_pool_child_gets_its_job_back_and_the_rerun_stores_exactly_a_clean_runs_snapshots(
    clean_run, queue, workers
):
    # given a prefork worker with one pool child, whose job pauses after each level it stores
    worker = workers(queue, level_pause=LEVEL_PAUSE_SECONDS)
    [child] = pool_children(worker.pid)
    # when the job is queued through the broker, and the child running it is killed once a level is stored
    job = progress_job_create(actor=None, year=2026, as_of=JUNE_30)
    at_kill = wait_for(lambda: part_way(job.pk), what="已保存第一层级", worker=worker)
    os.kill(child, signal.SIGKILL)
    # then the child had stored whole levels only, and the worker runs the job again by itself, to the end, once
    assert_whole_levels_stored(at_kill, clean_run)
    wait_for(lambda: finished(job.pk), what="任务结束", worker=worker)
    assert_done_once_like_a_clean_run(job.pk, clean_run, at_kill)
    wait_for(lambda: task_log(worker.log(), "succeeded"), what="任务成功的日志", worker=worker)
    log = worker.log()
    assert f"Process 'ForkPoolWorker-1' pid:{child} exited with 'signal 9 (SIGKILL)'" in log
    [task_id] = set(task_log(log, "received"))
    assert (task_log(log, "received"), task_log(log, "succeeded")) == ([task_id, task_id], [task_id])


def test_a_whole_worker_killed_gives_its_job_to_the_next_worker_after_the_visibility_timeout(clean_run, queue, workers):
    # given a prefork worker whose job pauses after each level it stores
    first = workers(queue, level_pause=LEVEL_PAUSE_SECONDS)
    job = progress_job_create(actor=None, year=2026, as_of=JUNE_30)
    at_kill = wait_for(lambda: part_way(job.pk), what="已保存第一层级", worker=first)
    # when the whole worker, parent and pool child, is killed once a level is stored
    os.killpg(first.pid, signal.SIGKILL)
    first.process.wait(timeout=10)
    assert_whole_levels_stored(at_kill, clean_run)
    assert ProgressJob.objects.get(pk=job.pk).status == JobStatus.RUNNING
    # then a worker started afterwards takes the unacknowledged message back and completes the job, once; without a
    # pause, as a job outlasting the short visibility timeout would be handed out again while it runs
    second = workers(queue, level_pause=0, visibility_timeout=VISIBILITY_TIMEOUT_SECONDS)
    wait_for(lambda: finished(job.pk), what="任务结束", worker=second)
    assert_done_once_like_a_clean_run(job.pk, clean_run, at_kill)
    wait_for(lambda: task_log(second.log(), "succeeded"), what="任务成功的日志", worker=second)
    [task_id] = task_log(first.log(), "received")
    assert task_log(first.log(), "succeeded") == []
    assert (task_log(second.log(), "received"), task_log(second.log(), "succeeded")) == ([task_id], [task_id])
