"""Maternity reimbursements (生育保险报销): kept once per mother and birth; the mothers whose baby is not yet
registered for insurance are listed for the reminders to the parents (R7.1)."""

import datetime

import pytest

from enrollment.rules import id_number_compose
from exchange.feeds.lookups import NAME_DIFFERS, NOT_REGISTERED
from exchange.feeds.maternity import BABY_NOT_REGISTERED, BABY_REGISTERED, MaternityFeed
from exchange.models import FeedChannel, FeedOutcome, MaternityReimbursement
from exchange.selectors import maternity_mothers_babies_unenrolled
from exchange.services import feed_receive, feed_record_resolve
from newborns.services import newborn_register
from tests.factories import ResidentFactory, first_village

from .feeding import TODAY, checked, feed_apply, outcomes, residents_bulk
from .helpers import exchange_account

pytestmark = pytest.mark.django_db

D = datetime.date
FEED = MaternityFeed()


@pytest.fixture
def mother(clerk):
    return ResidentFactory(actor=clerk, birth_date=D(1995, 4, 2), sequence=62, name="刘芳")


def reimbursement(mother, **changes):
    return {
        "id_number": mother.id_number,
        "name": mother.name,
        "phone": "13800001111",
        "birth_date": "2026-10-08",
        "birth_certificate_no": "P140055001",
        "reimbursement_date": "2026-11-15",
        **changes,
    }


BORN = D(2026, 10, 8)


def register_birth(clerk, mother, *, certificate="P140055001", born=BORN):
    record, _ = newborn_register(
        actor=clerk,
        birth_certificate_no=certificate,
        name="刘小满",
        gender="F",
        birth_date=born,
        mother_id_number=mother.id_number,
        division=first_village("140621100"),
        registration_date=D(2026, 11, 20),
    )
    return record


def test_a_mother_whose_baby_is_not_enrolled_is_listed_for_outreach_until_the_birth_is_registered(clerk, mother):
    # when
    results = feed_apply(FEED, clerk, [reimbursement(mother)])
    # then
    assert outcomes(results) == [(FeedOutcome.APPLIED, f"已记录生育保险报销。{BABY_NOT_REGISTERED}")]
    assert [
        (row.mother_id, row.division_id, row.phone)
        for row in maternity_mothers_babies_unenrolled(actor=clerk, today=TODAY)
    ] == [(mother.pk, mother.household_division_id, "13800001111")]
    # when the birth is registered by the mother's ID number and birth date, under another certificate
    register_birth(clerk, mother, certificate="P140055999")
    # then
    assert list(maternity_mothers_babies_unenrolled(actor=clerk, today=TODAY)) == []


def test_a_birth_already_registered_by_its_certificate_is_said_so_and_not_listed(clerk, mother):
    # given
    register_birth(clerk, mother, born=D(2026, 10, 9))
    # when
    results = feed_apply(FEED, clerk, [reimbursement(mother)])
    # then
    assert outcomes(results) == [(FeedOutcome.APPLIED, f"已记录生育保险报销。{BABY_REGISTERED}")]
    assert list(maternity_mothers_babies_unenrolled(actor=clerk, today=TODAY)) == []


def test_the_same_reimbursement_twice_changes_nothing(clerk, mother):
    # given
    feed_apply(FEED, clerk, [reimbursement(mother)])
    before = list(MaternityReimbursement.objects.values())
    # when
    results = feed_apply(FEED, clerk, [reimbursement(mother), reimbursement(mother)])
    # then
    assert outcomes(results) == [(FeedOutcome.UNCHANGED, "该生育保险报销已登记，未作改动。")] * 2
    assert list(MaternityReimbursement.objects.values()) == before


def test_mothers_not_found_or_misnamed_are_kept_under_the_county_and_queued(clerk, mother, yujing_official):
    # given
    unknown = id_number_compose(address_code="140621", birth_date=D(1996, 6, 6), sequence=64)
    # when
    results = feed_apply(
        FEED, clerk, [reimbursement(mother, name="刘方"), {**reimbursement(mother), "id_number": unknown}]
    )
    # then
    assert outcomes(results) == [
        (FeedOutcome.QUEUED, f"已记录生育保险报销。{NAME_DIFFERS}。{BABY_NOT_REGISTERED}"),
        (FeedOutcome.QUEUED, f"已记录生育保险报销。母亲{NOT_REGISTERED}，待经办人核实。{BABY_NOT_REGISTERED}"),
    ]
    assert list(MaternityReimbursement.objects.order_by("id").values_list("mother_id", "division_id")) == [
        (None, "140621"),
        (None, "140621"),
    ]
    assert len(maternity_mothers_babies_unenrolled(actor=clerk, today=TODAY)) == 2
    assert list(maternity_mothers_babies_unenrolled(actor=yujing_official, today=TODAY)) == []


def test_a_malformed_reimbursement_is_refused_in_chinese_and_nothing_is_written(clerk, mother):
    # when
    errors = [
        checked(FEED, reimbursement(mother, reimbursement_date="2026-10-01")),
        checked(FEED, reimbursement(mother, birth_date="2099-12-05")),
        checked(FEED, reimbursement(mother, phone="138-abc")),
    ]
    # then
    assert errors == [
        {"reimbursement_date": ["报销日期早于婴儿出生日期。"]},
        {"birth_date": ["婴儿出生日期（2099-12-05）晚于今天。"]},
        {"phone": ["联系电话只能包含数字、空格和+-()。"]},
    ]
    assert MaternityReimbursement.objects.count() == 0


def test_a_chunk_of_1000_reimbursements_takes_a_bounded_number_of_queries(clerk, django_assert_max_num_queries):
    # given
    mothers = residents_bulk(1000, birth_date=D(1994, 2, 2))
    records = [checked(FEED, reimbursement(person, birth_certificate_no="")) for person in mothers]
    # when
    with django_assert_max_num_queries(20):
        results = FEED.apply(actor=clerk, records=records, today=TODAY)
    # then
    assert {result.outcome for result in results} == {FeedOutcome.APPLIED}
    assert maternity_mothers_babies_unenrolled(actor=clerk, today=TODAY).count() == 1000


def test_reimbursements_received_through_the_exchange_service_count_each_outcome(mother):
    # given
    sender = exchange_account()
    records = [reimbursement(mother), reimbursement(mother), reimbursement(mother, phone="138-abc")]
    # when
    batch = feed_receive(actor=sender, kind="maternity", records=records, channel=FeedChannel.API, today=TODAY)
    # then
    assert (batch.applied_count, batch.unchanged_count, batch.queued_count, batch.rejected_count) == (1, 1, 0, 1)
    assert MaternityReimbursement.objects.get().mother_id == mother.pk


def test_a_queued_reimbursement_is_linked_to_the_mother_the_clerk_chooses(clerk, mother, yujing_official):
    # given
    batch = feed_receive(
        actor=exchange_account(),
        kind="maternity",
        records=[reimbursement(mother, name="刘方")],
        channel=FeedChannel.API,
        today=TODAY,
    )
    # when
    resolved = feed_record_resolve(
        actor=clerk, record_id=batch.records.get().pk, resident_id=mother.pk, note="", today=TODAY
    )
    # then
    assert resolved.message.endswith(f"人工处理：已将生育保险报销关联到母亲的居民档案。{BABY_NOT_REGISTERED}")
    assert [row.mother_id for row in maternity_mothers_babies_unenrolled(actor=yujing_official, today=TODAY)] == [
        mother.pk
    ]
