"""R10.2: the population baselines imported by the province, and the overall enrollment rate computed on them."""

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Max, Min
from openpyxl import load_workbook

from conftest import SHANYIN, YUJING_TOWN, first_village, make_user
from divisions.models import Division
from enrollment.models import Enrollment, Resident
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, enrollment_create, resident_create
from targets.models import PopulationBaseline, ProgressJob, ProgressSnapshot
from targets.services.progress import (
    PROGRESS_LEVELS,
    LevelUnknown,
    _enrolled_counts,
    _resident_id_ranges,
    enrollment_rate_compute,
    progress_job_run,
)
from tests.factories import xlsx_bytes

pytestmark = pytest.mark.django_db
D = datetime.date
JUNE_30 = D(2026, 6, 30)
HEADER = ["区划代码", "区划名称", "年度", "户籍人口", "常住人口", "参加职工医保人数", "数据来源"]
SEQUENCES = itertools.count(100)


@pytest.fixture
def province_staff(db):
    return make_user("shanxi", "province_staff", "14")


def xlsx(rows, name="人口基数.xlsx"):
    upload = io.BytesIO(xlsx_bytes([HEADER, *rows]))
    upload.name = name
    return upload


def stored():
    return list(
        PopulationBaseline.objects.order_by("division_id", "year").values_list(
            "division_id", "year", "registered_population", "resident_population", "employee_insured", "source_document"
        )
    )


def test_r10_2_baselines_preview_then_confirm(client, province_staff):
    # given
    client.force_login(province_staff)
    upload = xlsx(
        [
            ("140621", "山阴县", 2026, 228000, 201000, 31000, "朔州统计年鉴2025"),
            ("1406", "朔州市", "2026", "1,750,000", None, 260000, "朔州统计年鉴2025"),
        ]
    )
    # when
    preview = client.post("/targets/baselines/import/", {"file": upload})
    # then: shown, nothing stored yet
    rows = preview.context["batch"].rows
    assert [(row["row"], row["division_name"], row["errors"], row["change"]) for row in rows] == [
        (2, "山阴县", [], "新增"),
        (3, "朔州市", [], "新增"),
    ]
    assert stored() == []
    # when confirmed
    confirmed = client.post("/targets/baselines/import/confirm/", {"batch": preview.context["batch"].pk}, follow=True)
    # then
    assert stored() == [
        ("1406", 2026, 1750000, None, 260000, "朔州统计年鉴2025"),
        (SHANYIN, 2026, 228000, 201000, 31000, "朔州统计年鉴2025"),
    ]
    assert "人口基数已导入：新增2条，更新0条，无变化0条。" in confirmed.content.decode()
    assert PopulationBaseline.objects.get(division_id=SHANYIN).history.get().history_user == province_staff
    assert [baseline.base for baseline in confirmed.context["baselines"]] == [1490000, 197000]


def test_r10_2_bad_rows_are_shown_with_their_errors_and_the_file_cannot_be_confirmed(client, province_staff):
    # given
    client.force_login(province_staff)
    upload = xlsx(
        [
            ("149999", "不存在", 2026, 100, None, 0, "年鉴"),
            ("140602", "朔城区", 2026, -5, None, 0, "年鉴"),
            ("140603", "平鲁区", 2026, "十万", None, 0, "年鉴"),
            ("140622", "应县", 2026, 100, None, 101, "年鉴"),
            ("140623", "右玉县", 2026, 100, None, 0, "年鉴"),
            ("140623", "右玉县", 2026, 110, None, 0, "年鉴"),
            (first_village(YUJING_TOWN).code, "某村", 2026, 100, None, 0, "年鉴"),
            ("140681", "怀仁市", 2026, 350000, None, 40000, ""),
            ("140621", "山阴县", 2026, 228000, None, 31000, "年鉴"),
        ]
    )
    # when
    preview = client.post("/targets/baselines/import/", {"file": upload})
    # then
    village = first_village(YUJING_TOWN).name
    assert [(row["row"], row["errors"]) for row in preview.context["batch"].rows] == [
        (2, ["区划代码「149999」不存在。"]),
        (3, ["户籍人口「-5」不能为负数。"]),
        (4, ["户籍人口「十万」不是数字。"]),
        (5, ["参加职工医保人数（101）超过户籍人口（100）。"]),
        (6, ["区划代码和年度在文件中重复（第6、7行）。"]),
        (7, ["区划代码和年度在文件中重复（第6、7行）。"]),
        (8, [f"「{village}」是村（社区），人口基数只导入省、市、县（区）和乡镇（街道）。"]),
        (9, ["数据来源为空。"]),
        (10, []),
    ]
    assert len(preview.context["batch"].row_errors) == 8
    # and nothing of the refused file can be written: there is no confirmation to send
    assert preview.context["batch"].can_confirm is False
    assert "确认导入" not in preview.content.decode()
    assert stored() == []


def test_r10_2_the_error_rows_as_excel(client, province_staff):
    # given
    client.force_login(province_staff)
    preview = client.post("/targets/baselines/import/", {"file": xlsx([("149999", "不存在", 2026, 1, 1, 0, "年鉴")])})
    # when
    response = client.post("/targets/baselines/import/errors/", {"batch": preview.context["batch"].pk})
    # then
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == ["行号", *HEADER, "错误"]
    assert [cell.value for cell in sheet[2]] == [
        "2",
        "149999",
        "不存在",
        "2026",
        "1",
        "1",
        "0",
        "年鉴",
        "区划代码「149999」不存在。",
    ]


def test_r10_2_a_gbk_csv_updates_a_changed_baseline_and_leaves_an_unchanged_one(client, province_staff):
    # given
    PopulationBaseline.objects.create(
        division_id=SHANYIN, year=2026, registered_population=228000, employee_insured=31000, source_document="年鉴"
    )
    PopulationBaseline.objects.create(
        division_id="140602", year=2026, registered_population=500000, employee_insured=90000, source_document="年鉴"
    )
    csv = "区划代码,区划名称,年度,户籍人口,常住人口,参加职工医保人数,数据来源\n"
    csv += "140621,山阴县,2026,228000,,31000,年鉴\n140602,朔城区,2026,510000,,90000,年鉴\n"
    upload = io.BytesIO(csv.encode("gbk"))
    upload.name = "人口基数.csv"
    client.force_login(province_staff)
    # when
    preview = client.post("/targets/baselines/import/", {"file": upload})
    confirmed = client.post("/targets/baselines/import/confirm/", {"batch": preview.context["batch"].pk}, follow=True)
    # then
    assert [row["change"] for row in preview.context["batch"].rows] == ["无变化", "更新"]
    assert "人口基数已导入：新增0条，更新1条，无变化1条。" in confirmed.content.decode()
    assert PopulationBaseline.objects.get(division_id="140602").registered_population == 510000
    assert PopulationBaseline.objects.get(division_id=SHANYIN).history.count() == 1


def test_r10_2_only_the_province_imports_baselines(client, city_staff):
    # when
    client.force_login(city_staff)
    responses = [
        client.post("/targets/baselines/import/", {"file": xlsx([("1406", "朔州市", 2026, 1, 1, 0, "年鉴")])}),
        client.post("/targets/baselines/import/confirm/", {"batch": "1"}),
    ]
    # then nothing changed
    assert [response.status_code for response in responses] == [403, 403]
    assert stored() == []


def test_r10_2_a_previewed_file_is_imported_once_and_does_not_exist_for_another_province(client, province_staff):
    # given a file previewed by Shanxi's province staff
    client.force_login(province_staff)
    preview = client.post(
        "/targets/baselines/import/", {"file": xlsx([("140621", "山阴县", 2026, 228000, 201000, 31000, "年鉴")])}
    )
    pk = preview.context["batch"].pk
    # when Hebei's province staff confirm it or ask for its errors
    client.force_login(make_user("hebei", "province_staff", "13"))
    refused = [
        client.post("/targets/baselines/import/confirm/", {"batch": pk}),
        client.post("/targets/baselines/import/errors/", {"batch": pk}),
    ]
    # then it does not exist for them, and nothing is written
    assert [response.status_code for response in refused] == [404, 404]
    assert stored() == []
    # when its uploader confirms it, twice
    client.force_login(province_staff)
    client.post("/targets/baselines/import/confirm/", {"batch": pk})
    again = client.post("/targets/baselines/import/confirm/", {"batch": pk}, follow=True)
    # then exactly the previewed row is written, once
    assert stored() == [(SHANYIN, 2026, 228000, 201000, 31000, "年鉴")]
    assert "该文件已导入，不能重复导入。" in again.content.decode()
    assert PopulationBaseline.objects.get().history.count() == 1


def test_r10_2_the_baseline_list_is_limited_to_the_scope(client, city_staff):
    # given
    for code in ("1401", "1406", SHANYIN):
        PopulationBaseline.objects.create(
            division_id=code, year=2026, registered_population=10, employee_insured=2, source_document="年鉴"
        )
    # when
    client.force_login(city_staff)
    response = client.get("/targets/baselines/", {"year": 2026})
    # then
    assert [baseline.division_id for baseline in response.context["baselines"]] == ["1406", SHANYIN]


# --- The overall enrollment rate ----------------------------------------------------------------------------------


def resident(clerk, village):
    return resident_create(
        actor=clerk,
        id_number=id_number_compose(address_code=SHANYIN, birth_date=D(1980, 5, 1), sequence=next(SEQUENCES)),
        name="居民",
        household_division=Division.objects.get(code=village),
    )


def enrolled(clerk, village, **changes):
    arguments = {"insurance_year": 2026, "payment_date": D(2025, 11, 20), **changes}
    return enrollment_create(actor=clerk, resident=resident(clerk, village), details=PaymentDetails(**arguments))


@pytest.fixture
def shanyin_enrollments(clerk):
    """Shanyin on 30 June 2026: six residents count, five do not."""
    yujing = first_village(YUJING_TOWN).code
    counted = [enrolled(clerk, yujing) for _ in range(5)]
    refunded_later = enrolled(clerk, yujing)
    Enrollment.objects.filter(pk=refunded_later.pk).update(status="refunded", refund_date=D(2026, 7, 5))
    refunded_before = enrolled(clerk, yujing)
    Enrollment.objects.filter(pk=refunded_before.pk).update(status="refunded", refund_date=D(2026, 6, 1))
    enrolled(clerk, yujing, payment_date=D(2026, 7, 1))  # paid after the date
    no_benefits = enrolled(clerk, yujing)
    Enrollment.objects.filter(pk=no_benefits.pk).update(counts_as_enrolled_year=False)
    enrolled(clerk, yujing, insurance_year=2025, payment_date=D(2024, 11, 20))  # another year
    enrolled(make_user("shuocheng", "window_clerk", "140602"), first_village("140602001").code)  # 朔城区
    PopulationBaseline.objects.create(
        division_id=SHANYIN, year=2026, registered_population=10, employee_insured=2, source_document="年鉴"
    )
    return [*counted, refunded_later]


def test_r10_2_overall_enrollment_rate_of_a_county_is_exact(shanyin_enrollments):
    # when
    snapshots = enrollment_rate_compute(year=2026, as_of=JUNE_30, level="county")
    # then: 6 of 10 − 2; Shanyin's 95% (山政办发〔2025〕17号) needs 8
    assert [
        (s.division_id, s.metric, s.actual, s.base, s.completion_rate, s.target, s.gap, s.time_progress)
        for s in snapshots
    ] == [(SHANYIN, "overall_enrollment_rate", 6, 8, Decimal("0.7500"), Decimal("0.9500"), 2, Decimal("0.4959"))]


def test_r10_2_only_divisions_with_a_baseline_are_computed_and_rates_are_inherited(shanyin_enrollments):
    # given a baseline for Shuozhou and for 朔城区, which have no rate of their own nor above them
    for code, registered in (("1406", 20), ("140602", 4)):
        PopulationBaseline.objects.create(
            division_id=code, year=2026, registered_population=registered, employee_insured=0, source_document="年鉴"
        )
    # when
    counties = enrollment_rate_compute(year=2026, as_of=JUNE_30, level="county")
    cities = enrollment_rate_compute(year=2026, as_of=JUNE_30, level="city")
    # then
    assert [(s.division_id, s.actual, s.base, s.completion_rate, s.target, s.gap) for s in counties] == [
        ("140602", 1, 4, Decimal("0.2500"), None, None),
        (SHANYIN, 6, 8, Decimal("0.7500"), Decimal("0.9500"), 2),
    ]
    assert [(s.division_id, s.actual, s.base, s.completion_rate) for s in cities] == [
        ("1406", 7, 20, Decimal("0.3500"))
    ]


def test_r10_2_a_township_inherits_the_county_rate(shanyin_enrollments):
    # given
    PopulationBaseline.objects.create(
        division_id=YUJING_TOWN, year=2026, registered_population=7, employee_insured=0, source_document="年鉴"
    )
    # when
    townships = enrollment_rate_compute(year=2026, as_of=JUNE_30, level="township")
    # then: 95% × 7 = 6.65, so 7 needed
    assert [(s.division_id, s.actual, s.completion_rate, s.target, s.gap) for s in townships] == [
        (YUJING_TOWN, 6, Decimal("0.8571"), Decimal("0.9500"), 1)
    ]


def test_r10_2_a_repeated_run_leaves_every_snapshot_as_it_was(shanyin_enrollments):
    # given
    first = enrollment_rate_compute(year=2026, as_of=JUNE_30, level="county")
    before = list(ProgressSnapshot.objects.order_by("pk").values())
    # when
    again = enrollment_rate_compute(year=2026, as_of=JUNE_30, level="county")
    # then
    assert [snapshot.pk for snapshot in again] == [snapshot.pk for snapshot in first]
    assert list(ProgressSnapshot.objects.order_by("pk").values()) == before


def test_r10_2_a_changed_input_updates_the_snapshot_in_place(shanyin_enrollments):
    # given
    first = enrollment_rate_compute(year=2026, as_of=JUNE_30, level="county")
    PopulationBaseline.objects.filter(division_id=SHANYIN).update(registered_population=12)
    # when
    again = enrollment_rate_compute(year=2026, as_of=JUNE_30, level="county")
    # then: 6 of 10, 95% needs 10
    assert [(s.pk, s.base, s.completion_rate, s.gap) for s in again] == [(first[0].pk, 10, Decimal("0.6000"), 4)]
    assert ProgressSnapshot.objects.count() == 1


def test_r10_2_an_unknown_level_is_refused_and_stores_nothing(shanyin_enrollments):
    with pytest.raises(LevelUnknown):
        enrollment_rate_compute(year=2026, as_of=JUNE_30, level="village")
    assert ProgressSnapshot.objects.count() == 0


def test_r10_2_the_enrolled_count_reads_the_registry_in_ranges_that_hold_each_person_once(shanyin_enrollments, clerk):
    # given: the person whose enrollment is refunded only after the date paid again before it, so that two of their
    # enrollments count that day, and a person registered last, enrolled, at the highest id
    refunded_later = shanyin_enrollments[-1]
    enrollment_create(
        actor=clerk,
        resident=refunded_later.resident,
        details=PaymentDetails(insurance_year=2026, payment_date=D(2026, 6, 20)),
    )
    last = enrolled(clerk, first_village(YUJING_TOWN).code)
    # when
    ranges = _resident_id_ranges()
    counts = _enrolled_counts(year=2026, as_of=JUNE_30, code_length=9)
    # then: every resident's id in one range; on PostgreSQL as many ranges as processes run one query
    ids = Resident.objects.aggregate(low=Min("pk"), high=Max("pk"))
    assert ids["high"] == last.resident_id
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            processes = int(cursor.fetchone()[0]) + 1
        assert len(ranges) == processes
        assert (ranges[0][0], ranges[-1][1]) == (ids["low"], ids["high"])
        assert all(following[0] == preceding[1] + 1 for preceding, following in itertools.pairwise(ranges))
    else:
        assert ranges == [None]
    assert counts == {YUJING_TOWN: 7, "140602001": 1}


def test_r10_2_the_job_reads_the_townships_once_and_every_level_sums_them_exactly(shanyin_enrollments):
    # given a baseline at every level above the residents' township, and at the township itself
    for code in ("14", "1406", YUJING_TOWN):
        PopulationBaseline.objects.create(
            division_id=code, year=2026, registered_population=100, employee_insured=0, source_document="年鉴"
        )
    each_level_alone = {
        level: [(s.division_id, s.actual) for s in enrollment_rate_compute(year=2026, as_of=JUNE_30, level=level)]
        for level in PROGRESS_LEVELS
    }
    ProgressSnapshot.objects.all().delete()
    job = ProgressJob.objects.create(year=2026, as_of=JUNE_30, levels_total=len(PROGRESS_LEVELS))
    # when
    progress_job_run(job_id=job.pk)
    # then: 6 in Shanyin's 玉井镇 and 1 in 朔城区, summed up to the city and the province
    stored = dict(
        ProgressSnapshot.objects.filter(metric="overall_enrollment_rate").values_list("division_id", "actual")
    )
    assert stored == {"14": 7, "1406": 7, SHANYIN: 6, YUJING_TOWN: 6}
    assert each_level_alone == {
        "province": [("14", 7)],
        "city": [("1406", 7)],
        "county": [(SHANYIN, 6)],
        "township": [(YUJING_TOWN, 6)],
    }
