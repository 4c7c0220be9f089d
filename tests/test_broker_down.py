"""The broker truly down: a Redis of this test's own, stopped while a clerk uploads a bulk file. The upload is kept and
the page says so in Chinese (no 500), the rest of the site answers; once Redis is back, the sweep, run by a real
worker, submits the job, the worker checks it, and once the clerk confirms, completes it.

Run with `make test-worker` against PostgreSQL (the worker reads the committed test database); the Redis of
CELERY_BROKER_URL is not used, the test starts `redis-server` on a free loopback port.
"""

import contextlib
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from bulk.models import BulkImportJob
from config.celery import app
from core.jobs import SUBMISSION_DEFERRED_MESSAGE
from core.models import JobStatus, PendingSubmission
from core.tasks import job_submissions_sweep_task
from core.tests.brokers import broker_at, bulk_upload_kept_while_broker_down, free_loopback_port
from enrollment.models import Resident
from tests import test_worker_killed
from tests.test_worker_killed import wait_for

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

workers = test_worker_killed.workers  # fixture: real workers, killed at the end


class RedisServer:
    """A redis-server of this test alone on a loopback port, without persistence; started and stopped at will."""

    def __init__(self, port: int, directory: Path) -> None:
        self.port, self.directory = port, directory
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        arguments = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        with (self.directory / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(
                ["redis-server", *arguments, "--dir", str(self.directory)], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 10
        while not self.answers():
            assert self.process.poll() is None, (self.directory / "redis.log").read_text()
            assert time.monotonic() < deadline, "redis-server 未在 10 秒内就绪"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        assert not self.answers()

    def answers(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as probe:
            probe.sendall(b"PING\r\n")
            return probe.recv(16).startswith(b"+PONG")
        return False


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(free_loopback_port(), tmp_path)
    yield server
    server.stop()


def test_an_upload_while_the_broker_is_down_is_kept_and_completed_by_a_real_worker_once_it_is_back(
    client, clerk, redis_server, workers, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    broker_url = f"redis://127.0.0.1:{redis_server.port}/0"
    redis_server.start()
    with broker_at(broker_url):
        # given a web process that has been talking to the broker, which then goes down
        with app.pool.acquire(block=True) as connection:
            assert (connection.hostname, connection.port) == ("127.0.0.1", redis_server.port)
            connection.ensure_connection(max_retries=1)
        redis_server.stop()
        client.force_login(clerk)
        # when a clerk uploads a file of twelve people
        # then the job is kept, its page says it will be submitted later, and the site still answers
        job = bulk_upload_kept_while_broker_down(client)
        assert client.get("/residents/").status_code == 200
        # when the broker is back, with a worker, and the sweep (beat's every minute) runs
        redis_server.start()
        worker = workers(
            ",".join(settings.CELERY_WORK_QUEUES),
            CELERY_BROKER_URL=broker_url,
            DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT),
        )
        job_submissions_sweep_task.delay()
        # then the worker ran the sweep, which submitted the job, and then the job's check
        wait_for(
            lambda: BulkImportJob.objects.filter(pk=job.pk, status=JobStatus.CHECKED).first(),
            what="校验完成，待确认",
            worker=worker,
        )
        assert Resident.objects.count() == 0
        # when the clerk confirms, then the worker writes the file, to the end
        assert client.post(f"/bulk/{job.pk}/confirm/").status_code == 302
        done = wait_for(
            lambda: BulkImportJob.objects.filter(pk=job.pk, status=JobStatus.SUCCEEDED).first(),
            what="导入完成",
            worker=worker,
        )
    assert (done.rows_total, done.rows_created, done.error_message) == (12, 12, "")
    assert Resident.objects.count() == 12
    assert PendingSubmission.objects.count() == 0
    # the task ends a moment after its job row says so
    log = wait_for(
        lambda: worker.log().count("] succeeded") == 3 and worker.log(),
        what="任务结束",
        worker=worker,
    )
    assert re.findall(r"Task (\S+)\[[0-9a-f-]+\] (received|succeeded)", log) == [
        ("core.job_submissions_sweep", "received"),
        ("core.job_submissions_sweep", "succeeded"),
        ("bulk.bulk_import_run", "received"),
        ("bulk.bulk_import_run", "succeeded"),
        ("bulk.bulk_import_run", "received"),
        ("bulk.bulk_import_run", "succeeded"),
    ]
    assert SUBMISSION_DEFERRED_MESSAGE not in client.get(f"/bulk/{job.pk}/").content.decode()
