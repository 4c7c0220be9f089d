"""A Celery worker whose progress job pauses after each stored level, long enough for a test to kill it between two;
and whose bulk import pauses once inside its load, long enough to be killed while writing.

Run as `python -m tests.worker_slowed <celery worker options>` from the project root, with DATABASE_URL and
CELERY_BROKER_URL set. PROGRESS_LEVEL_PAUSE: seconds of the pause (0: none). BROKER_VISIBILITY_TIMEOUT: if set,
seconds after which an unacknowledged message of a dead worker is given back to the queue, checked every second.
BULK_LOAD_PAUSE: seconds a bulk import's backend sleeps (pg_sleep) inside the load's transaction, its rows written but
not committed; only the first run of each job pauses, and it first writes the file `bulk-<job id>` in
BULK_LOAD_PAUSE_DIRECTORY, with the pool child's process id.
"""

import dataclasses
import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection  # noqa: E402

from bulk import services as bulk_services  # noqa: E402
from config.celery import app  # noqa: E402
from targets.services import progress as services  # noqa: E402

PAUSE = float(os.environ.get("PROGRESS_LEVEL_PAUSE", "0"))
level_store = services.progress_level_store


def progress_level_store_then_pause(**arguments):
    level_store(**arguments)
    time.sleep(PAUSE)


if PAUSE:
    services.progress_level_store = progress_level_store_then_pause

BULK_LOAD_PAUSE = float(os.environ.get("BULK_LOAD_PAUSE", "0"))


def load_then_pause_once(load):
    def paused(stage, job, now):
        result = load(stage, job, now)
        marker = Path(os.environ["BULK_LOAD_PAUSE_DIRECTORY"]) / f"bulk-{job.pk}"
        if not marker.exists():
            marker.write_text(str(os.getpid()))
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_sleep(%s)", [BULK_LOAD_PAUSE])
        return result

    return paused


if BULK_LOAD_PAUSE:
    bulk_services.KINDS = {
        kind: dataclasses.replace(spec, load=load_then_pause_once(spec.load))
        for kind, spec in bulk_services.KINDS.items()
    }

if os.environ.get("BROKER_VISIBILITY_TIMEOUT"):
    app.conf.broker_transport_options = {
        "visibility_timeout": int(os.environ["BROKER_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

if __name__ == "__main__":
    app.worker_main(["worker", *sys.argv[1:]])
