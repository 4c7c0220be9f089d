"""POST /api/v1/national/1101/: the 1101 answer over the API, its refusals, and its record in the personal-data access
record (个人信息查看记录)."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import PersonalDataView, Role
from conftest import SHANYIN, make_user, token_client
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, enrollment_create
from national.tests.platform_stub import platform_stub
from national.tests.test_remote_person_query import CERTNO, SUCCESS

pytestmark = pytest.mark.django_db
D = datetime.date
PATH = "/api/v1/national/1101/"


def envelope(certno, **data):
    return {
        "infno": "1101",
        "msgid": "H14062100001202612041030150001",
        "mdtrtarea_admvs": SHANYIN,
        "infver": "V1.0",
        "opter": "1001",
        "inf_time": "2026-12-04 10:30:15",
        "input": {"data": {"psn_cert_type": "01", "certno": certno, **data}},
    }


def recorded_rows():
    return list(PersonalDataView.objects.values_list("user__username", "reason", "path", "resident", "id_number"))


def paid(clerk, resident):
    return enrollment_create(
        actor=clerk, resident=resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )


def test_the_whole_envelope_is_answered_with_the_1101_output_and_recorded(clerk, yujing_resident):
    # given
    paid(clerk, yujing_resident)
    # when
    response = token_client(clerk).post(PATH, envelope(yujing_resident.id_number, psn_name="王玉井"), format="json")
    # then
    assert response.status_code == 200, response.content.decode()
    body = response.json()
    today = timezone.localdate()
    assert (body["infcode"], body["err_msg"], body["source"]) == (0, None, "参保通（本系统数据）")
    assert len(body["refmsg_time"]) == len(body["respond_time"]) == 17
    assert body["output"]["baseinfo"] == {
        "psn_no": f"{SHANYIN}{yujing_resident.pk:014d}",
        "psn_cert_type": "01",
        "certno": yujing_resident.id_number,
        "psn_name": "王玉井",
        "gend": "1",
        "brdy": "1985-03-12",
        "naty": "",
        "age": today.year - 1985 - (0 if (today.month, today.day) >= (3, 12) else 1),
    }
    insured = [(row["insutype"], row["psn_insu_date"], row["insuplc_admdvs"]) for row in body["output"]["insuinfo"]]
    assert insured == [("390", "2025-11-20", SHANYIN), ("392", "2025-11-20", SHANYIN)]
    assert body["output"]["idetinfo"] == []
    assert body["explanation"][0]["rule"] == "R13.4"
    assert recorded_rows() == [("clerk", "api_call", PATH, yujing_resident.pk, yujing_resident.id_number)]


def test_input_data_alone_is_taken_too(clerk, yujing_resident):
    # when a person with no enrollment is asked by input.data alone, the number in lower case
    response = token_client(clerk).post(PATH, {"certno": yujing_resident.id_number.lower()}, format="json")
    # then
    assert response.status_code == 200
    assert response.json()["output"]["baseinfo"]["certno"] == yujing_resident.id_number
    assert response.json()["output"]["insuinfo"] == []


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (envelope("140621198503120171"), {"certno": ["身份证号校验位不正确，请核对后重新输入。"]}),
        (envelope("12345"), {"certno": ["身份证号应为18位。"]}),
        (
            envelope("140621198503120170", psn_cert_type="02"),
            {"psn_cert_type": ["证件类型「02」不支持，仅支持 01 居民身份证（户口簿）。"]},
        ),
        ({"psn_name": "王玉井"}, {"certno": ["该字段是必填项。"]}),
        ({**envelope("140621198503120170"), "infno": "2201"}, {"infno": ["交易编号应为1101。"]}),
        ({"infno": "1101", "input": {"data": "x"}}, {"input": ["报文应在 input.data 中给出查询条件。"]}),
        ([1, 2], {"non_field_errors": ["请求体应为1101报文（JSON对象）。"]}),
    ],
    ids=["check-character", "length", "certificate-type", "no-certno", "other-interface", "no-data", "not-an-object"],
)
def test_bad_input_is_a_chinese_400_and_nothing_is_written(clerk, yujing_resident, body, errors):
    # given
    client = token_client(clerk)
    # when
    response = client.post(PATH, body, format="json")
    # then
    assert response.status_code == 400
    answer = response.json()
    assert {key: value for key, value in answer.items() if key not in ("infcode", "err_msg", "output")} == errors
    assert (answer["infcode"], answer["output"]) == (-1, None)
    assert answer["err_msg"].startswith("查询条件有误。")
    assert PersonalDataView.objects.count() == 0


def test_without_the_permission_the_query_is_refused_and_nothing_is_written(yujing_resident):
    # given city staff, who see enrollments but not full ID numbers
    city = make_user("shuozhou-staff", Role.CITY_STAFF, "1406")
    # when
    response = token_client(city).post(PATH, envelope(yujing_resident.id_number), format="json")
    anonymous = APIClient().post(PATH, envelope(yujing_resident.id_number), format="json")
    # then
    assert response.status_code == 403
    assert anonymous.status_code in (401, 403)
    assert PersonalDataView.objects.count() == 0


def test_a_person_outside_the_scope_is_not_found_like_an_unknown_one(clerk, yujing_resident):
    # given a clerk of 应县, and a number nobody holds
    paid(clerk, yujing_resident)
    other = token_client(make_user("yingxian", Role.WINDOW_CLERK, "140622"))
    unknown = id_number_compose(address_code=SHANYIN, birth_date=D(1970, 1, 1), sequence=99)
    # when
    outside = other.post(PATH, envelope(yujing_resident.id_number), format="json")
    missing = token_client(clerk).post(PATH, envelope(unknown), format="json")
    # then
    assert outside.status_code == missing.status_code == 404
    for response in (outside, missing):
        body = response.json()
        assert (body["infcode"], body["output"], body["explanation"]) == (-1, None, [])
        assert body["err_msg"] == (
            "未查询到该证件号码的人员信息（或不在您的管辖范围内；填写姓名时，姓名须与证件号码一致）。"
        )
    assert PersonalDataView.objects.count() == 0


def test_the_platform_answers_for_a_person_canbao_does_not_hold_and_the_answer_is_recorded(clerk):
    with platform_stub() as platform, override_settings(NATIONAL_PLATFORM_URL=platform.url):
        # given
        platform.answer(SUCCESS)
        # when
        response = token_client(clerk).post(PATH, envelope(CERTNO), format="json")
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["infcode"], body["source"]) == (0, "国家医保信息平台")
    assert body["output"]["baseinfo"]["psn_name"] == "赵太原"
    assert body["output"]["insuinfo"][0]["emp_name"] == "太原市某有限公司"
    assert body["output"]["idetinfo"] == [
        {"psn_idet_type": "2102", "psn_type_lv": "", "memo": "", "begntime": "2026-01-01 00:00:00", "endtime": None}
    ]
    assert recorded_rows() == [("clerk", "api_call", PATH, None, CERTNO)]


def test_a_platform_error_is_a_502_with_its_chinese_message_and_nothing_is_written(clerk):
    with platform_stub() as platform, override_settings(NATIONAL_PLATFORM_URL=platform.url):
        # given
        platform.answer({"infcode": -1, "err_msg": "系统繁忙", "output": None})
        # when
        response = token_client(clerk).post(PATH, envelope(CERTNO), format="json")
    # then
    assert response.status_code == 502
    assert (response.json()["infcode"], response.json()["err_msg"]) == (-1, "国家医保信息平台返回错误：系统繁忙")
    assert PersonalDataView.objects.count() == 0


def test_a_platform_that_does_not_answer_in_time_is_a_502(clerk):
    with (
        platform_stub() as platform,
        override_settings(NATIONAL_PLATFORM_URL=platform.url, NATIONAL_PLATFORM_TIMEOUT_SECONDS=0.2),
    ):
        platform.hang()
        response = token_client(clerk).post(PATH, envelope(CERTNO), format="json")
    assert response.status_code == 502
    assert response.json()["err_msg"] == "无法连接国家医保信息平台，或0.2秒内未答复，请稍后再试。"
