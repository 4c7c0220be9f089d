"""The database settings built from the environment (core.databases)."""

import pytest

from core.databases import TRANSACTION_POOL, database_from_url


def test_a_direct_postgresql_connection_keeps_server_side_cursors_and_prepared_statements():
    database = database_from_url("postgres://canbao:secret@db:5432/canbao")

    assert (database["ENGINE"], database["NAME"], database["HOST"], database["CONN_MAX_AGE"]) == (
        "core.postgresql",
        "canbao",
        "db",
        60,
    )
    assert database["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert "prepare_threshold" not in database.get("OPTIONS", {})


def test_behind_a_transaction_pool_nothing_outlives_a_transaction_on_the_server():
    database = database_from_url("postgres://canbao:secret@pgbouncer:5432/canbao", pool_mode=TRANSACTION_POOL)

    assert (database["HOST"], database["DISABLE_SERVER_SIDE_CURSORS"], database["OPTIONS"]["prepare_threshold"]) == (
        "pgbouncer",
        True,
        None,
    )


def test_sqlite_waits_for_the_file_lock_and_keeps_no_connection():
    database = database_from_url("sqlite:///canbao.sqlite3", pool_mode=TRANSACTION_POOL)

    assert (database["OPTIONS"], database["CONN_MAX_AGE"], database["DISABLE_SERVER_SIDE_CURSORS"]) == (
        {"timeout": 20},
        0,
        False,
    )


def test_an_unknown_pool_mode_is_refused():
    with pytest.raises(ValueError, match="DATABASE_POOL_MODE"):
        database_from_url("postgres://canbao@db/canbao", pool_mode="session")
