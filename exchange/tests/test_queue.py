"""The clerk's queue: a queued record linked to a resident in scope and applied, or dismissed with a note; the pages
answer 404 for another county's batch or record."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from conftest import make_user
from enrollment.models import ResidentStatus
from exchange.models import FeedChannel, FeedOutcome
from exchange.services import feed_receive, feed_record_dismiss, feed_record_resolve
from tests.factories import EnrollmentFactory

from .helpers import exchange_account, table_counts

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()


def queued_death(resident, *, name: str):
    batch = feed_receive(
        actor=exchange_account(),
        kind="deaths",
        records=[{"id_number": resident.id_number, "name": name, "date": "2026-11-30", "type": "death"}],
        channel=FeedChannel.API,
        today=timezone.localdate(),
    )
    record = batch.records.get()
    assert record.outcome == FeedOutcome.QUEUED
    return record


def test_a_clerk_links_a_queued_death_to_the_resident_and_it_applies(clerk, yujing_resident):
    # given
    record = queued_death(yujing_resident, name="王玉")
    EnrollmentFactory(
        actor=clerk, resident=yujing_resident, insurance_year=2027, payment_date=datetime.date(2026, 11, 20)
    )
    # when
    resolved = feed_record_resolve(
        actor=clerk,
        record_id=record.pk,
        resident_id=yujing_resident.pk,
        note="民政系统姓名少录一字",
        today=timezone.localdate(),
    )
    # then
    yujing_resident.refresh_from_db()
    assert yujing_resident.status == ResidentStatus.DECEASED
    assert (resolved.outcome, resolved.resolved_by, resolved.resolution_note, resolved.resident_id) == (
        FeedOutcome.RESOLVED,
        clerk,
        "民政系统姓名少录一字",
        yujing_resident.pk,
    )
    assert resolved.refund_enrollment is not None
    # and the refund is offered on its page and on the home page
    client = Client()
    client.force_login(clerk)
    assert "王玉井" in client.get(reverse("exchange_refunds")).content.decode()
    assert "死亡退费待办" in client.get("/").content.decode()


def test_a_dismissal_needs_a_note_and_then_settles_the_record(clerk, yujing_resident):
    # given
    record = queued_death(yujing_resident, name="王玉")
    before = table_counts()
    # when a note is missing: refused, nothing changed
    with pytest.raises(ValidationError, match="不予处理须说明原因"):
        feed_record_dismiss(actor=clerk, record_id=record.pk, note=" ")
    assert table_counts() == before
    # when
    dismissed = feed_record_dismiss(actor=clerk, record_id=record.pk, note="非本县居民")
    # then
    assert (dismissed.outcome, dismissed.dismissed, dismissed.resolution_note) == (
        FeedOutcome.RESOLVED,
        True,
        "非本县居民",
    )
    yujing_resident.refresh_from_db()
    assert yujing_resident.status == ResidentStatus.NORMAL


def test_another_countys_clerk_sees_neither_the_batch_nor_the_record_nor_resolves_it(clerk, yujing_resident, client):
    # given
    record = queued_death(yujing_resident, name="王玉")
    other = make_user("yingxian", Role.WINDOW_CLERK, "140622")
    client.force_login(other)
    before = table_counts()
    # when / then
    assert client.get(reverse("exchange_batch_detail", args=[record.batch_id])).status_code == 404
    assert client.get(reverse("exchange_record_resolve", args=[record.pk])).status_code == 404
    response = client.post(
        reverse("exchange_record_resolve", args=[record.pk]), {"id_number": yujing_resident.id_number, "note": ""}
    )
    assert response.status_code == 404
    assert "王玉" not in client.get(reverse("exchange_queue")).content.decode()
    assert table_counts() == before
    with pytest.raises(ValidationError, match="没有找到该待处理记录"):
        feed_record_resolve(
            actor=other, record_id=record.pk, resident_id=yujing_resident.pk, note="", today=timezone.localdate()
        )


def test_a_clerk_cannot_link_a_record_to_a_resident_outside_the_county(clerk, yujing_resident, client):
    # given
    record = queued_death(yujing_resident, name="王玉")
    client.force_login(clerk)
    before = table_counts()
    # when
    response = client.post(
        reverse("exchange_record_resolve", args=[record.pk]), {"id_number": "140622199001010017", "note": ""}
    )
    # then
    assert response.status_code == 400
    assert "没有找到该身份证号的居民，或不在您的管辖范围内。" in response.content.decode()
    assert table_counts() == before


def test_the_batch_page_filters_and_exports_its_records(clerk, yujing_resident, client):
    # given
    record = queued_death(yujing_resident, name="王玉")
    client.force_login(clerk)
    # when
    page = client.get(reverse("exchange_batch_detail", args=[record.batch_id]), {"outcome": "queued"})
    empty = client.get(reverse("exchange_batch_detail", args=[record.batch_id]), {"outcome": "applied"})
    workbook = client.get(reverse("exchange_batch_xlsx", args=[record.batch_id]))
    # then
    assert "姓名与居民档案（王玉井）不一致" in page.content.decode()
    assert "没有符合条件的记录。" in empty.content.decode()
    assert (workbook.status_code, workbook["Content-Type"]) == (
        200,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
