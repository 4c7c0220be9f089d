"""A database migrated while the payment records belonged to bulk keeps every record, its content type and its
permission ids when the model moves to tax_payments."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tax_payments.models import TaxPaymentMatch, TaxPaymentRecord

LAST_BULK_MIGRATION_BEFORE_THE_MOVE = ("bulk", "0006_bulk_import_job_is_a_job")
BEFORE_THE_MOVE = [LAST_BULK_MIGRATION_BEFORE_THE_MOVE, ("tax_payments", None)]


def _migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader: the applied migrations as they now are


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_records_content_type_and_permissions_survive_the_move_from_bulk():
    # given: the database as it was before the move, with a payment record written through the historical model
    executor = _migrate(BEFORE_THE_MOVE)
    # exchange records its files' bulk jobs: its migrations come after bulk's last, so it is left out like bulk; and
    # so is enrollment, whose partitions come after tax_payments and exchange keep their references to it.
    other_apps = [
        node
        for node in executor.loader.graph.leaf_nodes()
        if node[0] not in ("bulk", "tax_payments", "exchange", "enrollment")
    ]
    old_apps = executor.loader.project_state([*other_apps, LAST_BULK_MIGRATION_BEFORE_THE_MOVE]).apps
    Division = old_apps.get_model("divisions", "Division")
    User = old_apps.get_model("accounts", "User")
    Job = old_apps.get_model("bulk", "BulkImportJob")
    OldRecord = old_apps.get_model("bulk", "TaxPaymentRecord")
    OldContentType = old_apps.get_model("contenttypes", "ContentType")
    OldPermission = old_apps.get_model("auth", "Permission")
    county, _ = Division.objects.get_or_create(code="149901", defaults={"name": "迁移测试县", "level": "county"})
    clerk = User.objects.create(username="migration-clerk", role="county_clerk")
    job = Job.objects.create(
        kind="tax_payments", county=county, requested_by=clerk, file="bulk/x.csv", file_name="x.csv"
    )
    now = timezone.now()
    OldRecord.objects.create(
        voucher_number="349990000001",
        id_number="140621199001010011",
        name="张三",
        county=county,
        insurance_year=2026,
        amount=Decimal("400.00"),
        paid_on=datetime.date(2025, 10, 1),
        deposited_on=datetime.date(2025, 10, 3),
        job=job,
        match_status=TaxPaymentMatch.NOT_REGISTERED,
        match_explanation="档案中无此人",
        matched_at=now,
        created_at=now,
    )
    content_type = OldContentType.objects.get(app_label="bulk", model="taxpaymentrecord")
    permission_ids = dict(OldPermission.objects.filter(content_type=content_type).values_list("codename", "id"))

    # when
    _migrate(executor.loader.graph.leaf_nodes())

    # then
    record = TaxPaymentRecord.objects.get(voucher_number="349990000001")
    assert (record.name, record.amount, record.county_id, record.job_id) == (
        "张三",
        Decimal("400.00"),
        "149901",
        job.pk,
    )
    assert record.match_status == TaxPaymentMatch.NOT_REGISTERED
    assert not ContentType.objects.filter(app_label="bulk", model="taxpaymentrecord").exists()
    moved = ContentType.objects.get(app_label="tax_payments", model="taxpaymentrecord")
    assert moved.pk == content_type.pk
    assert dict(Permission.objects.filter(content_type=moved).values_list("codename", "id")) == permission_ids
    assert set(permission_ids) == {f"{action}_taxpaymentrecord" for action in ("add", "change", "delete", "view")}
