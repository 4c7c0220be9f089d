"""R13.5 the township uninsured ledger (未参保台账): the province pushes lists down, townships sign for them, record
the outcome of their visits, add the people they find, count per village and step, and exchange the ledger as Excel.
"""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from accounts.personal_data import id_number_mask
from conftest import BEIZHOUZHUANG_TOWN, YUJING_TOWN, make_user
from core.batches import BatchStatus
from divisions.models import Division
from enrollment.rules import id_number_compose
from enrollment.services import PaymentDetails, enrollment_create
from tests.bad_files import uninsured_ledger_layout
from tests.factories import xlsx_bytes
from uninsured.models import (
    ContactResult,
    OutreachStep,
    UninsuredLedgerImportBatch,
    UninsuredList,
    UninsuredPerson,
    UninsuredPushBatch,
    UninsuredReason,
    VerificationStatus,
)
from uninsured.selectors import uninsured_ledger_counts, uninsured_list_progress
from uninsured.services.lists import uninsured_push_check
from uninsured.services.people import OUTCOME_FIELDS, uninsured_outcome_errors

pytestmark = pytest.mark.django_db

D = datetime.date
YUJING_VILLAGE = "140621100200"  # 玉井村委会
SHUITOU_VILLAGE = "140621100201"  # 水头村委会
BEIZHOUZHUANG_VILLAGE = "140621101200"  # 北周庄村委会
XINRONG_TOWN = "140212100"  # 新荣镇, Datong: outside Shuozhou
ZHANG = id_number_compose(address_code="140621", birth_date=D(1980, 1, 2), sequence=11)
LI = id_number_compose(address_code="140621", birth_date=D(1975, 5, 6), sequence=12)
WANG = id_number_compose(address_code="140621", birth_date=D(1990, 9, 9), sequence=13)
ZHAO = id_number_compose(address_code="140621", birth_date=D(1968, 3, 3), sequence=14)
BAD_CHECK = ZHANG[:17] + ("0" if ZHANG[17] != "0" else "1")


@pytest.fixture
def province_staff(db):
    return make_user("shanxi", Role.PROVINCE_STAFF, "14")


def batch_id(response) -> str:
    """The id of the batch a preview redirects to (push/<id>/, ledger/import/<id>/)."""
    return response["Location"].rstrip("/").rsplit("/", 1)[-1]


def xlsx_upload(rows, name="未参保名单.xlsx") -> io.BytesIO:
    buffer = io.BytesIO(xlsx_bytes(rows))
    buffer.name = name
    return buffer


def in_days(days: int) -> D:
    return timezone.localdate() + datetime.timedelta(days=days)


def push(client, rows, year=2027, deadline=None):
    deadline = deadline or in_days(30)
    return client.post(
        "/targets/uninsured/push/", {"year": year, "deadline": deadline.isoformat(), "file": xlsx_upload(rows)}
    )


def make_list(pushed_by, township=YUJING_TOWN, year=2026, deadline=None, signed_by=None) -> UninsuredList:
    township_division = Division.objects.get(code=township)
    return UninsuredList.objects.create(
        township=township_division,
        year=year,
        title=f"{year}年度未参保人员名单（{township_division.name}）",
        deadline=deadline or in_days(30),
        pushed_by=pushed_by,
        signed_by=signed_by,
        signed_at=timezone.now() if signed_by else None,
    )


def make_person(id_number, name, uninsured_list=None, township=YUJING_TOWN, village=YUJING_VILLAGE, year=2026, **kw):
    return UninsuredPerson.objects.create(
        uninsured_list=uninsured_list,
        township_id=township,
        village_id=village,
        year=year,
        name=name,
        id_number=id_number,
        **kw,
    )


def outcome_of(person: UninsuredPerson) -> dict:
    person.refresh_from_db()
    return {field: getattr(person, field) for field in OUTCOME_FIELDS}


def outcome_post(**changes) -> dict:
    data = {
        "reason": "",
        "insured_elsewhere_place": "",
        "verification_status": VerificationStatus.PENDING,
        "contact_result": ContactResult.NOT_CONTACTED,
        "outreach_note": "",
        "enrollment_date": "",
        "step": OutreachStep.DATA_DISTRIBUTION,
    }
    return {**data, **changes}


# --- Push: preview, confirm, refusals -----------------------------------------------------------------------------


def test_r13_5_push_preview_splits_the_file_per_township_and_writes_nothing_until_confirmed(client, province_staff):
    # given
    client.force_login(province_staff)
    rows = [
        ["乡镇代码", "乡镇", "村（社区）代码", "姓名", "身份证号", "联系电话"],
        [YUJING_TOWN, "", YUJING_VILLAGE, "张三", ZHANG, 13800000001],
        [YUJING_TOWN, "玉井镇", SHUITOU_VILLAGE, "李四", LI, ""],
        [YUJING_TOWN, "", "", "王五", WANG, "0349-1234567"],
        ["", "北周庄镇", "", "赵六", ZHAO, ""],
    ]
    # when
    response = push(client, rows)
    # then the preview shows the split and nothing is written
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    townships = [(t["code"], t["people"], t["on_ledger"]) for t in preview.context["batch"].townships]
    assert townships == [(YUJING_TOWN, 3, 0), (BEIZHOUZHUANG_TOWN, 1, 0)]
    page = preview.content.decode()
    assert '<dd class="col-sm-2" id="rows-checked">4</dd>' in page
    assert "确认下发（2个乡镇，4人）" in page
    # and it shows ID and phone numbers masked, like every page
    assert ZHANG not in page and "13800000001" not in page
    assert f'<td class="id-number">{id_number_mask(ZHANG)}</td><td>138****0001</td>' in page
    assert UninsuredList.objects.count() == 0
    assert UninsuredPerson.objects.count() == 0
    assert UninsuredPushBatch.objects.get().status == BatchStatus.PREVIEWED
    # when confirmed
    confirmed = client.post(f"/targets/uninsured/push/{batch_id(response)}/confirm/", follow=True)
    # then one list per township, the people on the township's ledger, the batch confirmed
    assert "已下发2份名单：新增4人，关联乡镇自行摸排的0人，已在其他名单中的0人保持不变。" in confirmed.content.decode()
    lists = list(UninsuredList.objects.order_by("township_id").values_list("township_id", "year", "title", "pushed_by"))
    assert lists == [
        (YUJING_TOWN, 2027, "2027年度未参保人员名单（玉井镇）", province_staff.pk),
        (BEIZHOUZHUANG_TOWN, 2027, "2027年度未参保人员名单（北周庄镇）", province_staff.pk),
    ]
    people = list(
        UninsuredPerson.objects.order_by("id_number").values_list(
            "uninsured_list__township_id", "township_id", "village_id", "name", "id_number", "phone", "step"
        )
    )
    assert sorted(people, key=lambda person: person[3]) == sorted(
        [
            (YUJING_TOWN, YUJING_TOWN, YUJING_VILLAGE, "张三", ZHANG, "13800000001", OutreachStep.DATA_DISTRIBUTION),
            (YUJING_TOWN, YUJING_TOWN, SHUITOU_VILLAGE, "李四", LI, "", OutreachStep.DATA_DISTRIBUTION),
            (YUJING_TOWN, YUJING_TOWN, None, "王五", WANG, "0349-1234567", OutreachStep.DATA_DISTRIBUTION),
            (BEIZHOUZHUANG_TOWN, BEIZHOUZHUANG_TOWN, None, "赵六", ZHAO, "", OutreachStep.DATA_DISTRIBUTION),
        ],
        key=lambda person: person[3],
    )
    assert UninsuredPerson.history.count() == 4
    batch = UninsuredPushBatch.objects.get()
    assert (batch.status, batch.confirmed_by, batch.created_count) == (BatchStatus.CONFIRMED, province_staff, 4)


def test_r13_5_push_check_reports_every_bad_row_and_the_confirm_writes_nothing(client):
    # given a pusher whose scope is Shuozhou (1406): Datong's townships are outside it
    pusher = make_user("pusher", Role.PROVINCE_STAFF, "1406")
    rows = [
        ["乡镇代码", "乡镇", "村（社区）代码", "姓名", "身份证号"],
        [YUJING_TOWN, "", "", "张三", ZHANG],
        [YUJING_TOWN, "", "", "错号", BAD_CHECK],
        ["140621999", "", "", "李四", LI],
        [XINRONG_TOWN, "", "", "王五", WANG],
        [YUJING_TOWN, "", "", "张三", ZHANG],
        [YUJING_TOWN, "", BEIZHOUZHUANG_VILLAGE, "赵六", ZHAO],
        ["", "", "", "", float(ZHANG)],  # what Excel keeps of an ID number typed into a number cell
    ]
    # when
    preview = uninsured_push_check(actor=pusher, year=2027, file_name="名单.xlsx", content=xlsx_upload(rows).read())
    # then
    assert preview.rows_total == 7
    assert [row.id_number for row in preview.rows] == [ZHANG]
    assert [(error["row"], error["errors"]) for error in preview.row_errors] == [
        (3, ["身份证号：身份证号校验位不正确，请核对后重新输入。"]),
        (4, ["乡镇代码：140621999不是已知的乡镇（街道）。"]),
        (5, ["乡镇：新荣镇（140212100）不在您的管辖范围内。"]),
        (6, ["身份证号：与第2行重复（同一人）。"]),
        (7, ["村（社区）代码：140621101200不是玉井镇的村（社区）。"]),
        (
            8,
            [
                "身份证号：身份证号被Excel存成了数字（140621198001020096），超过15位的数字已被改写，"
                "请将该列设为文本后重新录入。",
                "姓名：姓名为空。",
                "乡镇：须填写乡镇代码或乡镇名称。",
            ],
        ),
    ]
    assert preview.can_confirm is False
    # when the same file is confirmed through the pages
    client.force_login(pusher)
    response = push(client, rows)
    page = client.get(response["Location"]).content.decode()
    confirmed = client.post(f"/targets/uninsured/push/{batch_id(response)}/confirm/", follow=True)
    # then the errors were shown, no confirm was offered, and nothing is written
    assert "确认下发" not in page
    assert "乡镇：新荣镇（140212100）不在您的管辖范围内。" in page
    assert "名单中有6行错误，未下发任何人员。请按错误行修改后重新上传。" in confirmed.content.decode()
    assert UninsuredList.objects.count() == 0
    assert UninsuredPerson.objects.count() == 0


def test_r13_5_push_township_by_name_must_be_unambiguous_and_match_its_code(province_staff):
    # given 古城街道 is the name of several townships of Shanxi
    rows = [
        ["乡镇代码", "乡镇", "姓名", "身份证号"],
        ["", "古城街道", "张三", ZHANG],
        [YUJING_TOWN, "北周庄镇", "李四", LI],
        ["", "不存在镇", "王五", WANG],
    ]
    # when
    preview = uninsured_push_check(
        actor=province_staff, year=2027, file_name="名单.xlsx", content=xlsx_upload(rows).read()
    )
    # then
    errors = [(error["row"], error["errors"][0]) for error in preview.row_errors]
    assert errors[0][0] == 2 and errors[0][1].startswith("乡镇：「古城街道」有重名（")
    assert errors[0][1].endswith("），请填写乡镇代码。")
    assert errors[1:] == [
        (3, "乡镇：「北周庄镇」与乡镇代码140621100（玉井镇）不符。"),
        (4, "乡镇：「不存在镇」不是已知的乡镇（街道）。"),
    ]


def test_r13_5_push_keeps_people_already_on_the_ledger_and_links_those_the_township_found(
    client, province_staff, yujing_official
):
    # given 张三 found by the township itself, 李四 on an earlier list
    earlier = make_list(province_staff, year=2027)
    found = make_person(ZHANG, "张三", year=2027, reason=UninsuredReason.UNWILLING)
    listed = make_person(LI, "李四", uninsured_list=earlier, year=2027)
    client.force_login(province_staff)
    response = push(
        client,
        [
            ["乡镇代码", "姓名", "身份证号"],
            [YUJING_TOWN, "张三", ZHANG],
            [YUJING_TOWN, "李四", LI],
            [YUJING_TOWN, "王五", WANG],
        ],
    )
    preview = client.get(response["Location"])
    assert [(t["people"], t["on_ledger"]) for t in preview.context["batch"].townships] == [(3, 2)]
    # when
    confirmed = client.post(f"/targets/uninsured/push/{batch_id(response)}/confirm/", follow=True)
    # then
    assert "已下发1份名单：新增1人，关联乡镇自行摸排的1人，已在其他名单中的1人保持不变。" in confirmed.content.decode()
    new_list = UninsuredList.objects.exclude(pk=earlier.pk).get()
    found.refresh_from_db()
    listed.refresh_from_db()
    assert (found.uninsured_list_id, found.reason) == (new_list.pk, UninsuredReason.UNWILLING)
    assert listed.uninsured_list_id == earlier.pk
    assert UninsuredPerson.objects.get(id_number=WANG).uninsured_list_id == new_list.pk
    assert UninsuredPerson.objects.count() == 3


def test_r13_5_push_confirm_writes_the_previewed_rows_once_and_a_second_confirm_changes_nothing(client, province_staff):
    # given a previewed list of two people
    client.force_login(province_staff)
    rows = [["乡镇代码", "姓名", "身份证号"], [YUJING_TOWN, "张三", ZHANG], [YUJING_TOWN, "李四", LI]]
    pk = batch_id(push(client, rows))
    # when confirmed
    client.post(f"/targets/uninsured/push/{pk}/confirm/")
    # then exactly the previewed people are on the ledger
    batch = UninsuredPushBatch.objects.get(pk=pk)
    assert [(row["name"], row["id_number"]) for row in batch.checked_rows] == [("张三", ZHANG), ("李四", LI)]
    written = sorted(UninsuredPerson.objects.values_list("name", "id_number", "township_id", "uninsured_list__year"))
    assert written == sorted([("张三", ZHANG, YUJING_TOWN, 2027), ("李四", LI, YUJING_TOWN, 2027)])
    # when confirmed again
    again = client.post(f"/targets/uninsured/push/{pk}/confirm/", follow=True)
    # then refused, nothing more written
    assert "该名单已下发，不能重复下发。" in again.content.decode()
    assert UninsuredList.objects.count() == 1
    assert UninsuredPerson.objects.count() == 2
    assert UninsuredPerson.history.count() == 2


def test_r13_5_a_previewed_list_of_another_scope_does_not_exist(client, province_staff):
    # given a list previewed by a province user of Shanxi
    client.force_login(province_staff)
    pk = batch_id(push(client, [["乡镇代码", "姓名", "身份证号"], [YUJING_TOWN, "张三", ZHANG]]))
    # when a province user of Hebei asks for it
    client.force_login(make_user("hebei", Role.PROVINCE_STAFF, "13"))
    # then it does not exist for them, and nothing is written
    assert client.get(f"/targets/uninsured/push/{pk}/").status_code == 404
    assert client.post(f"/targets/uninsured/push/{pk}/confirm/").status_code == 404
    assert UninsuredList.objects.count() == 0
    assert UninsuredPerson.objects.count() == 0
    assert UninsuredPushBatch.objects.get().status == BatchStatus.PREVIEWED


def test_r13_5_push_form_refuses_a_past_deadline_and_only_the_province_pushes(
    client, province_staff, yujing_official, city_staff
):
    # given
    client.force_login(province_staff)
    # when
    response = push(client, [["乡镇代码", "姓名", "身份证号"], [YUJING_TOWN, "张三", ZHANG]], deadline=in_days(-1))
    # then
    assert response.status_code == 400
    assert "反馈截止日期不能早于今天。" in response.content.decode()
    assert UninsuredPushBatch.objects.count() == 0
    assert UninsuredList.objects.count() == 0
    for user in (yujing_official, city_staff):
        client.force_login(user)
        assert client.get("/targets/uninsured/push/").status_code == 403
        assert push(client, [["乡镇代码", "姓名", "身份证号"], [YUJING_TOWN, "张三", ZHANG]]).status_code == 403
    assert UninsuredList.objects.count() == 0


# --- 签领 -----------------------------------------------------------------------------------------------------------


def test_r13_5_township_official_signs_their_list_once(client, province_staff, yujing_official):
    # given
    uninsured_list = make_list(province_staff)
    client.force_login(yujing_official)
    page = client.get("/targets/uninsured/").content.decode()
    assert "待签领" in page
    assert f'action="/targets/uninsured/lists/{uninsured_list.pk}/sign/"' in page
    # when
    response = client.post(f"/targets/uninsured/lists/{uninsured_list.pk}/sign/", follow=True)
    # then
    uninsured_list.refresh_from_db()
    assert uninsured_list.signed_by == yujing_official
    signed_at = uninsured_list.signed_at
    assert signed_at is not None
    assert "已签领「2026年度未参保人员名单（玉井镇）」，请逐人反馈工作情况。" in response.content.decode()
    assert "已签领" in response.content.decode()
    # when signed again
    again = client.post(f"/targets/uninsured/lists/{uninsured_list.pk}/sign/", follow=True)
    # then refused, and nothing changed
    expected = f"该名单已于{timezone.localtime(signed_at):%Y年%m月%d日 %H:%M}由yujing签领，不能重复签领。"
    assert expected in again.content.decode()
    uninsured_list.refresh_from_db()
    assert (uninsured_list.signed_by, uninsured_list.signed_at) == (yujing_official, signed_at)
    assert uninsured_list.history.count() == 2  # created, signed


def test_r13_5_sign_refused_to_other_townships_city_staff_and_the_administrator(client, province_staff, city_staff):
    # given
    uninsured_list = make_list(province_staff)
    # when an official of another township signs: the list does not exist for them
    client.force_login(make_user("beizhouzhuang", Role.TOWNSHIP_OFFICIAL, BEIZHOUZHUANG_TOWN))
    assert client.post(f"/targets/uninsured/lists/{uninsured_list.pk}/sign/").status_code == 404
    # when city staff sign: not allowed
    client.force_login(city_staff)
    assert client.post(f"/targets/uninsured/lists/{uninsured_list.pk}/sign/").status_code == 403
    # when the administrator (who may edit the ledger) signs: only the township's officials sign
    client.force_login(make_user("admin", Role.SYSTEM_ADMIN, "14"))
    response = client.post(f"/targets/uninsured/lists/{uninsured_list.pk}/sign/", follow=True)
    assert "只有玉井镇的乡镇专干可以签领该名单。" in response.content.decode()
    # then nothing changed
    uninsured_list.refresh_from_db()
    assert (uninsured_list.signed_by, uninsured_list.signed_at) == (None, None)
    assert uninsured_list.history.count() == 1


# --- Recording the outcome of the visits --------------------------------------------------------------------------


def test_r13_5_outcome_rule_without_the_database():
    today = D(2026, 11, 26)
    assert uninsured_outcome_errors(
        reason=UninsuredReason.INSURED_ELSEWHERE,
        insured_elsewhere_place="",
        enrollment_date=None,
        step="feedback",
        today=today,
    ) == {"insured_elsewhere_place": "未参保原因为「已在外地参保」时，须填写异地参保地。"}
    assert uninsured_outcome_errors(
        reason=UninsuredReason.UNWILLING,
        insured_elsewhere_place="北京",
        enrollment_date=None,
        step="feedback",
        today=today,
    ) == {"insured_elsewhere_place": "只有未参保原因为「已在外地参保」时才填写异地参保地。"}
    assert uninsured_outcome_errors(
        reason="", insured_elsewhere_place="", enrollment_date=D(2026, 11, 27), step="door_to_door", today=today
    ) == {
        "enrollment_date": "参保日期（2026年11月27日）不能晚于今天（2026年11月26日）。",
        "step": "已填写参保日期，工作步骤须为「动员参保」或「汇总反馈」。",
    }
    for step in ("mobilisation", "feedback"):
        assert (
            uninsured_outcome_errors(
                reason="", insured_elsewhere_place="", enrollment_date=today, step=step, today=today
            )
            == {}
        )


def test_r13_5_official_records_the_outcome_of_a_visit(client, province_staff, yujing_official):
    # given a signed list
    uninsured_list = make_list(province_staff, signed_by=yujing_official)
    person = make_person(ZHANG, "张三", uninsured_list=uninsured_list)
    client.force_login(yujing_official)
    ledger = f"/targets/uninsured/ledger/?township={YUJING_TOWN}&year=2026"
    # when
    response = client.post(
        f"/targets/uninsured/people/{person.pk}/edit/",
        {
            **outcome_post(
                reason=UninsuredReason.INSURED_ELSEWHERE,
                insured_elsewhere_place=" 北京市朝阳区 ",
                verification_status=VerificationStatus.NOT_UNINSURED,
                contact_result=ContactResult.REACHED,
                outreach_note="电话核实，在北京参加职工医保前的居民医保",
                enrollment_date="2026-03-01",
                step=OutreachStep.FEEDBACK,
            ),
            "next": ledger,
        },
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == ledger
    assert outcome_of(person) == {
        "reason": UninsuredReason.INSURED_ELSEWHERE,
        "insured_elsewhere_place": "北京市朝阳区",
        "verification_status": VerificationStatus.NOT_UNINSURED,
        "contact_result": ContactResult.REACHED,
        "outreach_note": "电话核实，在北京参加职工医保前的居民医保",
        "enrollment_date": D(2026, 3, 1),
        "step": OutreachStep.FEEDBACK,
    }
    assert person.updated_by == yujing_official
    assert person.history.first().history_user == yujing_official


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": UninsuredReason.INSURED_ELSEWHERE}, "未参保原因为「已在外地参保」时，须填写异地参保地。"),
        (
            {"reason": UninsuredReason.MOVED_AWAY, "insured_elsewhere_place": "太原"},
            "只有未参保原因为「已在外地参保」时才填写异地参保地。",
        ),
        (
            {"enrollment_date": "2999-01-01", "step": OutreachStep.MOBILISATION},
            "参保日期（2999年1月1日）不能晚于今天（",
        ),
        ({"enrollment_date": "2026-01-05"}, "已填写参保日期，工作步骤须为「动员参保」或「汇总反馈」。"),
    ],
)
def test_r13_5_contradictory_outcomes_are_refused_and_change_nothing(
    client, province_staff, yujing_official, changes, message
):
    # given
    uninsured_list = make_list(province_staff, signed_by=yujing_official)
    person = make_person(ZHANG, "张三", uninsured_list=uninsured_list, outreach_note="上次走访")
    before = outcome_of(person)
    client.force_login(yujing_official)
    # when
    response = client.post(f"/targets/uninsured/people/{person.pk}/edit/", outcome_post(**changes))
    # then
    assert response.status_code == 400
    assert message in response.content.decode()
    assert outcome_of(person) == before
    assert person.history.count() == 1


def test_r13_5_outcome_refused_while_the_list_is_not_signed(client, province_staff, yujing_official):
    # given
    uninsured_list = make_list(province_staff)
    person = make_person(ZHANG, "张三", uninsured_list=uninsured_list)
    before = outcome_of(person)
    client.force_login(yujing_official)
    # when
    response = client.post(
        f"/targets/uninsured/people/{person.pk}/edit/", outcome_post(reason=UninsuredReason.UNWILLING)
    )
    # then
    assert response.status_code == 400
    assert "该人员所在的名单「2026年度未参保人员名单（玉井镇）」尚未签领，请先签领名单。" in response.content.decode()
    assert outcome_of(person) == before


# --- People found by the township ---------------------------------------------------------------------------------


def test_r13_5_official_adds_a_person_found_in_the_township_and_a_duplicate_is_refused(client, yujing_official):
    # given
    client.force_login(yujing_official)
    form = client.get(f"/targets/uninsured/people/new/?township={YUJING_TOWN}&year=2026")
    villages = list(form.context["form"].fields["village"].queryset.values_list("code", flat=True))
    assert len(villages) == 18
    assert all(code.startswith(YUJING_TOWN) for code in villages)
    data = {
        "name": "张三",
        "id_number": ZHANG.lower(),
        "phone": "13800000001",
        "village": SHUITOU_VILLAGE,
        "year": 2026,
        "step": OutreachStep.DOOR_TO_DOOR,
    }
    # when
    response = client.post(f"/targets/uninsured/people/new/?township={YUJING_TOWN}&year=2026", data)
    # then
    assert response.status_code == 302
    assert response["Location"] == f"/targets/uninsured/ledger/?township={YUJING_TOWN}&year=2026"
    person = UninsuredPerson.objects.get()
    assert (
        person.uninsured_list,
        person.township_id,
        person.village_id,
        person.year,
        person.name,
        person.id_number,
        person.phone,
        person.step,
        person.updated_by,
    ) == (
        None,
        YUJING_TOWN,
        SHUITOU_VILLAGE,
        2026,
        "张三",
        ZHANG,
        "13800000001",
        OutreachStep.DOOR_TO_DOOR,
        yujing_official,
    )
    # when added again
    again = client.post(f"/targets/uninsured/people/new/?township={YUJING_TOWN}&year=2026", {**data, "name": "张叁"})
    # then refused, nothing changed
    assert again.status_code == 400
    assert f"张三（{ZHANG}）已在玉井镇2026年度未参保台账中，不能重复添加。" in again.content.decode()
    assert list(UninsuredPerson.objects.values_list("name", flat=True)) == ["张三"]
    # when the ID number is wrong
    wrong = client.post(
        f"/targets/uninsured/people/new/?township={YUJING_TOWN}&year=2026", {**data, "id_number": BAD_CHECK}
    )
    # then
    assert "身份证号校验位不正确，请核对后重新输入。" in wrong.content.decode()
    # when the village belongs to another township
    elsewhere = client.post(
        f"/targets/uninsured/people/new/?township={YUJING_TOWN}&year=2026",
        {**data, "id_number": LI, "village": BEIZHOUZHUANG_VILLAGE},
    )
    # then
    assert elsewhere.status_code == 400
    assert UninsuredPerson.objects.count() == 1


# --- Counts and the overdue flag ----------------------------------------------------------------------------------


def five_people_of_yujing(clerk, province_staff, yujing_official, yujing_resident):
    """Five people of 玉井镇 in 2026, one enrolled in the registry, one recorded as enrolled by the official; and
    people of another year and another township."""
    enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    uninsured_list = make_list(province_staff, signed_by=yujing_official)
    make_person(yujing_resident.id_number, "王玉井", uninsured_list=uninsured_list, village=YUJING_VILLAGE)
    make_person(
        ZHANG,
        "张三",
        uninsured_list=uninsured_list,
        village=YUJING_VILLAGE,
        step=OutreachStep.DOOR_TO_DOOR,
        reason=UninsuredReason.UNWILLING,
    )
    make_person(
        LI,
        "李四",
        uninsured_list=uninsured_list,
        village=SHUITOU_VILLAGE,
        step=OutreachStep.MOBILISATION,
        enrollment_date=D(2026, 2, 1),
    )
    make_person(WANG, "王五", village=SHUITOU_VILLAGE, step=OutreachStep.DOOR_TO_DOOR, reason=UninsuredReason.UNWILLING)
    make_person(ZHAO, "赵六", village=None)
    # and people of another year and another township, not counted
    make_person(ZHAO, "赵六", year=2027)
    make_person(ZHANG, "张三", township=BEIZHOUZHUANG_TOWN, village=BEIZHOUZHUANG_VILLAGE)


def test_r13_5_counts_per_village_and_step_per_reason_and_enrolled_are_exact(
    client, clerk, province_staff, yujing_official, yujing_resident, django_assert_num_queries
):
    # given five people of 玉井镇 in 2026, one enrolled in the registry, one recorded as enrolled by the official
    five_people_of_yujing(clerk, province_staff, yujing_official, yujing_resident)
    township = Division.objects.get(code=YUJING_TOWN)
    # when
    with django_assert_num_queries(3):
        counts = uninsured_ledger_counts(township=township, year=2026)
    # then
    assert [(row.village_code, row.village_name, row.counts, row.total) for row in counts.villages] == [
        (YUJING_VILLAGE, "玉井村委会", (0, 0, 1, 1, 0, 0), 2),
        (SHUITOU_VILLAGE, "水头村委会", (0, 0, 0, 1, 1, 0), 2),
        ("", "未分村（社区）", (0, 0, 1, 0, 0, 0), 1),
    ]
    assert counts.step_totals == (0, 0, 2, 2, 1, 0)
    assert counts.total == 5
    assert [(reason.label, reason.people) for reason in counts.reasons if reason.people] == [
        ("本人不愿参保", 2),
        ("未填写原因", 3),
    ]
    assert (counts.enrolled, counts.pending) == (2, 1)
    # and the ledger page shows them
    client.force_login(yujing_official)
    page = client.get(f"/targets/uninsured/ledger/?township={YUJING_TOWN}&year=2026").content.decode()
    assert f'data-village="{SHUITOU_VILLAGE}" data-step="mobilisation">1</td>' in page
    assert '<td class="text-end" data-step="door_to_door">2</td>' in page
    assert '<td class="text-end" id="enrolled-count">2</td>' in page
    assert "（系统缴费记录）" in page


def test_r13_5_a_list_is_overdue_after_its_deadline_while_people_have_no_outcome(
    client, clerk, province_staff, yujing_official, yujing_resident
):
    # given three lists with the deadline 2026-11-25
    deadline = D(2026, 11, 25)
    pending = make_list(province_staff, deadline=deadline)
    make_person(ZHANG, "张三", uninsured_list=pending)
    make_person(LI, "李四", uninsured_list=pending, reason=UninsuredReason.DECEASED)
    answered = make_list(province_staff, deadline=deadline, year=2027)
    make_person(ZHANG, "张三", uninsured_list=answered, year=2027, reason=UninsuredReason.MOVED_AWAY)
    make_person(
        LI, "李四", uninsured_list=answered, year=2027, enrollment_date=D(2026, 11, 1), step=OutreachStep.MOBILISATION
    )
    enrolled_in_registry = make_list(province_staff, deadline=deadline, township=BEIZHOUZHUANG_TOWN)
    make_person(
        yujing_resident.id_number,
        "王玉井",
        uninsured_list=enrolled_in_registry,
        township=BEIZHOUZHUANG_TOWN,
        village=None,
    )
    enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    lists = [pending, answered, enrolled_in_registry]
    # when on the deadline, and the day after
    on_deadline = uninsured_list_progress(lists=lists, today=deadline)
    day_after = uninsured_list_progress(lists=lists, today=deadline + datetime.timedelta(days=1))
    # then
    assert [(item.people, item.with_outcome, item.enrolled, item.pending, item.overdue) for item in on_deadline] == [
        (2, 1, 0, 1, False),
        (2, 2, 1, 0, False),
        (1, 1, 1, 0, False),
    ]
    assert [item.overdue for item in day_after] == [True, False, False]
    # and the page flags an overdue list in red
    make_person(WANG, "王五", uninsured_list=make_list(province_staff, deadline=in_days(-1), year=2025), year=2025)
    client.force_login(yujing_official)
    page = client.get("/targets/uninsured/").content.decode()
    assert page.count('<span class="badge text-bg-danger">已逾期</span>') >= 1


# --- Excel: export in the township's format, and import back ------------------------------------------------------


def list_header_row(sheet) -> int:
    """The row of the list's column headers, below the summaries the exported ledger carries."""
    return next(
        row[0].row for row in sheet.iter_rows() if [cell.value for cell in row[1:3]] == ["姓名", "公民身份号码"]
    )


def ledger_with_three_people(province_staff, yujing_official, clerk, yujing_resident):
    enrollment_create(
        actor=clerk, resident=yujing_resident, details=PaymentDetails(insurance_year=2026, payment_date=D(2025, 11, 20))
    )
    uninsured_list = make_list(province_staff, signed_by=yujing_official)
    return [
        make_person(ZHANG, "张三", uninsured_list=uninsured_list, phone="13800000001"),
        make_person(
            LI,
            "李四",
            uninsured_list=uninsured_list,
            village=SHUITOU_VILLAGE,
            reason=UninsuredReason.INSURED_ELSEWHERE,
            insured_elsewhere_place="北京市",
            contact_result=ContactResult.REACHED,
            step=OutreachStep.FEEDBACK,
        ),
        make_person(yujing_resident.id_number, "王玉井", uninsured_list=uninsured_list),
    ]


def test_r13_5_export_is_the_township_ledger_in_its_printed_layout(
    client, clerk, province_staff, yujing_official, yujing_resident
):
    # given
    ledger_with_three_people(province_staff, yujing_official, clerk, yujing_resident)
    client.force_login(yujing_official)
    # when
    response = client.get(f"/targets/uninsured/ledger.xlsx?township={YUJING_TOWN}&year=2026")
    # then
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "玉井镇2026年度未参保人员台账"
    assert sheet["A2"].value == "填报单位：山阴县玉井镇"
    # the header a township's ledger is read back with (tests.bad_files spells it out)
    header = list_header_row(sheet)
    assert [cell.value for cell in sheet[header]] == list(uninsured_ledger_layout().header)
    rows = [[cell.value for cell in sheet[number]] for number in range(header + 1, header + 4)]
    assert rows[0] == [
        1,
        "张三",
        ZHANG,
        "13800000001",
        "玉井村委会",
        None,
        "待核实",
        "未联系",
        None,
        None,
        "数据下发",
        None,
        None,
    ]
    assert rows[1][:3] == [2, "王玉井", yujing_resident.id_number]
    assert rows[1][9].date() == D(2025, 11, 20)
    assert rows[2] == [
        3,
        "李四",
        LI,
        None,
        "水头村委会",
        "已在外地参保",
        "待核实",
        "已联系上",
        None,
        None,
        "汇总反馈",
        "北京市",
        None,
    ]
    assert sheet[f"C{header + 1}"].data_type == "s"
    assert sheet[f"C{header + 1}"].number_format == "@"
    assert sheet[f"A{header + 4}"].value == "合计"
    assert sheet[f"B{header + 4}"].value == "3 人"


def test_r13_5_export_carries_the_page_s_summaries_above_the_list(
    client, clerk, province_staff, yujing_official, yujing_resident
):
    # given the five people whose counts the ledger page shows
    five_people_of_yujing(clerk, province_staff, yujing_official, yujing_resident)
    client.force_login(yujing_official)
    # when
    response = client.get(f"/targets/uninsured/ledger.xlsx?township={YUJING_TOWN}&year=2026")
    # then the six steps per village, the reasons and the enrolled, as on the page, then the list
    sheet = load_workbook(io.BytesIO(response.content)).active

    def line(number):
        return [cell.value for cell in sheet[number][1:9]]

    assert sheet["B3"].value == "六步工作法进度（本乡镇2026年度全部人员）"
    assert line(4) == ["村（社区）", "部门联动", "信息比对", "数据下发", "精准摸排", "动员参保", "汇总反馈", "合计"]
    assert [line(number) for number in (5, 6, 7, 8)] == [
        ["玉井村委会", 0, 0, 1, 1, 0, 0, 2],
        ["水头村委会", 0, 0, 0, 1, 1, 0, 2],
        ["未分村（社区）", 0, 0, 1, 0, 0, 0, 1],
        ["合计", 0, 0, 2, 2, 1, 0, 5],
    ]
    assert sheet["B10"].value == "未参保原因"
    assert line(11)[:2] == ["未参保原因", "人数"]
    reasons = [(label, {"本人不愿参保": 2}.get(label, 0)) for label in UninsuredReason.labels]
    assert [tuple(line(number)[:2]) for number in range(12, 12 + len(reasons) + 1)] == [*reasons, ("未填写原因", 3)]
    enrolled_title = 12 + len(reasons) + 2
    assert sheet[f"B{enrolled_title}"].value == "参保情况"
    assert [line(number)[:2] for number in (enrolled_title + 2, enrolled_title + 3)] == [
        ["已参保", 2],
        ["待反馈（未查明原因且未参保）", 1],
    ]
    header = list_header_row(sheet)
    assert header == enrolled_title + 5
    assert sheet.print_title_rows == f"${header}:${header}"
    assert sorted(sheet.cell(row=row, column=2).value for row in range(header + 1, header + 6)) == sorted(
        ["王玉井", "张三", "李四", "王五", "赵六"]
    )
    assert (sheet[f"A{header + 6}"].value, sheet[f"B{header + 6}"].value) == ("合计", "5 人")
    # and the page shows the same figures
    page = client.get(f"/targets/uninsured/ledger/?township={YUJING_TOWN}&year=2026").content.decode()
    assert '<td class="text-end" data-step="door_to_door">2</td>' in page
    assert '<td class="text-end" data-reason="unwilling">2</td>' in page
    assert '<td class="text-end" id="pending-count">1</td>' in page


def test_r13_5_city_staff_export_masks_id_numbers(
    client, clerk, province_staff, yujing_official, yujing_resident, city_staff
):
    ledger_with_three_people(province_staff, yujing_official, clerk, yujing_resident)
    client.force_login(city_staff)
    sheet = load_workbook(
        io.BytesIO(client.get(f"/targets/uninsured/ledger.xlsx?township={YUJING_TOWN}&year=2026").content)
    ).active
    assert sheet[f"C{list_header_row(sheet) + 1}"].value == f"{ZHANG[:6]}********{ZHANG[14:]}"


def import_file(client, workbook, township=YUJING_TOWN, year=2026):
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "玉井镇台账.xlsx"
    return client.post(f"/targets/uninsured/ledger/import/?township={township}&year={year}", {"file": buffer})


def test_r13_5_the_exported_ledger_imported_back_updates_the_outcomes_it_changes(
    client, clerk, province_staff, yujing_official, yujing_resident
):
    # given the exported ledger, with 张三's outcome filled in
    zhang, li, wang = ledger_with_three_people(province_staff, yujing_official, clerk, yujing_resident)
    before_li, before_wang = outcome_of(li), outcome_of(wang)
    client.force_login(yujing_official)
    workbook = load_workbook(
        io.BytesIO(client.get(f"/targets/uninsured/ledger.xlsx?township={YUJING_TOWN}&year=2026").content)
    )
    sheet = workbook.active
    zhang_row = list_header_row(sheet) + 1
    sheet[f"F{zhang_row}"] = "本人不愿参保"
    sheet[f"G{zhang_row}"] = "核实未参保"
    sheet[f"H{zhang_row}"] = "已联系上"
    sheet[f"I{zhang_row}"] = "多次上门，本人暂不愿参保"
    sheet[f"K{zhang_row}"] = "精准摸排"
    # when
    response = import_file(client, workbook)
    preview = client.get(response["Location"])
    # then the preview shows one change, the registry's date on 王玉井 is not one
    page = preview.content.decode()
    assert '<dd class="col-sm-2" id="rows-changed">1</dd>' in page
    assert '<dd class="col-sm-2" id="rows-unchanged">2</dd>' in page
    assert (
        "未参保原因：本人不愿参保；核实状态：核实未参保；联系结果：已联系上；动员情况：多次上门，本人暂不愿参保；工作步骤：精准摸排"
        in page
    )
    assert outcome_of(zhang)["reason"] == ""
    # when confirmed
    confirmed = client.post(f"/targets/uninsured/ledger/import/{batch_id(response)}/confirm/", follow=True)
    # then
    assert "已导入：更新1人，2人无变化。" in confirmed.content.decode()
    assert outcome_of(zhang) == {
        "reason": UninsuredReason.UNWILLING,
        "insured_elsewhere_place": "",
        "verification_status": VerificationStatus.CONFIRMED_UNINSURED,
        "contact_result": ContactResult.REACHED,
        "outreach_note": "多次上门，本人暂不愿参保",
        "enrollment_date": None,
        "step": OutreachStep.DOOR_TO_DOOR,
    }
    assert zhang.updated_by == yujing_official
    assert (outcome_of(li), outcome_of(wang)) == (before_li, before_wang)


def test_r13_5_import_reports_unknown_people_and_bad_cells_row_by_row_and_writes_nothing(
    client, clerk, province_staff, yujing_official, yujing_resident
):
    # given
    people = ledger_with_three_people(province_staff, yujing_official, clerk, yujing_resident)
    before = [outcome_of(person) for person in people]
    client.force_login(yujing_official)
    workbook = load_workbook(
        io.BytesIO(client.get(f"/targets/uninsured/ledger.xlsx?township={YUJING_TOWN}&year=2026").content)
    )
    sheet = workbook.active
    first = list_header_row(sheet) + 1
    sheet[f"F{first}"] = "不想交"  # 张三: not a reason
    sheet[f"F{first + 1}"] = "已在外地参保"  # 王玉井: without the place
    sheet[f"B{first + 2}"] = "李斯"  # 李四: name does not match
    sheet.insert_rows(first + 3)
    for column, value in zip("BCGHK", ["王五", WANG, "待核实", "已联系上", "动员参保"], strict=True):
        sheet[f"{column}{first + 3}"] = value
    sheet[f"J{first + 3}"] = "2026-11-01"
    # when
    response = import_file(client, workbook)
    preview = client.get(response["Location"])
    # then
    errors = [(error["row"], error["errors"]) for error in preview.context["batch"].row_errors]
    assert errors == [
        (
            first,
            [
                "未参保原因：「不想交」不是可选的原因，可填：已在外地参保、已参加职工医保、已死亡、已迁出、服兵役、服刑或出国（境）、本人不愿参保、联系不上、经济困难、其他。"
            ],
        ),
        (first + 1, ["异地参保地：未参保原因为「已在外地参保」时，须填写异地参保地。"]),
        (first + 2, ["姓名：「李斯」与台账不符（台账为李四）。"]),
        (first + 3, ["公民身份号码：玉井镇2026年度台账中没有该人员，请先在台账中新增。"]),
    ]
    assert "确认导入" not in preview.content.decode()
    # when confirmed anyway
    confirmed = client.post(f"/targets/uninsured/ledger/import/{batch_id(response)}/confirm/", follow=True)
    # then nothing is written
    assert "文件中有4行错误，台账未作任何修改。请按错误行修改后重新上传。" in confirmed.content.decode()
    assert [outcome_of(person) for person in people] == before


def zhang_door_to_door(client, yujing_official):
    """The exported ledger with 张三 moved on to 精准摸排, uploaded and previewed: the batch's id."""
    client.force_login(yujing_official)
    workbook = load_workbook(
        io.BytesIO(client.get(f"/targets/uninsured/ledger.xlsx?township={YUJING_TOWN}&year=2026").content)
    )
    workbook.active[f"K{list_header_row(workbook.active) + 1}"] = "精准摸排"
    return batch_id(import_file(client, workbook))


def test_r13_5_an_imported_ledger_is_written_once_and_a_second_confirm_changes_nothing(
    client, clerk, province_staff, yujing_official, yujing_resident
):
    # given a previewed file changing 张三's step only
    zhang, li, wang = ledger_with_three_people(province_staff, yujing_official, clerk, yujing_resident)
    pk = zhang_door_to_door(client, yujing_official)
    batch = UninsuredLedgerImportBatch.objects.get(pk=pk)
    assert [(row["name"], row["changes"]) for row in batch.checked_rows] == [("张三", [["step", "door_to_door"]])]
    # when confirmed
    client.post(f"/targets/uninsured/ledger/import/{pk}/confirm/")
    # then exactly that change is written
    assert outcome_of(zhang)["step"] == OutreachStep.DOOR_TO_DOOR
    assert zhang.history.count() == 2
    before = [outcome_of(person) for person in (zhang, li, wang)]
    # when confirmed again
    again = client.post(f"/targets/uninsured/ledger/import/{pk}/confirm/", follow=True)
    # then refused, nothing more written
    assert "该文件已导入，不能重复导入。" in again.content.decode()
    assert [outcome_of(person) for person in (zhang, li, wang)] == before
    assert zhang.history.count() == 2


def test_r13_5_an_imported_ledger_whose_row_became_wrong_since_the_preview_writes_nothing(
    client, clerk, province_staff, yujing_official, yujing_resident
):
    # given a previewed file moving 张三 back to 精准摸排
    zhang, li, wang = ledger_with_three_people(province_staff, yujing_official, clerk, yujing_resident)
    pk = zhang_door_to_door(client, yujing_official)
    # and meanwhile 张三 has enrolled, recorded on the ledger
    UninsuredPerson.objects.filter(pk=zhang.pk).update(enrollment_date=D(2026, 11, 1), step=OutreachStep.MOBILISATION)
    before = [outcome_of(person) for person in (zhang, li, wang)]
    exported = client.get(f"/targets/uninsured/ledger.xlsx?township={YUJING_TOWN}&year=2026").content
    zhang_row = list_header_row(load_workbook(io.BytesIO(exported)).active) + 1
    # when confirmed
    confirmed = client.post(f"/targets/uninsured/ledger/import/{pk}/confirm/", follow=True)
    # then refused: the outcome would contradict itself; nothing is written
    assert (
        f"第{zhang_row}行（张三）工作步骤：已填写参保日期，工作步骤须为「动员参保」或「汇总反馈」。"
        "台账未作任何修改，请重新上传并预览。"
    ) in confirmed.content.decode()
    assert [outcome_of(person) for person in (zhang, li, wang)] == before
    assert UninsuredLedgerImportBatch.objects.get(pk=pk).status == BatchStatus.PREVIEWED


def test_r13_5_an_imported_ledger_of_another_township_does_not_exist(
    client, clerk, province_staff, yujing_official, yujing_resident
):
    # given a file previewed by 玉井镇
    people = ledger_with_three_people(province_staff, yujing_official, clerk, yujing_resident)
    before = [outcome_of(person) for person in people]
    pk = zhang_door_to_door(client, yujing_official)
    # when 北周庄镇's official asks for it
    client.force_login(make_user("beizhouzhuang", Role.TOWNSHIP_OFFICIAL, BEIZHOUZHUANG_TOWN))
    # then it does not exist for them, and nothing is written
    assert client.get(f"/targets/uninsured/ledger/import/{pk}/").status_code == 404
    assert client.post(f"/targets/uninsured/ledger/import/{pk}/confirm/").status_code == 404
    assert [outcome_of(person) for person in people] == before
    assert UninsuredLedgerImportBatch.objects.get(pk=pk).status == BatchStatus.PREVIEWED


# --- Scope and permissions ----------------------------------------------------------------------------------------


def test_r13_5_a_township_official_sees_only_their_township(client, province_staff, yujing_official):
    # given a list and a person of 北周庄镇
    other_list = make_list(province_staff, township=BEIZHOUZHUANG_TOWN, signed_by=None)
    other = make_person(
        ZHANG, "张三", uninsured_list=other_list, township=BEIZHOUZHUANG_TOWN, village=BEIZHOUZHUANG_VILLAGE
    )
    before = outcome_of(other)
    client.force_login(yujing_official)
    # then
    assert client.get(f"/targets/uninsured/ledger/?township={BEIZHOUZHUANG_TOWN}").status_code == 404
    assert client.get(f"/targets/uninsured/ledger.xlsx?township={BEIZHOUZHUANG_TOWN}").status_code == 404
    assert client.get(f"/targets/uninsured/people/{other.pk}/edit/").status_code == 404
    assert (
        client.post(
            f"/targets/uninsured/people/{other.pk}/edit/", outcome_post(reason=UninsuredReason.UNWILLING)
        ).status_code
        == 404
    )
    assert client.get(f"/targets/uninsured/people/new/?township={BEIZHOUZHUANG_TOWN}").status_code == 404
    assert client.get(f"/targets/uninsured/ledger/import/?township={BEIZHOUZHUANG_TOWN}").status_code == 404
    assert "北周庄镇" not in client.get("/targets/uninsured/").content.decode()
    assert outcome_of(other) == before
    # and their own ledger opens without a township in the address
    own = client.get("/targets/uninsured/ledger/")
    assert own.status_code == 200
    assert own.context["township"].code == YUJING_TOWN


def test_r13_5_city_staff_see_the_ledger_masked_but_cannot_change_it(
    client, province_staff, yujing_official, city_staff
):
    # given
    uninsured_list = make_list(province_staff, signed_by=yujing_official)
    person = make_person(ZHANG, "张三", uninsured_list=uninsured_list)
    before = outcome_of(person)
    client.force_login(city_staff)
    # then
    page = client.get(f"/targets/uninsured/ledger/?township={YUJING_TOWN}&year=2026")
    assert page.status_code == 200
    assert f"{ZHANG[:6]}********{ZHANG[14:]}" in page.content.decode()
    assert ZHANG not in page.content.decode()
    assert "编辑" not in page.content.decode()
    assert client.get(f"/targets/uninsured/people/{person.pk}/edit/").status_code == 403
    assert (
        client.post(
            f"/targets/uninsured/people/{person.pk}/edit/", outcome_post(reason=UninsuredReason.UNWILLING)
        ).status_code
        == 403
    )
    assert client.get(f"/targets/uninsured/people/new/?township={YUJING_TOWN}").status_code == 403
    assert client.get(f"/targets/uninsured/ledger/import/?township={YUJING_TOWN}").status_code == 403
    assert outcome_of(person) == before


def test_r13_5_ledger_filters_by_village_step_and_name_or_whole_id_number(client, province_staff, yujing_official):
    # given
    uninsured_list = make_list(province_staff, signed_by=yujing_official)
    make_person(ZHANG, "张三", uninsured_list=uninsured_list, village=YUJING_VILLAGE)
    make_person(LI, "李四", uninsured_list=uninsured_list, village=SHUITOU_VILLAGE, step=OutreachStep.MOBILISATION)
    make_person(WANG, "王五", uninsured_list=uninsured_list, village=SHUITOU_VILLAGE)
    client.force_login(yujing_official)
    base = f"/targets/uninsured/ledger/?township={YUJING_TOWN}&year=2026"

    def names(query: str) -> list[str]:
        return [person.name for person, _shown in client.get(base + query).context["rows"]]

    # then
    assert names("") == ["张三", "李四", "王五"]
    assert names(f"&village={SHUITOU_VILLAGE}") == ["李四", "王五"]
    assert names("&step=mobilisation") == ["李四"]
    assert names("&q=王") == ["王五"]
    assert names(f"&q={LI}") == ["李四"]
    assert names(f"&q={LI[:10]}") == []
    assert client.get(base + "&step=nonsense").status_code == 400


def test_the_person_page_shows_the_phone_number_masked(client, province_staff, yujing_official):
    # given a person on a signed list, with a phone number
    person = make_person(
        ZHANG, "张三", uninsured_list=make_list(province_staff, signed_by=yujing_official), phone="13800000001"
    )
    client.force_login(yujing_official)
    # when the township official opens the person to record a visit
    page = client.get(f"/targets/uninsured/people/{person.pk}/edit/").content.decode()
    # then the phone number is masked like the ID number, without a reason asked
    assert "13800000001" not in page
    assert " · 电话 138****0001</p>" in page
