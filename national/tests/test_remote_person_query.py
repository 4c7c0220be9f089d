"""RemotePersonQuery against a stand-in national platform (a real HTTP server started here): the 1101 request
envelope it sends, and how it reads success, an error code, a malformed answer and no answer in time."""

import datetime
import hashlib
import re
import zoneinfo

import pytest
from django.test import override_settings

from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, enrollment_create
from national.person_query import (
    LocalPersonQuery,
    LocalThenRemotePersonQuery,
    PersonAsked,
    PersonNotFound,
    PersonQueryFailed,
    PlatformConfiguration,
    RemotePersonQuery,
    person_query_for,
)
from national.rules import BaseInformation, IdentityInformation, InsuranceInformation
from national.tests.platform_stub import platform_stub

D = datetime.date
NOW = datetime.datetime(2026, 12, 4, 10, 30, 15, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
CERTNO = id_number_compose(address_code="140105", birth_date=D(1990, 5, 1), sequence=35)
SECRET = "platform-secret-2026"

SUCCESS = {
    "infcode": 0,
    "inf_refmsgid": "140000202612041030150000000001",
    "refmsg_time": "20261204103015123",
    "respond_time": "20261204103015200",
    "err_msg": None,
    "warn_msg": None,
    "cainfo": None,
    "signtype": None,
    "output": {
        "baseinfo": {
            "psn_no": "14000000000000000123",
            "psn_cert_type": "01",
            "certno": CERTNO,
            "psn_name": "赵太原",
            "gend": "2",
            "brdy": "1990-05-01",
            "naty": "01",
            "age": 36.0,
        },
        "insuinfo": [
            {
                "balc": 1234.5,
                "insutype": "310",
                "psn_type": "11",
                "psn_insu_stas": "1",
                "psn_insu_date": "2015-07-01",
                "paus_insu_date": None,
                "cvlserv_flag": "0",
                "insuplc_admdvs": "140105",
                "emp_name": "太原市某有限公司",
            }
        ],
        "idetinfo": [
            {
                "psn_idet_type": "2102",
                "psn_type_lv": None,
                "memo": None,
                "begntime": "2026-01-01 00:00:00",
                "endtime": None,
            }
        ],
    },
}


def configuration(url, **changes):
    values = {
        "url": url,
        "app_id": "canbao-140621",
        "app_secret": SECRET,
        "sender_code": "H14062100001",
        "sender_name": "山阴县医疗保障局",
        "receiver_system": "SXYBPT",
        "area": "140621",
        "interface_version": "V1.0",
        "timeout_seconds": 2.0,
        **changes,
    }
    return PlatformConfiguration(**values)


def remote(clerk, url, **changes):
    return RemotePersonQuery(operator=clerk, configuration=configuration(url, **changes))


ASKED = PersonAsked(certificate_type="01", certificate_number=CERTNO, name="赵太原")


@pytest.mark.django_db
def test_success_is_read_into_the_same_result_and_the_request_is_a_1101_envelope(clerk):
    with platform_stub() as platform:
        # given
        platform.answer(SUCCESS)
        # when
        information = remote(clerk, platform.url).person_get(asked=ASKED, now=NOW)
    # then the answer
    assert information.base == BaseInformation(
        person_number="14000000000000000123",
        certificate_type="01",
        certificate_number=CERTNO,
        name="赵太原",
        gender="2",
        birth_date=D(1990, 5, 1),
        nationality="01",
        age=36,
    )
    assert information.insurance == (
        InsuranceInformation(
            insurance_type="310",
            status="1",
            insured_date=D(2015, 7, 1),
            suspended_date=None,
            insured_place="140105",
            person_type="11",
            employer_name="太原市某有限公司",
            civil_servant="0",
        ),
    )
    assert information.identities == (
        IdentityInformation(identity_type="2102", level="", description="", begins=D(2026, 1, 1), ends=None),
    )
    assert information.source == "国家医保信息平台"
    assert [(entry.rule, entry.text) for entry in information.explanation] == [
        ("1101", "人员信息由国家医保信息平台答复，本系统按原样转述。")
    ]
    # and the request the platform received
    [received] = platform.received
    envelope = received.json()
    msgid = envelope.pop("msgid")
    assert re.fullmatch(r"H1406210000120261204103015\d{4}", msgid)
    assert envelope == {
        "infno": "1101",
        "mdtrtarea_admvs": "140621",
        "insuplc_admdvs": "",
        "recer_sys_code": "SXYBPT",
        "dev_no": "",
        "dev_safe_info": "",
        "cainfo": "",
        "signtype": "",
        "infver": "V1.0",
        "opter_type": "1",
        "opter": str(clerk.pk),
        "opter_name": "clerk",
        "inf_time": "2026-12-04 10:30:15",
        "fixmedins_code": "H14062100001",
        "fixmedins_name": "山阴县医疗保障局",
        "sign_no": "",
        "input": {
            "data": {
                "mdtrt_cert_type": "02",
                "mdtrt_cert_no": CERTNO,
                "card_sn": "",
                "begntime": "2026-12-04 10:30:15",
                "psn_cert_type": "01",
                "certno": CERTNO,
                "psn_name": "赵太原",
            }
        },
    }
    assert received.path == "/isp-api/powercsb/1101"
    assert received.headers["content-type"] == "application/json;charset=utf-8"
    headers = received.headers
    signed = f"{headers['x-tif-timestamp']}{SECRET}{headers['x-tif-nonce']}{headers['x-tif-timestamp']}"
    assert headers["x-tif-paasid"] == "canbao-140621"
    assert headers["x-tif-signature"] == hashlib.sha256(signed.encode()).hexdigest()


@pytest.mark.django_db
def test_an_error_code_gives_the_platforms_message_in_chinese(clerk):
    with platform_stub() as platform:
        # given
        platform.answer({"infcode": -1, "err_msg": "未查询到人员参保信息", "output": None})
        # when
        with pytest.raises(PersonQueryFailed) as raised:
            remote(clerk, platform.url).person_get(asked=ASKED, now=NOW)
    # then
    assert raised.value.message == "国家医保信息平台返回错误：未查询到人员参保信息"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answer", "status", "message"),
    [
        (b"<html>502 Bad Gateway", 200, "国家医保信息平台的答复不是有效的JSON，无法识别。"),
        (b'{"infcode": 0, "output": {"baseinfo": ', 200, "国家医保信息平台的答复不是有效的JSON，无法识别。"),
        (b'{"output": {}}', 200, "国家医保信息平台的答复缺少交易状态码（infcode），无法识别。"),
        (b"[]", 200, "国家医保信息平台的答复缺少交易状态码（infcode），无法识别。"),
        (
            b'{"infcode": 0, "output": {"baseinfo": {"psn_no": "1", "psn_cert_type": "01", "certno": "1", '
            b'"psn_name": "x", "brdy": "1990-13-45"}}}',
            200,
            "国家医保信息平台的答复不符合1101接口：baseinfo.brdy：日期格式应为 yyyy-MM-dd。",
        ),
        (b"busy", 503, "国家医保信息平台答复异常（HTTP 503），请稍后再试。"),
    ],
    ids=["not-json", "cut-off", "no-infcode", "not-an-object", "bad-date", "http-503"],
)
def test_a_malformed_answer_is_a_chinese_error(clerk, answer, status, message):
    with platform_stub() as platform:
        # given
        platform.answer(answer, status=status)
        # when
        with pytest.raises(PersonQueryFailed) as raised:
            remote(clerk, platform.url).person_get(asked=ASKED, now=NOW)
    # then
    assert raised.value.message == message


@pytest.mark.django_db
def test_a_success_without_a_person_is_not_found(clerk):
    with platform_stub() as platform:
        platform.answer({"infcode": 0, "err_msg": None, "output": {"baseinfo": None, "insuinfo": []}})
        with pytest.raises(PersonNotFound) as raised:
            remote(clerk, platform.url).person_get(asked=ASKED, now=NOW)
    assert raised.value.message == "国家医保信息平台未查询到该证件号码的人员信息。"


@pytest.mark.django_db
def test_no_answer_within_the_timeout_is_a_chinese_error(clerk):
    with platform_stub() as platform:
        # given a platform that does not answer, and a short timeout
        platform.hang()
        # when
        with pytest.raises(PersonQueryFailed) as raised:
            remote(clerk, platform.url, timeout_seconds=0.2).person_get(asked=ASKED, now=NOW)
    # then
    assert raised.value.message == "无法连接国家医保信息平台，或0.2秒内未答复，请稍后再试。"
    assert len(platform.received) == 1


@pytest.mark.django_db
def test_an_answer_cut_short_is_a_chinese_error(clerk):
    with platform_stub() as platform:
        # given an answer that announces more than it sends
        platform.answer(SUCCESS)
        platform.cut_short = True
        # when
        with pytest.raises(PersonQueryFailed) as raised:
            remote(clerk, platform.url).person_get(asked=ASKED, now=NOW)
    # then
    assert raised.value.message == "无法连接国家医保信息平台，或2秒内未答复，请稍后再试。"


@pytest.mark.django_db
def test_a_platform_that_is_not_there_is_a_chinese_error(clerk):
    # given the address of a server that has closed
    with platform_stub() as platform:
        url = platform.url
    # when
    with pytest.raises(PersonQueryFailed) as raised:
        remote(clerk, url).person_get(asked=ASKED, now=NOW)
    # then
    assert raised.value.message == "无法连接国家医保信息平台，或2秒内未答复，请稍后再试。"


@pytest.mark.django_db
def test_without_a_platform_address_only_canbaos_data_answers(clerk):
    with override_settings(NATIONAL_PLATFORM_URL=""):
        assert isinstance(person_query_for(user=clerk), LocalPersonQuery)


@pytest.mark.django_db
def test_with_a_platform_address_canbao_answers_its_own_people_and_asks_the_platform_for_the_others(
    clerk, yujing_resident
):
    enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    with platform_stub() as platform, override_settings(NATIONAL_PLATFORM_URL=platform.url):
        # given
        platform.answer(SUCCESS)
        query = person_query_for(user=clerk)
        # when
        own = query.person_get(asked=PersonAsked("01", yujing_resident.id_number, ""), now=NOW)
        asked_before = len(platform.received)
        other = query.person_get(asked=ASKED, now=NOW)
    # then
    assert isinstance(query, LocalThenRemotePersonQuery)
    assert (own.source, own.base.name, asked_before) == ("参保通（本系统数据）", "王玉井", 0)
    assert (other.source, other.base.name, len(platform.received)) == ("国家医保信息平台", "赵太原", 1)
