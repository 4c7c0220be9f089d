"""Preview → confirm batches: the check recorded without writing anything else, then one confirmation, all or
nothing; each refusal changes nothing. Shown on the birth list's batch, one of the concrete batches."""

import pytest
from django.core.exceptions import ValidationError

from conftest import SHANYIN
from core.batches import BatchStatus, CheckedRows, batch_confirm, batch_stage
from core.tabular import FileUnreadable
from divisions.models import Division
from newborns.models import BirthImportBatch

pytestmark = pytest.mark.django_db

ROW = {"row": 2, "name": "张小宝"}
ROW_ERROR = {"row": 3, "values": {"性别": "未知"}, "errors": ["性别：「未知」应为男或女（M或F）。"]}


def staged(clerk, *, checked_rows=(ROW,), row_errors=()) -> BirthImportBatch:
    batch = BirthImportBatch(county=Division.objects.get(code=SHANYIN), file_name="出生.xlsx", uploaded_by=clerk)
    return batch_stage(
        batch=batch,
        check=lambda batch: CheckedRows(rows_total=2, checked_rows=list(checked_rows), row_errors=list(row_errors)),
    )


def snapshot(batch: BirthImportBatch) -> tuple:
    batch.refresh_from_db()
    return (batch.status, batch.confirmed_by_id, batch.confirmed_at, batch.created_count, batch.checked_rows)


def test_a_batch_whose_rows_all_pass_is_staged_to_be_confirmed(clerk):
    # when
    batch = staged(clerk)
    # then
    batch.refresh_from_db()
    assert (batch.status, batch.rows_total, batch.checked_rows, batch.row_errors, batch.file_error) == (
        BatchStatus.PREVIEWED,
        2,
        [ROW],
        [],
        "",
    )
    assert batch.can_confirm


def test_a_batch_with_a_row_error_is_staged_refused(clerk):
    # when
    batch = staged(clerk, row_errors=[ROW_ERROR])
    # then
    batch.refresh_from_db()
    assert (batch.status, batch.checked_rows, batch.row_errors) == (BatchStatus.REFUSED, [ROW], [ROW_ERROR])
    assert not batch.can_confirm


def test_a_file_that_cannot_be_read_is_staged_refused_with_its_message(clerk):
    # given
    def unreadable(batch: BirthImportBatch) -> CheckedRows:
        raise FileUnreadable("文件中没有数据行。")

    batch = BirthImportBatch(county=Division.objects.get(code=SHANYIN), file_name="出生.csv", uploaded_by=clerk)
    # when
    batch = batch_stage(batch=batch, check=unreadable)
    # then
    batch.refresh_from_db()
    assert (batch.status, batch.file_error, batch.rows_total, batch.checked_rows) == (
        BatchStatus.REFUSED,
        "文件中没有数据行。",
        0,
        [],
    )


def test_confirming_writes_the_rows_once_and_records_who_confirmed(clerk):
    # given
    batch = staged(clerk)
    written = []

    def write(batch: BirthImportBatch) -> None:
        written.extend(batch.checked_rows)
        batch.created_count = len(batch.checked_rows)

    # when
    confirmed = batch_confirm(batches=BirthImportBatch.objects.all(), pk=batch.pk, actor=clerk, write=write)
    # then
    assert written == [ROW]
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.confirmed_by, confirmed.created_count) == (BatchStatus.CONFIRMED, clerk, 1)
    assert confirmed.confirmed_at is not None


def test_a_batch_already_confirmed_is_refused_and_nothing_changes(clerk):
    # given
    batch = staged(clerk)
    batch_confirm(batches=BirthImportBatch.objects.all(), pk=batch.pk, actor=clerk, write=lambda batch: None)
    before = snapshot(batch)
    # when
    with pytest.raises(ValidationError) as refusal:
        batch_confirm(batches=BirthImportBatch.objects.all(), pk=batch.pk, actor=clerk, write=pytest.fail)
    # then
    assert refusal.value.messages == ["该批次已导入，不能重复导入。"]
    assert snapshot(batch) == before


def test_a_batch_refused_at_its_check_cannot_be_confirmed_and_nothing_changes(clerk):
    # given
    batch = staged(clerk, row_errors=[ROW_ERROR])
    before = snapshot(batch)
    # when
    with pytest.raises(ValidationError) as refusal:
        batch_confirm(batches=BirthImportBatch.objects.all(), pk=batch.pk, actor=clerk, write=pytest.fail)
    # then
    assert refusal.value.messages == ["该文件有错误，不能导入。请按错误行修改后重新上传。"]
    assert snapshot(batch) == before


def test_a_batch_outside_the_actor_s_batches_is_refused_as_not_found_and_nothing_changes(clerk):
    # given a batch the actor's scope does not include
    batch = staged(clerk)
    before = snapshot(batch)
    # when
    with pytest.raises(ValidationError) as refusal:
        batch_confirm(batches=BirthImportBatch.objects.none(), pk=batch.pk, actor=clerk, write=pytest.fail)
    # then
    assert refusal.value.messages == ["没有找到该批次。"]
    assert snapshot(batch) == before


def test_a_write_refused_midway_leaves_nothing_written_and_the_batch_to_be_confirmed(clerk):
    # given
    batch = staged(clerk)
    county = Division.objects.get(code=SHANYIN)
    before = snapshot(batch)

    def write(batch: BirthImportBatch) -> None:
        Division.objects.filter(pk=county.pk).update(name="改写了")
        raise ValidationError("第2行无法登记。")

    # when
    with pytest.raises(ValidationError) as refusal:
        batch_confirm(batches=BirthImportBatch.objects.all(), pk=batch.pk, actor=clerk, write=write)
    # then
    assert refusal.value.messages == ["第2行无法登记。"]
    assert snapshot(batch) == before
    assert Division.objects.get(pk=county.pk).name == county.name


def test_a_batch_with_nothing_to_write_is_shown_but_not_confirmed_when_its_list_says_so(clerk, monkeypatch):
    # given a list whose confirmation means writing rows, and a batch that passed its check with none
    monkeypatch.setattr(BirthImportBatch, "nothing_to_write_message", "文件中没有需要导入的人员。")
    batch = staged(clerk, checked_rows=())
    before = snapshot(batch)
    # then it cannot be confirmed, and confirming it is refused with the list's message, nothing changed
    assert batch.can_confirm is False
    with pytest.raises(ValidationError) as refusal:
        batch_confirm(batches=BirthImportBatch.objects.all(), pk=batch.pk, actor=clerk, write=pytest.fail)
    assert refusal.value.messages == ["文件中没有需要导入的人员。"]
    assert snapshot(batch) == before == (BatchStatus.PREVIEWED, None, None, 0, [])


def test_an_empty_batch_of_a_list_without_that_message_is_confirmed_like_any_other(clerk):
    batch = staged(clerk, checked_rows=())
    assert batch.can_confirm is True
    confirmed = batch_confirm(batches=BirthImportBatch.objects.all(), pk=batch.pk, actor=clerk, write=lambda b: None)
    assert (confirmed.status, confirmed.confirmed_by_id) == (BatchStatus.CONFIRMED, clerk.pk)
