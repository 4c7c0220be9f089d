"""The read replica (core.replica): reads inside `replica_reads()` come from it, every write goes to the primary."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from core.replica import REPLICA, ReplicaRouter, replica_reads
from enrollment.models import Enrollment, Resident
from tests.factories import EnrollmentFactory

# The replica's connection reads only what the primary's has committed, as a real replica does: each test commits.
pytestmark = pytest.mark.django_db(databases=["default", REPLICA], transaction=True, serialized_rollback=True)


@pytest.fixture
def replica_on(settings):
    settings.DATABASE_REPLICA_READS = True


def test_reads_inside_the_context_come_from_the_replica_and_writes_never_go_to_it(replica_on, clerk, yujing_resident):
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        with replica_reads():
            names = list(Resident.objects.values_list("name", flat=True))
            EnrollmentFactory(actor=clerk, resident=yujing_resident)  # a write inside: to the primary
        outside = Resident.objects.count()
    assert (names, outside) == (["王玉井"], 1)
    # the enrollment's own reads ran in its transaction on the primary: the replica saw the one read before it
    assert len(replica.captured_queries) == 1
    assert replica.captured_queries[0]["sql"].lstrip().upper().startswith("SELECT")
    assert any(query["sql"].lstrip().upper().startswith("INSERT") for query in primary.captured_queries)
    assert Enrollment.objects.count() == 1


def test_without_the_replica_turned_on_everything_reads_from_the_primary(clerk, yujing_resident):
    with CaptureQueriesContext(connections[REPLICA]) as replica, replica_reads():
        assert Resident.objects.count() == 1
    assert replica.captured_queries == []


def test_the_router_writes_and_migrates_only_on_the_primary(replica_on):
    router = ReplicaRouter()
    with replica_reads():
        assert (router.db_for_read(Resident), router.db_for_write(Resident)) == (REPLICA, "default")
    assert (router.db_for_read(Resident), router.db_for_write(Resident)) == ("default", "default")
    assert (router.allow_migrate("default", "enrollment"), router.allow_migrate(REPLICA, "enrollment")) == (True, False)
