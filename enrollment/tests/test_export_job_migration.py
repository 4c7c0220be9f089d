"""The export job's move from reports to enrollment (enrollment 0020, reports 0007): its rows stay in their table,
its content type and permissions follow it."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("enrollment", "0019_void_impossible_dates"), ("reports", "0006_export_job_is_a_job")]
AFTER = [("enrollment", "0020_export_job_from_reports"), ("reports", "0007_export_job_to_enrollment")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_export_jobs_keep_their_rows_content_type_and_permissions_when_moved_to_enrollment():
    # given the database before the move, with an export job and the content type and permission of reports' model
    old_apps = migrate(BEFORE)
    ContentType = old_apps.get_model("contenttypes", "ContentType")
    Permission = old_apps.get_model("auth", "Permission")
    ContentType.objects.filter(model="exportjob").delete()
    old_type = ContentType.objects.create(app_label="reports", model="exportjob")
    Permission.objects.create(content_type=old_type, codename="view_exportjob", name="Can view 导出任务")
    clerk = old_apps.get_model("accounts", "User").objects.create(username="clerk", role="township")
    old_job = old_apps.get_model("reports", "ExportJob").objects.create(
        kind="resident_roster", status="succeeded", rows_done=3, rows_total=3, requested_by_id=clerk.pk
    )

    # when the move is migrated
    new_apps = migrate(AFTER)

    # then the row is enrollment's, as it was
    job = new_apps.get_model("enrollment", "ExportJob").objects.get()
    assert (job.pk, job.kind, job.status, job.rows_done, job.rows_total, job.requested_by_id) == (
        old_job.pk,
        "resident_roster",
        "succeeded",
        3,
        3,
        clerk.pk,
    )
    # and the content type, renamed, keeps its id and its permission's codename
    ContentType = new_apps.get_model("contenttypes", "ContentType")
    assert list(ContentType.objects.filter(model="exportjob").values_list("pk", "app_label")) == [
        (old_type.pk, "enrollment")
    ]
    Permission = new_apps.get_model("auth", "Permission")
    assert list(Permission.objects.filter(content_type_id=old_type.pk).values_list("codename", flat=True)) == [
        "view_exportjob"
    ]
    # and the database is left at the latest migrations for the tests that follow
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
