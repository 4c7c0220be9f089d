"""R10.1 and R10.3: subsidised newborns against the city targets, as of a date, stored as snapshots."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import SHANYIN, YUJING_TOWN, first_village, make_user, token_client
from divisions.models import Division
from enrollment.models import Enrollment
from enrollment.rules import id_number_compose
from newborns.services import newborn_register
from targets.models import ProgressSnapshot, Target
from targets.services.progress import progress_compute

pytestmark = pytest.mark.django_db
D = datetime.date
CERTIFICATES = itertools.count(1)
XIAODIAN_VILLAGE = "140105001001"


def birth(actor, *, born, registered, village, residence=None):
    record, _ = newborn_register(
        actor=actor,
        birth_certificate_no=f"P{next(CERTIFICATES):09d}",
        name="新生儿",
        gender="F",
        birth_date=born,
        mother_id_number=id_number_compose(address_code=SHANYIN, birth_date=D(1990, 1, 1), sequence=next(CERTIFICATES)),
        division=Division.objects.get(code=village),
        registration_date=registered,
    )
    if residence:
        record.resident.residence_division_id = residence
        record.resident.save()
    return record


@pytest.fixture
def births(clerk):
    """Shuozhou (朔州): three counted on 2026-06-30, and four that are not; Taiyuan (太原): one."""
    yujing = first_village(YUJING_TOWN).code
    taiyuan_clerk = make_user("xiaodian", "window_clerk", "140105")
    counted = [
        birth(clerk, born=D(2026, 1, 1), registered=D(2026, 1, 20), village=yujing),
        birth(clerk, born=D(2026, 3, 5), registered=D(2026, 3, 6), village=yujing),
        birth(clerk, born=D(2026, 6, 30), registered=D(2026, 6, 30), village=yujing),
    ]
    refunded_later = birth(clerk, born=D(2026, 2, 1), registered=D(2026, 2, 2), village=yujing)
    Enrollment.objects.filter(pk=refunded_later.enrollment_id).update(status="refunded", refund_date=D(2026, 7, 5))
    refunded_before = birth(clerk, born=D(2026, 2, 1), registered=D(2026, 2, 3), village=yujing)
    Enrollment.objects.filter(pk=refunded_before.enrollment_id).update(status="refunded", refund_date=D(2026, 6, 1))
    birth(clerk, born=D(2026, 6, 20), registered=D(2026, 7, 1), village=yujing)  # registered after as_of
    birth(clerk, born=D(2026, 7, 2), registered=D(2026, 7, 3), village=yujing)  # born after as_of
    birth(clerk, born=D(2025, 12, 31), registered=D(2026, 1, 5), village=yujing)  # 2025 birth: not the programme
    # lives in Taiyuan though registered in Shanyin: counts where the baby lives
    birth(clerk, born=D(2026, 4, 1), registered=D(2026, 4, 2), village=yujing, residence=XIAODIAN_VILLAGE)
    birth(taiyuan_clerk, born=D(2026, 5, 1), registered=D(2026, 5, 2), village=XIAODIAN_VILLAGE)
    return counted


def rows(response):
    return {row["division"]: row for row in response.json()["results"]}


def test_r10_3_city_progress_as_of_30_june_is_exact(clerk, births):
    # when
    response = token_client(make_user("shanxi", "province_staff", "14")).get(
        "/api/v1/targets/progress/", {"year": 2026, "as_of": "2026-06-30", "level": "city"}
    )
    # then
    by_city = rows(response)
    assert len(by_city) == 11
    assert by_city["1406"] == {
        "division": "1406",
        "name": "朔州市",
        "target": 6000,
        "actual": 4,  # the three, and the one refunded only on 5 July
        "completion_rate": "0.0007",
        "time_progress": "0.4959",
        "gap": 2971,  # 6000 × 181/365 = 2975.34, less 4
    }
    assert (by_city["1401"]["actual"], by_city["1401"]["target"], by_city["1401"]["gap"]) == (2, 20900, 10362)
    assert by_city["1403"]["actual"] == 0


def test_r10_3_province_and_county_levels(clerk, births):
    api = token_client(make_user("shanxi", "province_staff", "14"))
    province = rows(api.get("/api/v1/targets/progress/", {"year": 2026, "as_of": "2026-06-30", "level": "province"}))
    assert (province["14"]["target"], province["14"]["actual"]) == (134600, 6)
    # a county appears once its city has split the target to it
    assert rows(api.get("/api/v1/targets/progress/", {"year": 2026, "as_of": "2026-06-30", "level": "county"})) == {}
    Target.objects.create(
        division_id=SHANYIN, year=2026, metric="subsidised_newborns", value=700, source_document="朔州市分解"
    )
    county = rows(api.get("/api/v1/targets/progress/", {"year": 2026, "as_of": "2026-06-30", "level": "county"}))
    assert (list(county), county[SHANYIN]["actual"], county[SHANYIN]["completion_rate"]) == ([SHANYIN], 4, "0.0057")


def test_r10_3_a_repeated_run_gives_identical_snapshots(births):
    # given
    first = progress_compute(year=2026, as_of=D(2026, 6, 30), level="city")
    before = list(ProgressSnapshot.objects.order_by("pk").values())
    # when
    again = progress_compute(year=2026, as_of=D(2026, 6, 30), level="city")
    # then
    assert [snapshot.pk for snapshot in again] == [snapshot.pk for snapshot in first]
    assert list(ProgressSnapshot.objects.order_by("pk").values()) == before
    assert ProgressSnapshot.objects.count() == 11


def test_r10_3_a_levels_snapshots_are_written_in_one_statement_whatever_their_number(births):
    def snapshot_writes(captured):
        return [
            query["sql"].split()[0]
            for query in captured.captured_queries
            if query["sql"].startswith(("INSERT", "UPDATE")) and "targets_progresssnapshot" in query["sql"]
        ]

    # when: the eleven cities' snapshots, first stored
    with CaptureQueriesContext(connection) as first:
        progress_compute(year=2026, as_of=D(2026, 6, 30), level="city")
    # and: two cities' targets changed, then computed again
    Target.objects.filter(division_id__in=["1401", "1406"], metric="subsidised_newborns").update(value=7000)
    with CaptureQueriesContext(connection) as again:
        snapshots = progress_compute(year=2026, as_of=D(2026, 6, 30), level="city")
    # then
    assert snapshot_writes(first) == ["INSERT"]
    assert snapshot_writes(again) == ["UPDATE"]
    assert ProgressSnapshot.objects.count() == 11
    stored = {row.division_id: (row.target, row.actual, row.gap) for row in ProgressSnapshot.objects.all()}
    assert stored["1406"] == (7000, 4, 3467)  # 7000 × 181/365 = 3471.23, less 4
    assert stored["1401"] == (7000, 2, 3469)
    assert [snapshot.division_id for snapshot in snapshots] == sorted(stored)


def test_r10_3_city_staff_see_their_city_only(births, city_staff):
    response = token_client(city_staff).get("/api/v1/targets/progress/", {"year": 2026, "as_of": "2026-06-30"})
    assert list(rows(response)) == ["1406"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": 2026, "as_of": "2026-13-01"}, "as_of"),
        ({"year": 2026, "as_of": "2025-12-31"}, "as_of"),
        ({"year": 2026, "as_of": "2026-06-30", "level": "village"}, "level"),
        ({"as_of": "2026-06-30"}, "year"),
    ],
)
def test_r10_3_bad_queries_are_400_and_store_nothing(clerk, query, field):
    response = token_client(clerk).get("/api/v1/targets/progress/", query)
    assert (response.status_code, list(response.json())) == (400, [field])
    assert ProgressSnapshot.objects.count() == 0
