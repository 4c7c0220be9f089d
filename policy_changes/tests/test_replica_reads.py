"""A simulation reads its population from the read replica, and its page reads its findings there; every write of
the run (progress, totals, people) goes to the primary (core.replica)."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from core.replica import REPLICA
from policy_changes.models import ImpactTotal

from .factories import draft_with, simulation_run

pytestmark = pytest.mark.django_db(databases=["default", REPLICA], transaction=True, serialized_rollback=True)


def statements(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"].lstrip().upper() for query in captured.captured_queries]


def test_the_simulation_reads_people_from_the_replica_and_writes_only_to_the_primary(
    settings, client, preparer, population
):
    settings.DATABASE_REPLICA_READS = True
    draft = draft_with(preparer, fixed_waiting_months=6)
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        simulation = simulation_run(preparer, draft)
    on_replica, on_primary = statements(replica), statements(primary)
    assert any('FROM "ENROLLMENT_RESIDENT"' in sql for sql in on_replica)
    assert all(sql.startswith("SELECT") for sql in on_replica)
    assert any(sql.startswith("INSERT") and "POLICY_CHANGES_IMPACTTOTAL" in sql for sql in on_primary)
    assert ImpactTotal.objects.filter(simulation=simulation).count() == 1
    # the result page reads the findings from the replica
    client.force_login(preparer)
    with CaptureQueriesContext(connections[REPLICA]) as page_reads:
        assert client.get(f"/policy-changes/simulations/{simulation.pk}/").status_code == 200
    assert any("POLICY_CHANGES_IMPACTTOTAL" in sql for sql in statements(page_reads))
    assert all(sql.startswith("SELECT") for sql in statements(page_reads))
