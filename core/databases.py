"""The database connections of the settings: the primary, an optional read replica (core.replica), and what a
connection pool in front of them requires."""

from typing import Any

import dj_database_url

# The value of DATABASE_POOL_MODE when the web processes reach PostgreSQL through PgBouncer in transaction mode.
TRANSACTION_POOL = "transaction"


def database_from_url(url: str, *, pool_mode: str = "") -> dict[str, Any]:
    """Django's settings of one database from its URL.

    Behind PgBouncer in transaction mode, each transaction may run on a different server connection, so nothing may
    outlive a transaction on the server: no server-side cursor (Django's `iterator()` outside a transaction) and no
    prepared statement (psycopg prepares a query it has run five times)."""
    database: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    if database["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend with the GROUP BY of partitioned tables corrected (core.postgresql).
        database["ENGINE"] = "core.postgresql"
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # Several threads (the development server, an eager task) share one file: wait for the lock.
        database["OPTIONS"] = {"timeout": 20}
        database["CONN_MAX_AGE"] = 0
    elif pool_mode == TRANSACTION_POOL:
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
        database.setdefault("OPTIONS", {})["prepare_threshold"] = None
    elif pool_mode:
        raise ValueError(f"DATABASE_POOL_MODE must be empty or {TRANSACTION_POOL!r}, not {pool_mode!r}")
    return database
