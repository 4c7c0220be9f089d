"""A database migrated while bulk's job named the identity list's department, date and batch keeps every value and
link when the parameters move to the job's generic `parameters` and the link to the batch's side (subsidies)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from bulk.models import BulkImportJob
from subsidies.models import IdentityListBatch

BEFORE = [("bulk", "0007_tax_payment_record_moved_to_tax_payments"), ("subsidies", "0002_identity_list_batches")]


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader: the applied migrations as they now are


def _old_jobs(executor: MigrationExecutor):
    """Two identity-list jobs (one that wrote its batch), a registry job, in the models of before the move."""
    # exchange records its files' bulk jobs: its migrations come after bulk's last, so it is left out like bulk; and
    # so is enrollment, whose partitions come after exchange keeps its references to it.
    other_apps = [
        node
        for node in executor.loader.graph.leaf_nodes()
        if node[0] not in ("bulk", "subsidies", "exchange", "enrollment")
    ]
    old_apps = executor.loader.project_state([*other_apps, *BEFORE]).apps
    Division = old_apps.get_model("divisions", "Division")
    User = old_apps.get_model("accounts", "User")
    Job = old_apps.get_model("bulk", "BulkImportJob")
    Batch = old_apps.get_model("subsidies", "IdentityListBatch")
    county, _ = Division.objects.get_or_create(code="149901", defaults={"name": "迁移测试县", "level": "county"})
    clerk = User.objects.create(username="migration-clerk", role="county_clerk")
    batch = Batch.objects.create(
        department="民政",
        county=county,
        list_date=datetime.date(2025, 10, 1),
        file_name="民政名单.csv",
        status="confirmed",
        rows_total=3,
        uploaded_by=clerk,
        confirmed_by=clerk,
        confirmed_at=timezone.now(),
        created_count=2,
        ended_count=1,
    )
    common = {"county": county, "requested_by": clerk, "file": "bulk/x.csv", "file_name": "x.csv"}
    loaded = Job.objects.create(
        kind="identity_list",
        department="民政",
        list_date=datetime.date(2025, 10, 1),
        identity_list_batch=batch,
        status="succeeded",
        **common,
    )
    refused = Job.objects.create(
        kind="identity_list", department="残联", list_date=datetime.date(2025, 9, 1), status="refused", **common
    )
    registry = Job.objects.create(kind="resident_registry", status="succeeded", **common)
    return Job, Batch, (loaded.pk, refused.pk, registry.pk), batch.pk


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_department_date_and_batch_of_every_job_survive_the_move_and_come_back():
    # given: the database as it was before the move
    executor = _migrate(BEFORE)
    _, _, (loaded, refused, registry), batch = _old_jobs(executor)
    leaves = executor.loader.graph.leaf_nodes()

    # when
    _migrate(leaves)

    # then
    assert dict(BulkImportJob.objects.values_list("pk", "parameters")) == {
        loaded: {"department": "民政", "list_date": "2025-10-01"},
        refused: {"department": "残联", "list_date": "2025-09-01"},
        registry: {},
    }
    assert list(IdentityListBatch.objects.values_list("pk", "bulk_import_job_id")) == [(batch, loaded)]
    assert BulkImportJob.objects.get(pk=loaded).identity_list_batch.pk == batch
    assert not hasattr(BulkImportJob.objects.get(pk=refused), "identity_list_batch")

    # when migrated back
    executor = _migrate(BEFORE)

    # then the old columns hold the same values and link
    old_apps = executor.loader.project_state(BEFORE).apps
    Job = old_apps.get_model("bulk", "BulkImportJob")
    assert sorted(Job.objects.values_list("pk", "department", "list_date", "identity_list_batch_id")) == [
        (loaded, "民政", datetime.date(2025, 10, 1), batch),
        (refused, "残联", datetime.date(2025, 9, 1), None),
        (registry, "", None, None),
    ]
    _migrate(leaves)
