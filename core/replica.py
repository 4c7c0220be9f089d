"""The read replica (DATABASE_REPLICA_URL): the reads that may lag the primary by a moment, and nothing else.

A dashboard, a report, an export or a simulation reads much and writes little; on a streaming replica its reads
leave the primary to the window. Only the code inside `replica_reads()` (or a view under `reads_from_replica`)
reads from it, and then only its queries made outside a transaction of the primary. Every write goes to the
primary, and so does every other read: a job's own row, a lock, a look-up before a write, a read inside a
transaction that writes. Without a replica, or with `DATABASE_REPLICA_READS` off, everything reads the primary.
"""

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_replica_reads: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_reads", default=False)

ViewT = TypeVar("ViewT", bound=Callable[..., Any])


def replica_available() -> bool:
    return bool(getattr(settings, "DATABASE_REPLICA_READS", False)) and REPLICA in connections.settings


@contextlib.contextmanager
def replica_reads() -> Iterator[None]:
    """The queries made inside read from the replica when there is one."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def reads_from_replica(view: ViewT) -> ViewT:
    """A page whose reads may come from the replica: its queries run inside `replica_reads()`."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


class ReplicaRouter:
    """Reads inside `replica_reads()` go to the replica when there is one; writes, migrations and every other read go
    to the primary."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        # a read inside a transaction of the primary belongs to that transaction: it must see what it wrote
        if _replica_reads.get() and replica_available() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, first: object, second: object, **hints: Any) -> bool:
        return True  # one database, the replica being a copy of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
