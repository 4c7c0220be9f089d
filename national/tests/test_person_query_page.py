"""/national/query/: the clerks' page of the 1101 query, the same answer as the API in Chinese, ID numbers masked."""

import datetime

import pytest
from django.test import Client, override_settings

from accounts.models import PersonalDataView, Role
from accounts.personal_data import id_number_mask
from conftest import make_user
from enrollment.services import PaymentDetails, enrollment_create
from national.tests.platform_stub import platform_stub
from national.tests.test_remote_person_query import CERTNO
from subsidies.services import hardship_identity_create

pytestmark = pytest.mark.django_db
D = datetime.date
PATH = "/national/query/"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_the_answer_in_chinese_with_the_number_masked(clerk, yujing_resident):
    # given
    enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    hardship_identity_create(
        actor=clerk, resident=yujing_resident, category="dibao", department="民政", valid_from=D(2026, 1, 1)
    )
    # when
    with override_settings(NATIONAL_PLATFORM_IDENTITY_CODES={"dibao": "2102"}):
        response = signed_in(clerk).get(PATH, {"certno": yujing_resident.id_number, "psn_name": "王玉井"})
    # then
    page = response.content.decode()
    assert response.status_code == 200
    for text in (
        "参保通（本系统数据）",
        "王玉井",
        id_number_mask(yujing_resident.id_number),
        "390 城乡居民基本医疗保险",
        "392 城乡居民大病医疗保险",
        "2025-11-20",
        "140621",
        "2102",
        "低保对象",
        "参保地为2026年度参保记录所在的山阴县（140621）。",
    ):
        assert text in page, text
    # the full number only in the search field, as typed
    assert yujing_resident.id_number not in page.replace(f'value="{yujing_resident.id_number}"', "")
    assert PersonalDataView.objects.count() == 0


def test_a_bad_number_is_refused_on_its_field(clerk):
    response = signed_in(clerk).get(PATH, {"certno": "140621198503120171"})
    assert response.status_code == 200
    assert "身份证号校验位不正确，请核对后重新输入。" in response.content.decode()


def test_a_person_outside_the_scope_reads_as_not_found(clerk, yujing_resident):
    other = make_user("yingxian", Role.WINDOW_CLERK, "140622")
    response = signed_in(other).get(PATH, {"certno": yujing_resident.id_number})
    page = response.content.decode()
    assert response.status_code == 200
    assert "未查询到该证件号码的人员信息" in page
    assert "王玉井" not in page


def test_a_platform_failure_is_shown_in_chinese(clerk):
    with platform_stub() as platform, override_settings(NATIONAL_PLATFORM_URL=platform.url):
        platform.answer(b"not json")
        response = signed_in(clerk).get(PATH, {"certno": CERTNO})
    assert response.status_code == 200
    assert "国家医保信息平台的答复不是有效的JSON，无法识别。" in response.content.decode()


def test_roles_without_full_numbers_are_refused(city_staff):
    assert signed_in(city_staff).get(PATH).status_code == 403
