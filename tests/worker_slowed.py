"""A Celery worker whose progress job pauses after each stored level, long enough for a test to kill it between two.

Run as `python -m tests.worker_slowed <celery worker options>` from the project root, with DATABASE_URL and
CELERY_BROKER_URL set. PROGRESS_LEVEL_PAUSE: seconds of the pause (0: none). BROKER_VISIBILITY_TIMEOUT: if set,
seconds after which an unacknowledged message of a dead worker is given back to the queue, checked every second.
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from config.celery import app  # noqa: E402
from targets import services  # noqa: E402

PAUSE = float(os.environ.get("PROGRESS_LEVEL_PAUSE", "0"))
level_store = services.progress_level_store


def progress_level_store_then_pause(**arguments):
    level_store(**arguments)
    time.sleep(PAUSE)


if PAUSE:
    services.progress_level_store = progress_level_store_then_pause

if os.environ.get("BROKER_VISIBILITY_TIMEOUT"):
    app.conf.broker_transport_options = {
        "visibility_timeout": int(os.environ["BROKER_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

if __name__ == "__main__":
    app.worker_main(["worker", *sys.argv[1:]])
