"""POST /api/v1/exchange/<kind>/ and GET /api/v1/exchange/batches/<id>/: one record or a list, refused whole when
malformed or too long, and a batch seen only in its county."""

import pytest

from conftest import token_client
from enrollment.models import ResidentStatus
from exchange.models import FeedRecord

from .helpers import exchange_account, table_counts

pytestmark = pytest.mark.django_db
URL = "/api/v1/exchange/deaths/"


def death(resident, **changes) -> dict:
    return {"id_number": resident.id_number, "name": resident.name, "date": "2026-11-30", "type": "death", **changes}


def test_one_record_is_received_and_answered_with_the_batch_and_its_result(yujing_resident):
    # given
    client = token_client(exchange_account())
    # when
    response = client.post(URL, death(yujing_resident), format="json")
    # then
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["channel"], body["county"], body["records_total"]) == ("deaths", "api", "140621", 1)
    assert body["counts"] == {"applied": 1, "unchanged": 0, "queued": 0, "rejected": 0}
    assert body["results"] == [
        {
            "position": 1,
            "outcome": "applied",
            "outcome_label": "已处理",
            "message": "居民档案已标记为死亡（2026年11月30日）。",
        }
    ]
    yujing_resident.refresh_from_db()
    assert yujing_resident.status == ResidentStatus.DECEASED
    # and the batch is read back by its sender
    again = client.get(f"/api/v1/exchange/batches/{body['batch']}/")
    assert (again.status_code, again.json()["results"]) == (200, body["results"])


def test_a_list_of_records_is_answered_record_by_record(yujing_resident, beizhouzhuang_resident):
    # given
    client = token_client(exchange_account())
    records = [death(yujing_resident), death(beizhouzhuang_resident), death(yujing_resident)]
    # when
    response = client.post(URL, {"records": records}, format="json")
    # then
    assert response.status_code == 201
    assert [result["outcome"] for result in response.json()["results"]] == ["applied", "applied", "unchanged"]


def test_a_request_with_a_malformed_record_is_refused_whole_in_chinese_and_writes_nothing(
    yujing_resident, beizhouzhuang_resident
):
    # given
    client = token_client(exchange_account())
    records = [death(yujing_resident), death(beizhouzhuang_resident, date="2026-13-01", type="出走")]
    before = table_counts()
    # when
    batch = client.post(URL, {"records": records}, format="json")
    single = client.post(URL, death(yujing_resident, id_number="123"), format="json")
    # then
    assert (batch.status_code, batch.json()) == (
        400,
        {"records": ["第2条：日期：格式不正确，请写成2026-01-01。类型：“出走” 不是合法选项。"]},
    )
    assert (single.status_code, single.json()) == (400, {"records": ["第1条：身份证号应为18位。"]})
    assert table_counts() == before
    assert yujing_resident.history.count() == 1


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ([1, 2], {"non_field_errors": ['请求体应为一条记录（JSON对象）或 {"records": [...]}。']}),
        ({}, {"non_field_errors": ['请求体应为一条记录（JSON对象）或 {"records": [...]}。']}),
        ({"records": "x"}, {"records": ["records 应为非空的记录列表。"]}),
        ({"records": []}, {"records": ["records 应为非空的记录列表。"]}),
    ],
)
def test_a_malformed_request_is_refused_in_chinese_and_writes_nothing(yujing_resident, body, error):
    # given
    client = token_client(exchange_account())
    before = table_counts()
    # when
    response = client.post(URL, body, format="json")
    # then
    assert (response.status_code, response.json()) == (400, error)
    assert table_counts() == before


def test_more_than_ten_thousand_records_are_refused_and_nothing_is_written(yujing_resident):
    # given
    client = token_client(exchange_account())
    before = table_counts()
    # when
    response = client.post(URL, {"records": [death(yujing_resident)] * 10_001}, format="json")
    # then
    assert (response.status_code, response.json()) == (
        400,
        {"records": ["一次最多发送10000条记录，本次10001条，请分批发送。"]},
    )
    assert table_counts() == before


def test_an_unknown_kind_is_not_found_and_a_clerk_may_not_send(clerk, yujing_resident):
    # given
    before = table_counts()
    # when
    unknown = token_client(exchange_account()).post("/api/v1/exchange/weather/", death(yujing_resident), format="json")
    refused = token_client(clerk).post(URL, death(yujing_resident), format="json")
    # then
    assert (unknown.status_code, refused.status_code) == (404, 403)
    assert table_counts() == before


def test_another_countys_account_or_clerk_does_not_see_the_batch(yujing_resident):
    # given
    sent = token_client(exchange_account()).post(URL, death(yujing_resident), format="json").json()
    elsewhere = token_client(exchange_account("yingxian-exchange", "140622"))
    # when
    response = elsewhere.get(f"/api/v1/exchange/batches/{sent['batch']}/")
    # then
    assert response.status_code == 404
    assert FeedRecord.objects.count() == 1
