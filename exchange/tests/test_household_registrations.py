"""公安户籍落户 (R7.5): a newborn awaiting its ID number gets it from the police feed: matched, never guessed."""

import pytest
from django.utils import timezone

from enrollment.models import Resident, ResidentStatus
from exchange.models import FeedChannel, FeedOutcome, FeedRecord
from exchange.services import feed_receive

from .helpers import (
    GIRL_ID,
    SECOND_GIRL_ID,
    birth_register,
    exchange_account,
    mother_create,
    registration,
    table_counts,
)

pytestmark = pytest.mark.django_db
KIND = "household-registrations"


def receive(actor, *records):
    return feed_receive(
        actor=actor, kind=KIND, records=list(records), channel=FeedChannel.API, today=timezone.localdate()
    )


def outcomes(batch):
    return list(batch.records.order_by("position").values_list("outcome", "message"))


def test_r7_5_a_registration_completes_the_newborn_matched_by_certificate(clerk):
    # given
    sender = exchange_account()
    mother = mother_create(clerk)
    birth = birth_register(clerk, mother)
    # when
    batch = receive(sender, registration(mother))
    # then
    birth.refresh_from_db()
    resident = birth.resident
    assert (resident.id_number, resident.id_number_is_placeholder, resident.status) == (
        GIRL_ID,
        False,
        ResidentStatus.NORMAL,
    )
    assert birth.enrollment.resident_id == resident.pk
    assert outcomes(batch) == [(FeedOutcome.APPLIED, "已完成落户登记，参保身份补全（R7.5）。")]
    assert (batch.records_total, batch.applied_count, batch.county_id) == (1, 1, "140621")
    assert FeedRecord.objects.get().resident_id == resident.pk


def test_r7_5_matched_by_mother_and_birth_date_when_the_certificate_is_not_given(clerk):
    # given
    sender = exchange_account()
    mother = mother_create(clerk)
    birth = birth_register(clerk, mother)
    # when
    batch = receive(sender, registration(mother, birth_certificate_no=""))
    # then
    birth.refresh_from_db()
    assert (birth.resident.id_number, batch.applied_count) == (GIRL_ID, 1)


def test_r7_5_the_same_registration_twice_changes_nothing(clerk):
    # given
    sender = exchange_account()
    mother = mother_create(clerk)
    birth_register(clerk, mother)
    receive(sender, registration(mother))
    before = table_counts()
    history = list(Resident.history.order_by("history_id").values_list("history_id", flat=True))
    # when
    again = receive(sender, registration(mother), registration(mother, registration_date="2026-04-03"))
    # then
    assert [outcome for outcome, _ in outcomes(again)] == [FeedOutcome.UNCHANGED, FeedOutcome.UNCHANGED]
    assert outcomes(again)[0][1].startswith("该记录已于批次#")
    assert list(Resident.history.order_by("history_id").values_list("history_id", flat=True)) == history
    assert table_counts() == {**before, "batches": before["batches"] + 1, "records": before["records"] + 2}


def test_r7_5_an_id_already_completed_at_the_window_is_unchanged(clerk):
    # given
    sender = exchange_account()
    mother = mother_create(clerk)
    birth_register(clerk, mother, id_number=GIRL_ID)
    # when
    batch = receive(sender, registration(mother))
    # then
    assert outcomes(batch) == [(FeedOutcome.UNCHANGED, "该新生儿已按此身份证号完成落户登记，本次未变更（R7.5）。")]


def test_r7_5_twins_of_one_mother_without_certificate_wait_for_a_clerk(clerk):
    # given
    sender = exchange_account()
    mother = mother_create(clerk)
    first = birth_register(clerk, mother, certificate="P140012345")
    second = birth_register(clerk, mother, certificate="P140012346", name="刘小朵")
    before = table_counts()
    # when
    batch = receive(sender, registration(mother, birth_certificate_no=""))
    # then
    assert outcomes(batch) == [
        (
            FeedOutcome.QUEUED,
            "按母亲身份证号和出生日期找到2名待补录身份证号的新生儿（如多胞胎），无法确定对应哪一名，请人工选择（R7.5）。",
        )
    ]
    for birth in (first, second):
        birth.resident.refresh_from_db()
        assert birth.resident.id_number_is_placeholder is True
    assert table_counts() == {**before, "batches": before["batches"] + 1, "records": before["records"] + 1}


def test_r7_5_no_birth_found_waits_for_a_clerk(clerk):
    # given
    sender = exchange_account()
    mother = mother_create(clerk)
    before = table_counts()
    # when
    batch = receive(sender, registration(mother))
    # then
    assert outcomes(batch) == [
        (
            FeedOutcome.QUEUED,
            "本辖区没有找到对应的新生儿出生登记（按出生医学证明编号、母亲身份证号和出生日期），请人工核对（R7.5）。",
        )
    ]
    assert table_counts() == {**before, "batches": before["batches"] + 1, "records": before["records"] + 1}


def test_r7_5_a_malformed_record_is_rejected_with_its_reasons_and_the_good_one_applies(clerk):
    # given
    sender = exchange_account()
    mother = mother_create(clerk)
    birth_register(clerk, mother)
    bad = registration(mother, id_number="140621202603010121", gender="X", birth_date="2026-13-01")
    # when
    batch = receive(sender, bad, registration(mother))
    # then
    (outcome, message), applied = outcomes(batch)
    assert outcome == FeedOutcome.REJECTED
    assert (
        message
        == "身份证号校验位不正确，请核对后重新输入。性别：“X” 不是合法选项。出生日期：格式不正确，请写成2026-01-01。"
    )
    assert applied[0] == FeedOutcome.APPLIED
    assert (batch.rejected_count, batch.applied_count) == (1, 1)


def test_r7_5_another_countys_account_does_not_match_this_countys_births(clerk):
    # given
    other_county = exchange_account("yingxian-exchange", "140622")
    mother = mother_create(clerk)
    birth = birth_register(clerk, mother)
    # when
    batch = receive(other_county, registration(mother))
    # then
    assert outcomes(batch)[0][0] == FeedOutcome.QUEUED
    birth.resident.refresh_from_db()
    assert birth.resident.id_number_is_placeholder is True


def test_r7_5_a_chunk_of_registrations_is_matched_with_a_bounded_number_of_queries(
    clerk, django_assert_max_num_queries
):
    # given
    sender = exchange_account()
    mother = mother_create(clerk)
    birth_register(clerk, mother)
    unknown = [
        registration(mother, id_number=SECOND_GIRL_ID, birth_certificate_no=f"Q{number:08d}", mother_id_number="")
        for number in range(300)
    ]
    # when / then: the unmatched records cost no query each
    with django_assert_max_num_queries(40):
        batch = receive(sender, *unknown)
    assert (batch.queued_count, batch.unchanged_count) == (1, 299)
