"""School rolls (学籍): every valid roll is kept once per student, school and year; a first-time university or
technical-school student is known to the window for R9.1; a student not registered is queued for the county only
when the school lies in it."""

import datetime

import pytest

from accounts.models import Role
from conftest import make_user
from enrollment.rules import id_number_compose
from enrollment.services import resident_create
from exchange.feeds.school_rolls import SchoolRollsFeed
from exchange.models import FeedBatch, FeedChannel, FeedOutcome, StudentRoll
from exchange.selectors import student_first_enrollment_roll, student_rolls
from exchange.services import feed_file_run, feed_receive, feed_record_resolve
from tests.factories import first_village

from .feeding import TODAY, checked, feed_apply, outcomes, residents_bulk
from .helpers import exchange_account

pytestmark = pytest.mark.django_db

D = datetime.date
FEED = SchoolRollsFeed()
SHANYIN = "140621"
TAIYUAN_XIAODIAN = "140105"
R9_NOTE = (
    "新入学高等院校学生在学籍地（山阴县）首次参保缴费的，待遇享受期自缴费之日起至次年12月31日，无等待期（R9.1）；"
    "窗口测算时将提示按大中专学生首次参保办理。"
)


def roll(resident=None, **changes):
    return {
        "id_number": resident.id_number if resident else "",
        "name": resident.name if resident else "",
        "school_name": "山阴县职业学院",
        "school_division": SHANYIN,
        "enrolment_date": "2026-09-01",
        "first_time": True,
        "school_type": "university",
        **changes,
    }


def test_r9_1_a_first_time_student_is_recorded_and_known_to_the_window(clerk, yujing_resident):
    # when
    results = feed_apply(FEED, clerk, [roll(yujing_resident)])
    # then
    assert outcomes(results) == [(FeedOutcome.APPLIED, f"已记录学籍。{R9_NOTE}")]
    assert results[0].resident_id == yujing_resident.pk
    found = student_first_enrollment_roll(user=clerk, resident=yujing_resident, today=TODAY)
    assert (found.school_name, found.school_year, found.resident_id, found.school_division_id) == (
        "山阴县职业学院",
        2026,
        yujing_resident.pk,
        SHANYIN,
    )


def test_r9_1_a_pupil_or_a_returning_student_is_recorded_without_the_first_enrollment_note(clerk, yujing_resident):
    # when
    results = feed_apply(
        FEED,
        clerk,
        [
            roll(yujing_resident, school_type="primary_secondary", school_name="山阴一中"),
            roll(yujing_resident, first_time=False, enrolment_date="2025-09-01"),
        ],
    )
    # then
    assert outcomes(results) == [(FeedOutcome.APPLIED, "已记录学籍。")] * 2
    assert student_first_enrollment_roll(user=clerk, resident=yujing_resident, today=TODAY) is None


def test_the_same_roll_twice_changes_nothing(clerk, yujing_resident):
    # given
    feed_apply(FEED, clerk, [roll(yujing_resident)])
    before = list(StudentRoll.objects.values())
    # when
    results = feed_apply(FEED, clerk, [roll(yujing_resident), roll(yujing_resident)])
    # then
    assert outcomes(results) == [(FeedOutcome.UNCHANGED, "该学籍已登记，未作改动。")] * 2
    assert list(StudentRoll.objects.values()) == before


def test_students_not_registered_or_misnamed_are_queued_only_for_the_school_county(clerk, yujing_resident):
    # given
    unregistered = id_number_compose(address_code="140621", birth_date=D(2008, 5, 1), sequence=41)
    # when
    results = feed_apply(
        FEED,
        clerk,
        [
            roll(id_number=unregistered, name="周新生"),
            roll(id_number=unregistered, name="周新生", school_name="太原理工大学", school_division=TAIYUAN_XIAODIAN),
            roll(yujing_resident, name="王玉"),
        ],
    )
    # then
    assert outcomes(results) == [
        (FeedOutcome.QUEUED, f"已记录学籍。学生未在本辖区居民档案中登记，学校在本辖区，待经办人登记后参保。{R9_NOTE}"),
        (FeedOutcome.APPLIED, "已记录学籍。学生未在本辖区登记，学校也不在本辖区，本辖区无需处理。"),
        (FeedOutcome.QUEUED, "已记录学籍。姓名与居民档案不一致，待经办人核对身份证号和姓名。"),
    ]
    assert list(StudentRoll.objects.order_by("id").values_list("school_name", "resident_id")) == [
        ("山阴县职业学院", None),
        ("太原理工大学", None),
        ("山阴县职业学院", None),
    ]
    assert student_first_enrollment_roll(user=clerk, resident=yujing_resident, today=TODAY) is None
    taiyuan_clerk = make_user("xiaodian", Role.WINDOW_CLERK, TAIYUAN_XIAODIAN)
    assert [roll.school_name for roll in student_rolls(user=taiyuan_clerk)] == ["太原理工大学"]


def test_a_malformed_roll_is_refused_in_chinese_and_nothing_is_written(clerk, yujing_resident):
    # when
    errors = [
        checked(FEED, roll(yujing_resident, school_division="14062")),
        checked(FEED, roll(yujing_resident, school_type="kindergarten")),
        checked(FEED, roll(yujing_resident, enrolment_date="2099-09-01")),
    ]
    unknown_division = feed_apply(FEED, clerk, [roll(yujing_resident, school_division="149999")])
    # then
    assert errors == [
        {"school_division": ["学校所在地应为6位区县代码，或9位乡镇、12位村（社区）代码。"]},
        {"school_type": ["“kindergarten” 不是合法选项。"]},
        {"enrolment_date": ["入学日期（2099-09-01）晚于今天。"]},
    ]
    assert outcomes(unknown_division) == [(FeedOutcome.REJECTED, "学校所在地区划代码149999不存在。")]
    assert StudentRoll.objects.count() == 0


def test_a_chunk_of_1000_rolls_takes_a_bounded_number_of_queries(clerk, django_assert_max_num_queries):
    # given
    people = residents_bulk(1000, birth_date=D(2008, 3, 1))
    records = [checked(FEED, roll(person)) for person in people]
    # when
    with django_assert_max_num_queries(20):
        results = FEED.apply(actor=clerk, records=records, today=TODAY)
    # then
    assert {result.outcome for result in results} == {FeedOutcome.APPLIED}
    assert StudentRoll.objects.filter(resident__isnull=False).count() == 1000


def test_rolls_received_through_the_exchange_service_count_each_outcome(yujing_resident):
    # given
    sender = exchange_account()
    records = [roll(yujing_resident), roll(yujing_resident), roll(yujing_resident, school_type="kindergarten")]
    # when
    batch = feed_receive(actor=sender, kind="school-rolls", records=records, channel=FeedChannel.API, today=TODAY)
    # then
    assert (batch.applied_count, batch.unchanged_count, batch.queued_count, batch.rejected_count) == (1, 1, 0, 1)
    assert StudentRoll.objects.get().resident_id == yujing_resident.pk


def test_a_queued_roll_of_a_student_registered_later_is_linked_when_the_clerk_chooses_them(clerk):
    # given
    sender = exchange_account()
    student_id = id_number_compose(address_code="140621", birth_date=D(2008, 5, 1), sequence=41)
    batch = feed_receive(
        actor=sender,
        kind="school-rolls",
        records=[roll(id_number=student_id, name="周新生")],
        channel=FeedChannel.API,
        today=TODAY,
    )
    student = resident_create(
        actor=clerk, id_number=student_id, name="周新生", household_division=first_village("140621100")
    )
    # when
    resolved = feed_record_resolve(
        actor=clerk, record_id=batch.records.get().pk, resident_id=student.pk, note="", today=TODAY
    )
    # then
    assert resolved.outcome == FeedOutcome.RESOLVED
    assert resolved.message.endswith(f"人工处理：已将学籍关联到学生的居民档案。{R9_NOTE}")
    assert student_first_enrollment_roll(user=clerk, resident=student, today=TODAY).resident_id == student.pk


def test_a_nightly_roll_file_in_chinese_is_received_through_the_bulk_path(clerk, yujing_resident, tmp_path):
    # given
    path = tmp_path / "学籍.csv"
    path.write_text(
        "身份证号,姓名,学校名称,学校所在地代码,入学日期,是否新生,学校类别\n"
        f"{yujing_resident.id_number},{yujing_resident.name},山阴县职业学院,140621,2026/9/1,是,高等院校\n"
        f"{yujing_resident.id_number},{yujing_resident.name},山阴县职业学院,140621,2026/9/1,是,幼儿园\n",
        encoding="utf-8",
    )
    # when
    job = feed_file_run(actor=clerk, kind="school-rolls", path=path)
    # then
    batch = FeedBatch.objects.get(bulk_import_job=job)
    assert (batch.applied_count, batch.rejected_count) == (1, 1)
    assert list(batch.records.order_by("position").values_list("outcome", flat=True)) == [
        FeedOutcome.APPLIED,
        FeedOutcome.REJECTED,
    ]
    assert student_first_enrollment_roll(user=clerk, resident=yujing_resident, today=TODAY).first_time is True


def test_r9_1_the_window_names_a_first_time_student_from_the_roll(client, clerk, yujing_resident):
    # given
    client.force_login(clerk)
    before = client.get(f"/window/residents/{yujing_resident.pk}/").content.decode()
    feed_apply(FEED, clerk, [roll(yujing_resident)])
    # when
    after = client.get(f"/window/residents/{yujing_resident.pk}/").content.decode()
    # then
    note = (
        "教育部门学籍：山阴县职业学院（山阴县）高等院校新生，2026年9月1日入学。首次在学籍地参保缴费的，"
        "特殊群体选“大中专学生首次参保”，待遇享受期自缴费之日起至次年12月31日，无等待期（R9.1）。"
    )
    assert (note in before, note in after) == (False, True)
