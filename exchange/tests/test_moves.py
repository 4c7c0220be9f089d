"""Moves out of the province (迁出) from the household registration: the person is marked 迁出 with history, and the
township's uninsured ledger shows them as 已迁出 (R13.5). Unknown or ambiguous records are queued, never guessed."""

import datetime

import pytest

from accounts.models import Role
from conftest import make_user, token_client
from enrollment.models import Resident, ResidentStatus
from enrollment.rules import id_number_compose
from exchange.feeds.moves import MOVE_REASON, MovesFeed
from exchange.models import FeedBatch, FeedChannel, FeedOutcome, ResidentMove
from exchange.services import feed_receive, feed_record_resolve
from tests.factories import ResidentFactory, first_village
from uninsured.models import UninsuredPerson, UninsuredReason
from uninsured.selectors import uninsured_ledger_counts, uninsured_ledger_people, uninsured_ledger_rows

from .feeding import TODAY, checked, feed_apply, outcomes, residents_bulk
from .helpers import exchange_account

pytestmark = pytest.mark.django_db

D = datetime.date
FEED = MovesFeed()


def move(resident, **changes):
    return {
        "id_number": resident.id_number,
        "name": resident.name,
        "move_date": "2026-11-20",
        "destination": "北京市朝阳区",
        **changes,
    }


def test_r13_5_a_move_marks_the_resident_moved_out_with_history(clerk, yujing_resident):
    # given
    history_rows = yujing_resident.history.count()
    # when
    results = feed_apply(FEED, clerk, [move(yujing_resident)])
    # then
    assert outcomes(results) == [
        (FeedOutcome.APPLIED, "已标记为迁出（2026年11月20日迁往北京市朝阳区），未参保台账中显示为已迁出（R13.5）。")
    ]
    assert results[0].resident_id == yujing_resident.pk
    yujing_resident.refresh_from_db()
    assert yujing_resident.status == ResidentStatus.MOVED_OUT
    latest = yujing_resident.history.first()
    assert (yujing_resident.history.count(), latest.history_user, latest.history_change_reason) == (
        history_rows + 1,
        clerk,
        MOVE_REASON,
    )
    assert list(ResidentMove.objects.values_list("resident_id", "move_date", "destination", "recorded_by")) == [
        (yujing_resident.pk, D(2026, 11, 20), "北京市朝阳区", clerk.pk)
    ]


def test_the_same_move_twice_changes_nothing(clerk, yujing_resident):
    # given
    feed_apply(FEED, clerk, [move(yujing_resident)])
    history_rows = yujing_resident.history.count()
    # when
    results = feed_apply(FEED, clerk, [move(yujing_resident), move(yujing_resident)])
    # then
    assert outcomes(results) == [(FeedOutcome.UNCHANGED, "该居民2026年11月20日的迁出已登记，未作改动。")] * 2
    assert (yujing_resident.history.count(), ResidentMove.objects.count()) == (history_rows, 1)


def test_unknown_elsewhere_misnamed_or_already_moved_people_are_queued_and_nothing_changes(clerk, yujing_resident):
    # given
    datong = ResidentFactory(
        actor=make_user("datong", Role.WINDOW_CLERK, "140212"),
        sequence=31,
        name="赵大同",
        household_division=first_village("140212100"),
    )
    moved = ResidentFactory(actor=clerk, sequence=32, name="钱已迁")
    feed_apply(FEED, clerk, [move(moved, move_date="2026-10-01")])
    unknown = id_number_compose(address_code="140621", birth_date=D(1970, 1, 1), sequence=5)
    before = dict(Resident.objects.values_list("id_number", "status"))
    # when
    results = feed_apply(
        FEED,
        clerk,
        [
            {"id_number": unknown, "name": "孙无档", "move_date": "2026-11-20"},
            move(datong),
            move(yujing_resident, name="王玉"),
            move(moved),
        ],
    )
    # then
    assert outcomes(results) == [
        (FeedOutcome.QUEUED, "身份证号未在居民档案中登记，迁出信息待经办人核实。"),
        (FeedOutcome.QUEUED, "该居民登记在其他区县，不在本辖区，迁出信息待经办人核实。"),
        (FeedOutcome.QUEUED, "姓名与居民档案不一致，待经办人核对身份证号和姓名（迁出）。"),
        (FeedOutcome.QUEUED, "该居民已标记为迁出，本次迁出日期与已登记的不同，待经办人核实。"),
    ]
    assert dict(Resident.objects.values_list("id_number", "status")) == before
    assert ResidentMove.objects.count() == 1


def test_a_malformed_move_is_refused_in_chinese_and_nothing_is_written(clerk, yujing_resident):
    # given
    wrong_check = yujing_resident.id_number[:17] + ("0" if yujing_resident.id_number[17] != "0" else "1")
    # when
    errors = [
        checked(FEED, move(yujing_resident, id_number=wrong_check)),
        checked(FEED, move(yujing_resident, move_date="2099-01-01")),
        checked(FEED, {"id_number": yujing_resident.id_number}),
    ]
    # then
    assert errors == [
        {"id_number": ["身份证号校验位不正确，请核对后重新输入。"]},
        {"move_date": ["迁出日期（2099-01-01）晚于今天。"]},
        {"name": ["该字段是必填项。"], "move_date": ["该字段是必填项。"]},
    ]
    yujing_resident.refresh_from_db()
    assert (yujing_resident.status, ResidentMove.objects.count()) == (ResidentStatus.NORMAL, 0)


def test_r13_5_the_uninsured_ledger_shows_a_person_moved_out_as_moved_out(
    client, clerk, yujing_official, yujing_resident
):
    # given
    village = first_village("140621100")
    UninsuredPerson.objects.create(
        township_id="140621100",
        village=village,
        year=2026,
        name=yujing_resident.name,
        id_number=yujing_resident.id_number,
    )
    UninsuredPerson.objects.create(
        township_id="140621100", village=village, year=2026, name="未迁出", id_number="140621199001010011"
    )
    township = village.parent
    # when
    feed_apply(FEED, clerk, [move(yujing_resident)])
    # then
    people = uninsured_ledger_people(user=yujing_official, township=township, year=2026)
    assert [(person.name, person.registry_moved_out) for person in people] == [("未迁出", False), ("王玉井", True)]
    counts = {row.reason: row.people for row in uninsured_ledger_counts(township=township, year=2026).reasons}
    assert (counts[UninsuredReason.MOVED_AWAY], counts[""]) == (1, 1)
    rows = {row[0]: row[4] for row in uninsured_ledger_rows(user=yujing_official, township=township, year=2026)}
    assert rows == {"王玉井": "已迁出", "未迁出": ""}
    client.force_login(yujing_official)
    page = client.get("/targets/uninsured/ledger/?township=140621100&year=2026").content.decode()
    assert page.count("已迁出（系统户籍迁出记录）") == 1


def test_a_chunk_of_1000_moves_takes_a_bounded_number_of_queries(clerk, django_assert_max_num_queries):
    # given
    people = residents_bulk(1000)
    records = [checked(FEED, move(person)) for person in people]
    # when
    with django_assert_max_num_queries(30):
        results = FEED.apply(actor=clerk, records=records, today=TODAY)
    # then
    assert {result.outcome for result in results} == {FeedOutcome.APPLIED}
    assert Resident.objects.filter(status=ResidentStatus.MOVED_OUT).count() == 1000
    assert ResidentMove.objects.count() == 1000


def test_moves_posted_to_the_api_are_kept_with_their_outcomes_and_sent_again_change_nothing(yujing_resident):
    # given
    client = token_client(exchange_account())
    body = {"records": [move(yujing_resident)]}
    # when
    first = client.post("/api/v1/exchange/moves/", body, format="json")
    history_rows = yujing_resident.history.count()
    again = client.post("/api/v1/exchange/moves/", body, format="json")
    # then
    assert first.status_code == again.status_code == 201
    first_batch, second_batch = FeedBatch.objects.order_by("id")
    assert [
        (batch.applied_count, batch.unchanged_count, batch.queued_count, batch.rejected_count)
        for batch in (first_batch, second_batch)
    ] == [(1, 0, 0, 0), (0, 1, 0, 0)]
    assert (yujing_resident.history.count(), ResidentMove.objects.count()) == (history_rows, 1)


def test_a_queued_move_is_applied_to_the_resident_the_clerk_chooses(clerk, yujing_resident):
    # given
    batch = feed_receive(
        actor=exchange_account(),
        kind="moves",
        records=[move(yujing_resident, name="王玉")],
        channel=FeedChannel.API,
        today=TODAY,
    )
    queued = batch.records.get()
    # when
    resolved = feed_record_resolve(
        actor=clerk, record_id=queued.pk, resident_id=yujing_resident.pk, note="", today=TODAY
    )
    # then
    yujing_resident.refresh_from_db()
    assert (queued.outcome, resolved.outcome, yujing_resident.status) == (
        FeedOutcome.QUEUED,
        FeedOutcome.RESOLVED,
        ResidentStatus.MOVED_OUT,
    )
    assert resolved.message.endswith(
        "人工处理：已标记为迁出（2026年11月20日迁往北京市朝阳区），未参保台账中显示为已迁出（R13.5）。"
    )
