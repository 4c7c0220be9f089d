"""The uninsured ledgers moved from the targets app to their own: rows, history and permissions come along."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import Role
from conftest import YUJING_TOWN, make_user
from uninsured.models import UninsuredList, UninsuredPerson

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_THE_MOVE = [("targets", "0007_progress_job_is_a_job"), ("uninsured", None)]
MOVED_MODELS = ("uninsuredlist", "uninsuredperson", "historicaluninsuredlist", "historicaluninsuredperson")


def migrate_to(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    applied = [(app_label, name) for app_label, name in targets if name is not None]
    return executor.loader.project_state(applied).apps


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()


def permission_ids(app_label: str) -> dict[str, int]:
    return dict(
        Permission.objects.filter(content_type__app_label=app_label, content_type__model__in=MOVED_MODELS).values_list(
            "codename", "id"
        )
    )


def test_rows_history_and_permissions_follow_the_ledgers_to_the_uninsured_app():
    # given: a database as it was before the move, with a list, a person on it and the person's history row
    province = make_user("province", Role.PROVINCE_STAFF, "14")
    old_apps = migrate_to(BEFORE_THE_MOVE)
    township = old_apps.get_model("divisions", "Division").objects.get(code=YUJING_TOWN)
    old_list = old_apps.get_model("targets", "UninsuredList").objects.create(
        township=township,
        year=2026,
        title="2026年未参保人员名单",
        deadline=datetime.date(2026, 3, 31),
        pushed_by_id=province.pk,
    )
    old_person = old_apps.get_model("targets", "UninsuredPerson").objects.create(
        uninsured_list=old_list, township=township, year=2026, name="张三", id_number="140621198001020011"
    )
    old_apps.get_model("targets", "HistoricalUninsuredPerson").objects.create(
        id=old_person.pk,
        uninsured_list_id=old_list.pk,
        township_id=township.pk,
        year=2026,
        name="张三",
        id_number="140621198001020011",
        updated_at=old_person.updated_at,
        history_date=timezone.now(),
        history_type="+",
    )
    before = permission_ids("targets")
    assert len(before) == 16

    # when
    migrate_to_latest()

    # then: every row reads through the new models, and the permissions kept their ids under the new label
    uninsured_list = UninsuredList.objects.get()
    assert (uninsured_list.pk, uninsured_list.title, uninsured_list.township.code) == (
        old_list.pk,
        "2026年未参保人员名单",
        YUJING_TOWN,
    )
    person = UninsuredPerson.objects.get()
    assert (person.pk, person.name, person.uninsured_list_id) == (old_person.pk, "张三", old_list.pk)
    assert list(person.history.values_list("id", "name", "history_type")) == [(old_person.pk, "张三", "+")]
    assert sorted(ContentType.objects.filter(model__in=MOVED_MODELS).values_list("app_label", "model")) == sorted(
        ("uninsured", model) for model in MOVED_MODELS
    )
    assert permission_ids("uninsured") == before
    assert permission_ids("targets") == {}
