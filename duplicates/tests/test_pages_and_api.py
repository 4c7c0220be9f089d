"""The pages and the API of 重复参保治理: counts and money per county, the list, one case and its resolution, the
scan button; another county's case answers 404 like one that does not exist."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from conftest import token_client
from duplicates.models import DuplicateCase
from duplicates.selectors import duplicate_summary
from duplicates.services import duplicate_scan
from enrollment.models import Enrollment

from .conftest import YINGXIAN, YINGXIAN_TOWN, employee_duplicate, placeholder_duplicate

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def world(clerk, yingxian_clerk):
    """山阴县: two employee duplicates (400.00 each) and a baby's two records (0.00); 应县: one employee duplicate."""
    shanyin = [employee_duplicate(clerk), employee_duplicate(clerk, name="钱职工", sequence=33)]
    placeholder_duplicate(clerk)
    yingxian = employee_duplicate(
        yingxian_clerk, name="周应县", sequence=35, address_code=YINGXIAN, township=YINGXIAN_TOWN
    )
    duplicate_scan(actor=None)
    return {
        "shanyin": [DuplicateCase.objects.get(enrollment=enrollment) for enrollment in shanyin],
        "yingxian": DuplicateCase.objects.get(enrollment=yingxian),
    }


def test_summary_per_county_exact_sums(world, clerk, province_staff):
    # given one of 山阴县's cases resolved
    case = world["shanyin"][0]
    from duplicates.services import duplicate_case_resolve

    duplicate_case_resolve(actor=clerk, case=case, resolution="not_duplicate", note="已核实")
    # then the province sees both counties; the clerk only 山阴县
    rows = [
        (row.county_code, row.open_count, row.open_amount, row.resolved_count, row.resolved_amount)
        for row in duplicate_summary(user=province_staff)
    ]
    assert rows == [
        ("140621", 2, Decimal("400.00"), 1, Decimal("400.00")),
        ("140622", 1, Decimal("400.00"), 0, Decimal("0.00")),
    ]
    answer = token_client(clerk).get("/api/v1/duplicates/summary/")
    assert answer.status_code == 200
    assert answer.json() == {
        "results": [
            {
                "county": "140621",
                "county_name": "山阴县",
                "open_count": 2,
                "open_amount": "400.00",
                "resolved_count": 1,
                "resolved_amount": "400.00",
            }
        ]
    }


def test_summary_page_and_home_to_do(world, client, clerk):
    client.force_login(clerk)
    page = client.get("/duplicates/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "山阴县" in text and "应县" not in text
    assert "800.00" in text  # 山阴县's open money
    home = client.get("/").content.decode()
    assert re.search(r'<a href="/duplicates/cases/\?status=open">重复参保待处理</a>\s*<span[^>]*>3</span>', home)


def test_case_list_filters_searches_and_exports(world, client, clerk):
    client.force_login(clerk)
    page = client.get("/duplicates/cases/", {"kind": "employee_and_resident", "status": "open"})
    assert page.status_code == 200
    assert [case.pk for case in page.context["page"]] == [case.pk for case in world["shanyin"]]
    searched = client.get("/duplicates/cases/", {"q": "钱职工"})
    assert [case.pk for case in searched.context["page"]] == [world["shanyin"][1].pk]
    export = client.get("/duplicates/cases/export/", {"kind": "employee_and_resident"})
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "重复参保治理台账"
    assert values[2][:8] == ["序号", "编号", "重复类型", "保险年度", "参保地", "姓名", "公民身份号码", "涉及金额（元）"]
    assert [row[5:8] for row in values[3:5]] == [
        ["赵职工", "140621********0312", 400],
        ["钱职工", "140621********0339", 400],
    ]
    assert values[5][:2] == ["合计", "2 件"] and values[5][7] == 800


def test_another_county_s_case_answers_404_on_the_page_and_the_api(world, client, clerk):
    other = world["yingxian"]
    client.force_login(clerk)
    assert client.get(f"/duplicates/cases/{other.pk}/").status_code == 404
    assert (
        client.post(f"/duplicates/cases/{other.pk}/resolve/", {"resolution": "not_duplicate", "note": "x"}).status_code
        == 404
    )
    assert client.get("/duplicates/cases/", {"county": YINGXIAN}).status_code == 404
    api = token_client(clerk)
    assert api.get(f"/api/v1/duplicates/cases/{other.pk}/").status_code == 404
    answer = api.post(f"/api/v1/duplicates/cases/{other.pk}/resolution/", {"resolution": "not_duplicate", "note": "x"})
    assert answer.status_code == 404
    assert DuplicateCase.objects.get(pk=other.pk).status == "open"


def test_case_page_resolves_with_a_form_and_refuses_without_a_note(world, client, clerk):
    case = world["shanyin"][0]
    client.force_login(clerk)
    page = client.get(f"/duplicates/cases/{case.pk}/")
    assert page.status_code == 200
    assert case.evidence in page.content.decode()
    refused = client.post(f"/duplicates/cases/{case.pk}/resolve/", {"resolution": "not_duplicate", "note": ""})
    assert refused.status_code == 400
    assert "认定不属于重复参保须填写理由。" in refused.content.decode()
    assert DuplicateCase.objects.get(pk=case.pk).status == "open"
    done = client.post(f"/duplicates/cases/{case.pk}/resolve/", {"resolution": "refund", "date": "2026-01-10"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.resolution, case.refund_payment.amount) == ("resolved", "refund", Decimal("-400.00"))


def test_api_lists_the_scope_paginated_and_resolves(world, clerk):
    api = token_client(clerk)
    listing = api.get("/api/v1/duplicates/cases/", {"kind": "employee_and_resident"})
    assert listing.status_code == 200
    body = listing.json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [case.pk for case in world["shanyin"]]
    first = body["results"][0]
    assert (first["kind_label"], first["county"], first["amount"], first["status"], first["id_number"]) == (
        "职工医保与城乡居民医保重复",
        "140621",
        "400.00",
        "open",
        world["shanyin"][0].resident.id_number,
    )
    case = world["shanyin"][1]
    refused = api.post(f"/api/v1/duplicates/cases/{case.pk}/resolution/", {"resolution": "not_duplicate"})
    assert (refused.status_code, refused.json()) == (400, {"note": ["认定不属于重复参保须填写理由。"]})
    answer = api.post(f"/api/v1/duplicates/cases/{case.pk}/resolution/", {"resolution": "refund", "date": "2026-01-10"})
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["resolution"], answer.json()["refund_amount"]) == (
        "resolved",
        "refund",
        "-400.00",
    )
    again = api.post(f"/api/v1/duplicates/cases/{case.pk}/resolution/", {"resolution": "refund", "date": "2026-01-10"})
    assert again.status_code == 400
    assert Enrollment.objects.get(pk=case.enrollment_id).status == "refunded"


def test_the_scan_button_runs_the_job_and_shows_its_progress(world, client, clerk, django_capture_on_commit_callbacks):
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/duplicates/scan/")
    assert answer.status_code == 302
    progress = client.get(answer["Location"])
    assert progress.status_code == 200
    assert "发现重复 4 件，其中新增 0 件" in progress.content.decode()
