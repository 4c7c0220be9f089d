"""Tasks published to a real broker address instead of run in-process, for the tests of a broker that is down."""

import contextlib
import socket
from collections.abc import Iterator

from config.celery import app


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
