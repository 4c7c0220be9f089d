"""Saving with history: the history row of a save names the actor the service gives, and the reason if any."""

import pytest
from django.test import RequestFactory
from simple_history.models import HistoricalRecords

from core.history import history_save
from enrollment.models import Resident


def latest_change(resident: Resident):
    return resident.history.order_by("-history_id").first()


def test_the_history_row_names_the_actor(yujing_resident, yujing_official):
    # given a resident registered by a clerk
    yujing_resident.phone = "13900000001"
    # when a township official saves a new phone number
    history_save(yujing_resident, actor=yujing_official)
    # then the history row of that save says who changed what, without a reason
    change = latest_change(yujing_resident)
    assert (change.history_type, change.history_user, change.phone, change.history_change_reason) == (
        "~",
        yujing_official,
        "13900000001",
        None,
    )
    assert yujing_resident.history.count() == 2


def test_the_history_row_keeps_the_reason_of_its_save_only(yujing_resident, clerk):
    # when a save gives a reason and the next one does not
    yujing_resident.phone = "13900000002"
    history_save(yujing_resident, actor=clerk, reason="居民来电更正手机号")
    first = latest_change(yujing_resident)
    yujing_resident.phone = "13900000003"
    history_save(yujing_resident, actor=clerk)
    second = latest_change(yujing_resident)
    # then only the first row carries it
    assert (first.phone, first.history_change_reason) == ("13900000002", "居民来电更正手机号")
    assert (second.phone, second.history_change_reason) == ("13900000003", None)


def test_update_fields_saves_only_the_fields_named(yujing_resident, clerk):
    # given two changed fields
    yujing_resident.phone = "13900000004"
    yujing_resident.name = "王玉京"
    # when only the phone number is saved
    history_save(yujing_resident, actor=clerk, update_fields=["phone"])
    # then the database holds the new phone number and the old name, and the save has its history row
    assert Resident.objects.values_list("phone", "name").get(pk=yujing_resident.pk) == ("13900000004", "王玉井")
    assert (latest_change(yujing_resident).history_user, yujing_resident.history.count()) == (clerk, 2)


@pytest.fixture
def request_of(db):
    """The request simple_history's middleware remembers, as during a page that saves."""

    def remember(user):
        request = RequestFactory().post("/")
        request.user = user
        HistoricalRecords.context.request = request

    yield remember
    if hasattr(HistoricalRecords.context, "request"):
        del HistoricalRecords.context.request


def test_the_actor_given_wins_over_the_user_of_the_request(yujing_resident, clerk, yujing_official, request_of):
    # given a request by the clerk
    request_of(clerk)
    # when a service saves on behalf of the township official
    yujing_resident.phone = "13900000005"
    history_save(yujing_resident, actor=yujing_official)
    # then the history names the official
    assert latest_change(yujing_resident).history_user == yujing_official
