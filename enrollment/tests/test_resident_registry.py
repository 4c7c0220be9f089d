import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from config.forms import SearchableSelect
from conftest import SHANYIN, YUJING_TOWN, first_village, make_user, token_client
from divisions.selectors import residence_divisions_under
from enrollment.models import Resident
from enrollment.rules import id_number_compose
from enrollment.services import id_number_address_warnings, resident_create, resident_update
from enrollment.views.residents import DIVISIONS_PER_SEARCH
from tests.pages import select_html

pytestmark = pytest.mark.django_db


def test_r13_4_create_derives_sex_and_birth_date_and_keeps_history(clerk):
    # given
    id_number = id_number_compose(address_code=SHANYIN, birth_date=datetime.date(1970, 2, 28), sequence=31)
    # when
    resident = resident_create(
        actor=clerk, id_number=id_number, name=" 张三 ", household_division=first_village(YUJING_TOWN)
    )
    # then
    assert (resident.gender, resident.birth_date, resident.name) == ("M", datetime.date(1970, 2, 28), "张三")
    record = resident.history.get()
    assert (record.history_type, record.history_user) == ("+", clerk)


def test_r13_4_invalid_id_number_is_refused_and_nothing_is_saved(clerk):
    # given
    valid = id_number_compose(address_code=SHANYIN, birth_date=datetime.date(1970, 2, 28), sequence=31)
    wrong_check = valid[:17] + ("0" if valid[17] != "0" else "1")
    # when
    with pytest.raises(ValidationError) as refusal:
        resident_create(actor=clerk, id_number=wrong_check, name="张三", household_division=first_village(YUJING_TOWN))
    # then
    assert refusal.value.message_dict == {"id_number": ["身份证号校验位不正确，请核对后重新输入。"]}
    assert Resident.objects.count() == 0
    assert Resident.history.count() == 0


def test_duplicate_id_number_is_refused(yujing_resident, clerk):
    with pytest.raises(ValidationError) as refusal:
        resident_create(
            actor=clerk,
            id_number=yujing_resident.id_number,
            name="另一人",
            household_division=first_village(YUJING_TOWN),
        )
    assert refusal.value.message_dict == {"id_number": ["该身份证号已登记，请直接查询该居民。"]}
    assert Resident.objects.count() == 1


def test_r13_0a_a_person_registered_in_another_county_is_refused_without_being_shown(yujing_resident):
    # given a clerk of 应县 who registers 山阴's resident in a village of 应县
    yingxian_clerk = make_user("yingxian_clerk", "window_clerk", "140622")
    # when
    with pytest.raises(ValidationError) as refusal:
        resident_create(
            actor=yingxian_clerk,
            id_number=yujing_resident.id_number,
            name="另一人",
            household_division=first_village("140622100"),
        )
    # then
    assert refusal.value.message_dict == {"id_number": ["该身份证号的居民登记在其他区县，本辖区不能为其办理。"]}
    assert list(Resident.objects.values_list("id_number", "household_division_id")) == [
        (yujing_resident.id_number, yujing_resident.household_division_id)
    ]


def test_township_official_cannot_register_outside_township(yujing_official, clerk):
    other_village = first_village("140621101")
    id_number = id_number_compose(address_code=SHANYIN, birth_date=datetime.date(2001, 1, 5), sequence=40)
    with pytest.raises(ValidationError) as refusal:
        resident_create(actor=yujing_official, id_number=id_number, name="赵六", household_division=other_village)
    assert refusal.value.message_dict == {"household_division": ["只能登记本辖区内的居民。"]}
    assert Resident.objects.count() == 0


def test_r13_4_unknown_address_code_is_only_a_warning(clerk):
    # given an address code no longer in the division table (an old, merged county)
    id_number = id_number_compose(address_code="140699", birth_date=datetime.date(1960, 6, 6), sequence=51)
    # when
    resident = resident_create(
        actor=clerk, id_number=id_number, name="钱七", household_division=first_village(YUJING_TOWN)
    )
    # then
    assert resident.pk is not None
    assert id_number_address_warnings(id_number=id_number) == [
        "身份证号地址码 140699 不在现行行政区划表中（可能为撤并前的旧代码），请核实。"
    ]
    assert id_number_address_warnings(id_number=yujing_id()) == []


def yujing_id() -> str:
    return id_number_compose(address_code=SHANYIN, birth_date=datetime.date(1960, 6, 6), sequence=51)


def test_update_refuses_id_number_change(yujing_resident, clerk):
    with pytest.raises(ValidationError):
        resident_update(actor=clerk, resident=yujing_resident, id_number="11010519491231002X")
    yujing_resident.refresh_from_db()
    assert yujing_resident.id_number != "11010519491231002X"


def test_update_keeps_history(yujing_resident, clerk):
    resident_update(actor=clerk, resident=yujing_resident, phone="13800000000")
    assert yujing_resident.history.count() == 2
    assert Resident.objects.get(pk=yujing_resident.pk).phone == "13800000000"


class TestResidentApi:
    def test_post_creates_with_derived_fields(self, clerk):
        id_number = id_number_compose(address_code=SHANYIN, birth_date=datetime.date(1992, 11, 9), sequence=12)
        village = first_village(YUJING_TOWN)
        response = token_client(clerk).post(
            "/api/v1/residents/",
            {"id_number": id_number, "name": "孙八", "phone": "13900000000", "division": village.code},
            format="json",
        )
        assert response.status_code == 201
        body = response.json()
        assert (body["id_number"], body["gender"], body["birth_date"]) == (id_number, "F", "1992-11-09")
        assert (body["division"], body["warnings"]) == (village.code, [])

    @pytest.mark.parametrize(
        ("id_number", "message"),
        [
            ("140621199211090120", "身份证号校验位不正确，请核对后重新输入。"),
            ("140621199202300120", "身份证号中的出生日期 19920230 不存在。"),
        ],
    )
    def test_post_refuses_invalid_id_in_chinese_and_writes_nothing(self, clerk, id_number, message):
        response = token_client(clerk).post(
            "/api/v1/residents/",
            {"id_number": id_number, "name": "孙八", "division": first_village(YUJING_TOWN).code},
            format="json",
        )
        assert response.status_code == 400
        assert response.json() == {"id_number": [message]}
        assert Resident.objects.count() == 0

    def test_post_duplicate_is_400_on_id_number(self, clerk, yujing_resident):
        response = token_client(clerk).post(
            "/api/v1/residents/",
            {"id_number": yujing_resident.id_number, "name": "孙八", "division": first_village(YUJING_TOWN).code},
            format="json",
        )
        assert response.status_code == 400
        assert list(response.json()) == ["id_number"]

    def test_township_official_gets_404_for_another_township(self, yujing_official, beizhouzhuang_resident):
        response = token_client(yujing_official).get(f"/api/v1/residents/{beizhouzhuang_resident.id_number}/")
        assert response.status_code == 404

    def test_township_official_list_holds_only_own_township(
        self, yujing_official, yujing_resident, beizhouzhuang_resident
    ):
        response = token_client(yujing_official).get("/api/v1/residents/")
        body = response.json()
        assert body["count"] == 1
        assert body["results"][0]["name"] == "王玉井"
        assert set(body) == {"count", "next", "previous", "results"}

    def test_city_staff_see_masked_numbers_and_cannot_create(self, city_staff, yujing_resident):
        client = token_client(city_staff)
        detail = client.get(f"/api/v1/residents/{yujing_resident.id_number}/").json()
        assert detail["id_number"] == yujing_resident.id_number[:6] + "********" + yujing_resident.id_number[-4:]
        refused = client.post("/api/v1/residents/", {"id_number": yujing_id(), "name": "某", "division": SHANYIN})
        assert refused.status_code == 403
        assert Resident.objects.count() == 1

    def test_search_by_id_number_and_name(self, clerk, yujing_resident, beizhouzhuang_resident):
        client = token_client(clerk)
        by_id = client.get("/api/v1/residents/", {"search": beizhouzhuang_resident.id_number}).json()
        by_name = client.get("/api/v1/residents/", {"search": "玉井"}).json()
        assert [row["name"] for row in by_id["results"]] == ["李北周"]
        assert [row["name"] for row in by_name["results"]] == ["王玉井"]

    def test_anonymous_is_refused(self, yujing_resident):
        from rest_framework.test import APIClient

        assert APIClient().get("/api/v1/residents/").status_code == 401

    def test_schema_is_served(self, clerk):
        response = token_client(clerk).get("/api/schema/")
        assert response.status_code == 200
        for path in (
            "/api/v1/residents/",
            "/api/v1/policy/quote/",
            "/api/v1/enrollments/{id}/back-payment/",
            "/api/v1/enrollments/{id}/refund/",
            "/api/v1/identities/",
            "/api/v1/claim-summaries/",
        ):
            assert path.encode() in response.content


class TestResidentPages:
    def test_township_official_cannot_open_or_list_another_township(
        self, client, yujing_official, yujing_resident, beizhouzhuang_resident
    ):
        client.force_login(yujing_official)
        assert client.get(f"/residents/{beizhouzhuang_resident.pk}/").status_code == 404
        listing = client.get("/residents/", {"q": ""}).content.decode()
        assert "王玉井" in listing
        assert "李北周" not in listing
        assert client.get(f"/residents/{yujing_resident.pk}/").status_code == 200

    def test_clerk_search_by_full_id_number_opens_the_resident(self, client, clerk, yujing_resident):
        client.force_login(clerk)
        response = client.get("/residents/", {"q": yujing_resident.id_number})
        assert response.status_code == 302
        assert response["Location"] == f"/residents/{yujing_resident.pk}/"

    def test_create_page_refuses_invalid_id_in_chinese_and_saves_nothing(self, client, clerk):
        client.force_login(clerk)
        response = client.post(
            "/residents/new/",
            {"id_number": "140621199211090120", "name": "孙八", "household_division": first_village(YUJING_TOWN).code},
        )
        assert response.status_code == 200
        assert "身份证号校验位不正确，请核对后重新输入。" in response.content.decode()
        assert Resident.objects.count() == 0

    def test_create_page_registers_resident(self, client, clerk):
        client.force_login(clerk)
        id_number = id_number_compose(address_code=SHANYIN, birth_date=datetime.date(1999, 9, 9), sequence=99)
        response = client.post(
            "/residents/new/",
            {"id_number": id_number, "name": "周九", "household_division": first_village(YUJING_TOWN).code},
        )
        resident = Resident.objects.get(id_number=id_number)
        assert response["Location"] == f"/residents/{resident.pk}/"

    def test_a_county_clerks_form_lists_the_countys_villages_in_the_page(self, client, clerk):
        client.force_login(clerk)
        page = client.get("/residents/new/").content.decode()
        household_select = select_html(page, "household_division")
        assert "data-search-url" not in household_select
        assert household_select.count("<option") == 1 + residence_divisions_under(root_code=SHANYIN).count()
        assert '<option value="140621100200">玉井镇 玉井村委会</option>' in household_select

    def test_a_province_wide_form_holds_only_the_chosen_village_and_searches_for_the_rest(
        self, client, admin_user, yujing_resident
    ):
        # given the province's villages, far more than a page should hold
        assert residence_divisions_under(root_code="").count() > SearchableSelect.LISTED_OPTIONS_LIMIT
        client.force_login(admin_user)
        # when
        page = client.get(f"/residents/{yujing_resident.pk}/edit/").content.decode()
        # then
        household_select = select_html(page, "household_division")
        assert 'data-search-url="/residents/divisions/"' in household_select
        village = yujing_resident.household_division
        assert re.findall(r"<option[^>]*>[^<]*</option>", household_select) == [
            '<option value="">---------</option>',
            f'<option value="{village.code}" selected>{village.parent.name} {village.name}</option>',
        ]
        assert re.findall(r"<option[^>]*>", select_html(page, "residence_division")) == ['<option value="" selected>']

    def test_a_village_the_page_did_not_list_is_still_checked_against_the_users_scope(self, client, admin_user):
        client.force_login(admin_user)
        id_number = id_number_compose(address_code=SHANYIN, birth_date=datetime.date(1999, 9, 9), sequence=99)
        response = client.post(
            "/residents/new/", {"id_number": id_number, "name": "周九", "household_division": "140621101202"}
        )
        resident = Resident.objects.get(id_number=id_number)
        assert response["Location"] == f"/residents/{resident.pk}/"
        assert resident.household_division_id == "140621101202"

    def test_login_page_is_chinese(self, client):
        assert "登录参保通" in client.get("/accounts/login/").content.decode()


class TestDivisionSearch:
    """The options of a village list too long for the page: what was typed, inside the user's scope."""

    def test_answers_the_villages_of_the_users_scope_that_hold_the_text(self, client, clerk, admin_user):
        client.force_login(clerk)
        assert client.get("/residents/divisions/", {"q": "玉井村"}).json() == {
            "results": [{"value": "140621100200", "text": "玉井镇 玉井村委会"}]
        }
        client.force_login(admin_user)
        assert client.get("/residents/divisions/", {"q": "玉井村"}).json() == {
            "results": [
                {"value": "140581003212", "text": "南城街道 上玉井村委会"},
                {"value": "140621100200", "text": "玉井镇 玉井村委会"},
            ]
        }

    def test_a_township_name_or_a_code_finds_its_villages(self, client, yujing_official):
        client.force_login(yujing_official)
        by_township = client.get("/residents/divisions/", {"q": "玉井镇"}).json()["results"]
        by_code = client.get("/residents/divisions/", {"q": "1406211002"}).json()["results"]
        expected = residence_divisions_under(root_code=YUJING_TOWN).order_by("code")
        assert [option["value"] for option in by_township] == [division.code for division in expected]
        assert [option["value"] for option in by_code] == [
            division.code for division in expected if division.code.startswith("1406211002")
        ]

    def test_a_village_outside_the_scope_is_not_found(self, client, yujing_official, clerk):
        client.force_login(clerk)
        assert client.get("/residents/divisions/", {"q": "郑庄"}).json() == {
            "results": [{"value": "140621101202", "text": "北周庄镇 郑庄村委会"}]
        }
        client.force_login(yujing_official)
        assert client.get("/residents/divisions/", {"q": "郑庄"}).json() == {"results": []}

    def test_an_empty_text_finds_nothing_and_the_answer_is_limited(self, client, admin_user):
        client.force_login(admin_user)
        assert client.get("/residents/divisions/", {"q": "  "}).json() == {"results": []}
        villages = client.get("/residents/divisions/", {"q": "村"}).json()["results"]
        assert len(villages) == DIVISIONS_PER_SEARCH

    def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(self, client):
        response = client.get("/residents/divisions/", {"q": "玉井"})
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_division_code_no_division_has_is_refused_in_chinese_and_nothing_is_saved(clerk):
    # given a village code of the county that the division tree does not hold (the key is enforced by the
    # application, not by the database)
    from divisions.models import Division

    unknown = Division(code=f"{YUJING_TOWN}999", name="无此村", level="village")
    id_number = id_number_compose(address_code=SHANYIN, birth_date=datetime.date(1970, 2, 28), sequence=31)
    # when
    with pytest.raises(ValidationError) as refusal:
        resident_create(actor=clerk, id_number=id_number, name="张三", household_division=unknown)
    # then
    assert refusal.value.message_dict == {"household_division": [f"户籍地代码 {YUJING_TOWN}999 不是已有的行政区划。"]}
    assert Resident.objects.count() == 0
    assert Resident.history.count() == 0


def test_registering_reads_neither_the_division_it_is_given_nor_the_id_number_again(clerk):
    # given a village read from the database
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    village = first_village(YUJING_TOWN)
    id_number = id_number_compose(address_code=SHANYIN, birth_date=datetime.date(1970, 2, 28), sequence=31)
    # when
    with CaptureQueriesContext(connection) as queries:
        resident_create(actor=clerk, id_number=id_number, name="张三", household_division=village)
    # then the ID number is looked for once, by resident_find, and the village not at all
    statements = [query["sql"] for query in queries.captured_queries]
    assert [sql for sql in statements if "divisions_division" in sql] == []
    assert len([sql for sql in statements if sql.startswith("SELECT") and "enrollment_resident" in sql]) == 1
    assert Resident.objects.get(id_number=id_number).household_division_id == village.code
