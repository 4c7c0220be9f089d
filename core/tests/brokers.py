"""Tasks published to a real broker address instead of run in-process, for the tests of a broker that is down."""

import contextlib
import socket
import time
from collections.abc import Iterator

from django.test import Client

from bulk.models import BulkImportJob
from bulk.tests.helpers import csv_file, resident_rows
from config.celery import app
from core.jobs import SUBMISSION_DEFERRED_MESSAGE
from core.models import JobStatus, PendingSubmission

PUBLISH_SECONDS_AT_MOST = 5


def free_loopback_port() -> int:
    """A port of 127.0.0.1 nothing listens on (the system's choice, released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Publish tasks to the broker at `url` (not in-process) within the block; the app's connection pools are
    rebuilt on the way in and out, as they hold connections to the broker they were made for."""
    # the write and read addresses, as Celery prefers the CELERY_BROKER_URL variable to the configured broker_url
    names = ("broker_write_url", "broker_read_url", "task_always_eager")
    saved = {name: app.conf.get(name) for name in names}
    app.conf.update(broker_write_url=url, broker_read_url=url, task_always_eager=False)
    _pools_reset()
    try:
        yield
    finally:
        app.conf.update(saved)
        _pools_reset()


def _pools_reset() -> None:
    app._pool = None
    app.amqp._producer_pool = None


def bulk_upload_kept_while_broker_down(client: Client) -> BulkImportJob:
    """A signed-in clerk uploads a file of twelve people while the broker is unreachable: the job is kept, not yet
    submitted, its page says so at once, and the rest of the site answers."""
    started = time.monotonic()
    response = client.post(
        "/bulk/", {"kind": "resident_registry", "county": "140621", "file": csv_file(resident_rows(12))}
    )
    waited = time.monotonic() - started
    job = BulkImportJob.objects.get()
    assert (response.status_code, response["Location"]) == (302, f"/bulk/{job.pk}/")
    assert waited < PUBLISH_SECONDS_AT_MOST
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert SUBMISSION_DEFERRED_MESSAGE in page.content.decode()
    assert job.status == JobStatus.QUEUED
    assert list(PendingSubmission.objects.values_list("task_name", "job_id", "attempts")) == [
        ("bulk.bulk_import_run", job.pk, 1)
    ]
    assert (client.get("/bulk/").status_code, client.get("/").status_code) == (200, 200)
    return job
