"""The nightly dump file of a feed: uploaded at /bulk/ (checked, confirmed) or run by `manage.py exchange_feed_file`,
through the same receiving path as the API."""

import csv
import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from bulk.tests.helpers import csv_file, run_import
from core.models import JobStatus
from enrollment.models import ResidentStatus
from exchange.models import FeedBatch, FeedOutcome
from exchange.services import feed_receive

from .helpers import GIRL_ID, birth_register, exchange_account, mother_create

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 4)
DEATH_HEADER = ["身份证号", "姓名", "日期", "类型"]
REGISTRATION_HEADER = [
    "身份证号",
    "姓名",
    "性别",
    "出生日期",
    "出生医学证明编号",
    "母亲身份证号",
    "落户日期",
    "户籍地代码",
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_death_file_goes_through_the_bulk_import_and_the_feed(
    clerk, yujing_resident, beizhouzhuang_resident, django_capture_on_commit_callbacks
):
    # given
    rows = [
        DEATH_HEADER,
        [yujing_resident.id_number, yujing_resident.name, "2026/11/30", "死亡"],
        [beizhouzhuang_resident.id_number, beizhouzhuang_resident.name, "2026-10-01", "注销"],
        [beizhouzhuang_resident.id_number, "李北", "不是日期", "死亡"],
    ]
    # when: checked first (待确认), then confirmed
    checked = run_import(
        django_capture_on_commit_callbacks,
        actor=clerk,
        upload=csv_file(rows, name="死亡.csv"),
        kind="deaths",
        confirm=False,
    )
    assert (checked.status, checked.rows_total, checked.error_count) == (JobStatus.CHECKED, 3, 0)
    job = run_import(
        django_capture_on_commit_callbacks, actor=clerk, upload=csv_file(rows, name="死亡.csv"), kind="deaths"
    )
    # then
    assert (job.status, job.rows_created) == (JobStatus.SUCCEEDED, 2)
    batch = FeedBatch.objects.get(bulk_import_job=job)
    assert (batch.channel, batch.records_total, batch.applied_count, batch.rejected_count) == ("file", 3, 2, 1)
    assert list(batch.records.order_by("position").values_list("position", "outcome")) == [
        (1, FeedOutcome.APPLIED),
        (2, FeedOutcome.APPLIED),
        (3, FeedOutcome.REJECTED),
    ]
    yujing_resident.refresh_from_db()
    beizhouzhuang_resident.refresh_from_db()
    assert (yujing_resident.status, beizhouzhuang_resident.status) == (ResidentStatus.DECEASED, ResidentStatus.VOIDED)


def test_the_command_loads_a_registration_file_and_the_same_file_again_changes_nothing(clerk, tmp_path, capsys):
    # given
    sender = exchange_account()
    mother = mother_create(clerk)
    birth = birth_register(clerk, mother)
    path = tmp_path / "落户.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        csv.writer(file).writerows(
            [
                REGISTRATION_HEADER,
                [GIRL_ID, "刘小满", "女", "2026-03-01", "P140012345", mother.id_number, "2026-04-02", "140621100200"],
            ]
        )
    # when
    call_command("exchange_feed_file", "household-registrations", str(path), "--user", sender.username)
    call_command("exchange_feed_file", "household-registrations", str(path), "--user", sender.username)
    # then
    birth.refresh_from_db()
    assert (birth.resident.id_number, birth.resident.id_number_is_placeholder) == (GIRL_ID, False)
    first, second = FeedBatch.objects.order_by("pk")
    assert (first.applied_count, second.unchanged_count, second.applied_count) == (1, 1, 0)
    assert capsys.readouterr().out.splitlines()[-1] == (
        f"批次 #{second.pk}：共1条，已处理0条，重复收到1条，待人工处理0条，格式错误0条。"
    )


def test_the_command_refuses_an_unknown_user(tmp_path):
    with pytest.raises(CommandError, match="没有用户名为“nobody”的有效账号。"):
        call_command("exchange_feed_file", "deaths", str(tmp_path / "x.csv"), "--user", "nobody")
    assert FeedBatch.objects.count() == 0


def test_a_batch_of_another_county_is_not_received_for_an_account_outside_it(clerk):
    # given
    sender = exchange_account("yingxian-exchange", "140622")
    # when / then
    with pytest.raises(ValidationError, match="没有找到该区县，或不在您的管辖范围内。"):
        feed_receive(actor=sender, kind="deaths", records=[], channel="api", today=TODAY, county_code="140621")
    assert FeedBatch.objects.count() == 0
