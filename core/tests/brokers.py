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
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = url, False
    _pools_reset()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        _pools_reset()


def _pools_reset() -> None:
    app._pool = None
    app.amqp._producer_pool = None
