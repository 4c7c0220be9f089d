"""政策调整测算 over the API: a draft created with its figures all or nothing, its simulations queued and read per
division, its approval; scoped look-ups answer 404, refusals are Chinese 400s in DRF's shape and write nothing, and ID
numbers are masked unless the user may see them in full (then the answer is recorded)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import PersonalDataView, Role
from accounts.personal_data import id_number_mask
from conftest import SHANYIN, YUJING_TOWN, make_user, token_client
from divisions.models import Division, DivisionLevel
from enrollment.models import PolicyParameterSet
from enrollment.policy import policy_resolve_with
from policy_changes.models import (
    DraftStatus,
    ImpactCountyRun,
    ImpactSimulation,
    PolicyDraft,
    PolicyDraftRegion,
)
from policy_changes.selectors import SimulationProgress
from policy_changes.serializers import simulation_status
from policy_changes.services import (
    policy_draft_changes,
    policy_draft_problems,
    policy_draft_region_update,
    policy_draft_replacements,
)
from policy_changes.tests.conftest import YEAR
from policy_changes.tests.factories import draft_with

pytestmark = pytest.mark.django_db
DOCUMENT = "山医保发〔2026〕30号"
DRAFTS = "/api/v1/policy-drafts/"
SIMULATION_BODY = {"division": SHANYIN, "as_of": "2026-12-01", "payment_date": "2026-12-01", "elasticity": "-0.30"}


def state():
    """Everything a policy-change request may write."""
    return (
        list(PolicyDraft.objects.order_by("pk").values_list("pk", "status", "document_number", "approved_by_id")),
        list(PolicyDraftRegion.objects.order_by("pk").values_list("pk", "region_id", "changes")),
        PolicyDraft.history.count(),
        ImpactSimulation.objects.count(),
        ImpactCountyRun.objects.count(),
        list(PolicyParameterSet.objects.order_by("pk").values_list("pk", "version", "is_current")),
        PersonalDataView.objects.count(),
    )


def refused(client, method, path, body=None, *, status_code=400):
    before = state()
    response = getattr(client, method)(path, body, format="json")
    assert response.status_code == status_code, response.content.decode()
    assert state() == before
    return response.json() if status_code == 400 else None


def simulation_queued(client, draft, django_capture_on_commit_callbacks, body=SIMULATION_BODY):
    """Queue a simulation over the API; the county runs run once the request's transaction commits."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{DRAFTS}{draft.pk}/simulations/", body, format="json")
    assert response.status_code == 202, response.content.decode()
    return response.json()


# --- drafts -----------------------------------------------------------------------------------------------------


def test_a_draft_is_created_with_its_figures_beside_the_current_ones_and_what_stops_its_publication(preparer):
    # given
    body = {
        "region": SHANYIN,
        "insurance_year": YEAR,
        "title": "山阴县2027年度缴费标准调整",
        "changes": {SHANYIN: {"contribution_standard": "420.00", "fixed_waiting_months": "6"}},
    }
    # when
    response = token_client(preparer).post(DRAFTS, body, format="json")
    # then
    assert response.status_code == 201, response.content.decode()
    answer = response.json()
    draft = PolicyDraft.objects.get()
    assert answer.pop("created_at")
    assert {key: answer[key] for key in list(answer)[:12]} == {
        "id": draft.pk,
        "region": SHANYIN,
        "region_name": "山阴县",
        "insurance_year": YEAR,
        "title": "山阴县2027年度缴费标准调整",
        "status": "draft",
        "status_label": "草稿",
        "prepared_by": "preparer",
        "document_number": "",
        "approved_by": None,
        "approved_at": None,
        "approved_simulation": None,
    }
    # the figures as stored: the standard an amount with two decimals, the months a number though sent as text
    assert answer["changes"] == {SHANYIN: {"contribution_standard": "420.00", "fixed_waiting_months": 6}}
    assert PolicyDraftRegion.objects.get(draft=draft).changes == answer["changes"][SHANYIN]
    # Shanyin has no 2027 set of its own yet: the current figures are those it inherits, its own 2026 standard and the
    # province's waiting period
    assert answer["differences"] == [
        {
            "region": SHANYIN,
            "region_name": "山阴县",
            "field": "contribution_standard",
            "label": "个人缴费标准（元）",
            "current": "400.00",
            "draft": "420.00",
        },
        {
            "region": SHANYIN,
            "region_name": "山阴县",
            "field": "fixed_waiting_months",
            "label": "固定等待期（月）",
            "current": 3,
            "draft": 6,
        },
    ]
    # the subsidy table still adds up to 400: each of its ten rows is named
    assert len(answer["problems"]) == 10
    assert answer["problems"][0] == (
        "山阴县：资助档次第1行（特困人员）：个人缴费0.00元与资助400.00元之和不等于缴费标准420.00元。"
    )
    assert answer["problems"][4] == (
        "山阴县：资助档次第5行（低保对象）：个人缴费80.00元与资助320.00元之和不等于缴费标准420.00元。"
    )


def test_the_problems_of_a_province_draft_come_from_one_read_of_the_parameter_sets_for_all_its_counties(db):
    # given a province draft raising the standard: 山阴县's subsidy table then fails to add up
    preparer = make_user("province_preparer", Role.PROVINCE_STAFF, "14")
    county_draft = draft_with(preparer, SHANYIN, title="山阴县草案", contribution_standard="420.00")
    province_draft = draft_with(preparer, "14", title="全省草案", contribution_standard="420.00")
    # when
    with CaptureQueriesContext(connection) as county_queries:
        policy_draft_problems(county_draft)
    with CaptureQueriesContext(connection) as province_queries:
        problems = policy_draft_problems(province_draft)
    # then the province's 121 counties cost the queries of one
    counties = Division.objects.filter(level=DivisionLevel.COUNTY, code__startswith="14").order_by("code")
    assert len(province_queries) == len(county_queries)
    # and each county's problems are those it has alone
    replacements = policy_draft_replacements(
        changes_by_region=policy_draft_changes(province_draft), insurance_year=YEAR
    )
    one_by_one = []
    for county in counties:
        figures = policy_resolve_with(region_code=county.code, insurance_year=YEAR, replacements=replacements)
        one_by_one += [
            f"{county.name}：资助档次第{number}行（{tier.name}）：个人缴费{tier.individual_payment}元"
            f"与资助{tier.subsidy_amount}元之和不等于缴费标准{figures.contribution_standard}元。"
            for number, tier in enumerate(figures.hardship_tiers, start=1)
            if tier.individual_payment + tier.subsidy_amount != figures.contribution_standard
        ]
    assert problems == one_by_one
    assert counties.count() == 121 and len(problems) == 10


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({SHANYIN: {"contribution_standard": "四百"}}, {"contribution_standard": ["“四百”的值应该是一个十进制数字。"]}),
        ({SHANYIN: {"fixed_waiting_months": -1}}, {"fixed_waiting_months": ["确保该值大于或等于0。"]}),
        ({SHANYIN: {"colour": "red"}}, {"figures": ["不能调整的参数：colour。"]}),
        # a region outside the draft's: refused after Shanyin's figures were written, which go with it
        (
            {SHANYIN: {"fixed_waiting_months": 6}, "140622": {"fixed_waiting_months": 6}},
            {"region": ["140622 不在草案的地区山阴县之内。"]},
        ),
    ],
    ids=["not an amount", "negative months", "no such figure", "another county"],
)
def test_a_refused_figure_leaves_no_draft_behind(preparer, changes, errors):
    body = {"region": SHANYIN, "insurance_year": YEAR, "title": "测试草案", "changes": changes}
    assert refused(token_client(preparer), "post", DRAFTS, body) == errors
    assert not PolicyDraft.objects.exists()


def test_a_draft_of_a_region_outside_the_users_scope_or_without_the_role_is_refused(preparer):
    taiyuan = make_user("taiyuan", Role.CITY_STAFF, "1401")
    body = {"region": SHANYIN, "insurance_year": YEAR, "title": "测试草案", "changes": {}}
    assert refused(token_client(taiyuan), "post", DRAFTS, body) == {"region": ["您无权为该地区拟定政策参数。"]}
    assert refused(token_client(preparer), "post", DRAFTS, {**body, "region": "1406219"}) == {
        "region": ["1406219 不是省、市或县级区划代码。"]
    }
    clerk = make_user("shanyin_clerk", Role.WINDOW_CLERK, SHANYIN)
    refused(token_client(clerk), "post", DRAFTS, body, status_code=403)
    assert not PolicyDraft.objects.exists()


def test_drafts_are_listed_and_read_in_the_scope_of_their_region(preparer):
    # given Shanyin's draft and Yingxian's, and a user of each county and one of another city
    shanyin = draft_with(preparer, fixed_waiting_months=6)
    yingxian = draft_with(preparer, region_code="140622")
    city = token_client(preparer)
    shanyin_user = token_client(make_user("shanyin_approver", Role.POLICY_APPROVER, SHANYIN))
    taiyuan = token_client(make_user("taiyuan", Role.CITY_STAFF, "1401"))
    # when / then: the city sees both, newest first, paginated as every list
    answer = city.get(DRAFTS).json()
    assert (answer["count"], answer["next"], answer["previous"]) == (2, None, None)
    assert [(row["id"], row["region"], row["region_name"], row["status"]) for row in answer["results"]] == [
        (yingxian.pk, "140622", "应县", "draft"),
        (shanyin.pk, SHANYIN, "山阴县", "draft"),
    ]
    # a county sees its own only, another city none
    assert [row["id"] for row in shanyin_user.get(DRAFTS).json()["results"]] == [shanyin.pk]
    assert taiyuan.get(DRAFTS).json()["count"] == 0
    # one draft: in scope with its changes; out of scope, not found
    detail = shanyin_user.get(f"{DRAFTS}{shanyin.pk}/")
    assert (detail.status_code, detail.json()["changes"], detail.json()["problems"]) == (
        200,
        {SHANYIN: {"fixed_waiting_months": 6}},
        [],
    )
    assert shanyin_user.get(f"{DRAFTS}{yingxian.pk}/").status_code == 404
    assert taiyuan.get(f"{DRAFTS}{shanyin.pk}/").status_code == 404
    # a user without the permission to see drafts
    clerk = make_user("shanyin_clerk", Role.WINDOW_CLERK, SHANYIN)
    assert token_client(clerk).get(DRAFTS).status_code == 403


# --- simulations ------------------------------------------------------------------------------------------------


def test_a_simulation_is_queued_then_answers_what_the_draft_changes_in_the_division(
    preparer, population, django_capture_on_commit_callbacks
):
    # given Shanyin's standard raised from 400 to 420 and the fixed waiting period from 3 to 6 months
    draft = draft_with(preparer, contribution_standard=Decimal("420.00"), fixed_waiting_months=6)
    client = token_client(preparer)
    # when
    queued = simulation_queued(client, draft, django_capture_on_commit_callbacks)
    # then it was queued: one county to run, nobody quoted yet
    simulation = ImpactSimulation.objects.get()
    assert queued == {
        "id": simulation.pk,
        "status": "queued",
        "status_label": "排队中",
        "progress": {
            "people_done": 0,
            "people_total": 0,
            "counties_done": 0,
            "counties_total": 1,
            "failed": [],
            "percent": 0,
        },
    }
    # and once its county ran, it answers the whole county
    answer = client.get(f"/api/v1/policy-simulations/{simulation.pk}/").json()
    assert (answer["status"], answer["status_label"]) == ("succeeded", "已完成")
    assert answer["progress"] == {
        "people_done": 6,
        "people_total": 6,
        "counties_done": 1,
        "counties_total": 1,
        "failed": [],
        "percent": 100,
    }
    assert {key: answer[key] for key in ("draft", "division", "division_name", "as_of", "payment_date")} == {
        "draft": draft.pk,
        "division": SHANYIN,
        "division_name": "山阴县",
        "as_of": "2026-12-01",
        "payment_date": "2026-12-01",
    }
    assert (answer["elasticity"], answer["requested_by"]) == ("-0.30", "preparer")
    assert [(row["field"], row["current"], row["draft"]) for row in answer["differences"]] == [
        ("contribution_standard", "400.00", "420.00"),
        ("fixed_waiting_months", 3, 6),
    ]
    # 张, 李, 王 and 赵 pay the full standard; 刘低保 pays 80 either way, the assistance fund 320 then 340; 陈脱贫
    # pays the table's 400 either way and is subsidised 20; income counts the four enrolled in 2026; 王 and 赵, who
    # broke their enrollment, wait three months longer
    county = {
        "division": SHANYIN,
        "name": "山阴县",
        "people": 6,
        "enrolled_now": 4,
        "due_before": "2080.00",
        "due_after": "2160.00",
        "due_change": "80.00",
        "subsidy_before": "320.00",
        "subsidy_after": "360.00",
        "subsidy_change": "40.00",
        "income_before": "1600.00",
        "income_after": "1680.00",
        "income_change": "80.00",
        "people_changed": 6,
        "due_changed": 4,
        "subsidy_changed": 2,
        "waiting_changed": 2,
        "benefit_start_changed": 2,
        "cap_changed": 0,
        "category_changed": 1,
        "refused_before": 0,
        "refused_after": 0,
        # 4 × (1 − 0.30 × 80 / 2080) = 3.95 → 4
        "expected_enrolled": 4,
        "due_change_rate": "0.0385",
        "elasticity": "-0.30",
        "effect": "按参保弹性-0.30估算：个人缴费合计变动+3.85%，参保人数由4人变为约4人（估算值，非政策规定）",
    }
    assert answer["totals"] == county
    assert answer["children"] == [{**county, "division": YUJING_TOWN, "name": "玉井镇"}]
    assert answer["distributions"] == {
        "due": {"+0.00": 2, "+20.00": 4},
        "waiting": {"+0": 4, "+3": 2},
        "cap": {"+0.00": 6},
    }
    # no targets nor newborns in Shanyin: each level's R11 figures are zero either way
    assert answer["fiscal"]["notes"] == []
    assert [
        (row["level"], row["level_label"], row["prepaid_change"], row["cost_change"])
        for row in answer["fiscal"]["levels"]
    ] == [
        ("province", "省级", "0.00", "0.00"),
        ("city", "市级", "0.00", "0.00"),
        ("county", "县级", "0.00", "0.00"),
    ]
    # the most affected first: a longer wait before a higher payment
    people = answer["people"]
    assert [(row["rank"], row["name"], row["due_before"], row["due_after"]) for row in people] == [
        (1, "赵未参", "400.00", "420.00"),
        (2, "王断保", "400.00", "420.00"),
        (3, "张连续", "400.00", "420.00"),
        (4, "李连续", "400.00", "420.00"),
        (5, "刘低保", "80.00", "80.00"),
        (6, "陈脱贫", "400.00", "400.00"),
    ]
    zhao = people[0]
    assert {
        key: zhao[key] for key in ("waiting_before", "waiting_after", "benefit_start_before", "benefit_start_after")
    } == {
        "waiting_before": 4,
        "waiting_after": 7,
        "benefit_start_before": "2027-05-01",
        "benefit_start_after": "2027-08-01",
    }
    assert (zhao["cap_before"], zhao["cap_after"]) == ("394000.00", "394000.00")
    assert zhao["explanation_before"][2] == {
        "rule": "R4.4",
        "text": "断保2年：固定等待期3个月，变动等待期1个月",
        "source": "晋医保发〔2025〕3号 一（二）",
    }
    assert zhao["explanation_after"][2]["text"] == "断保2年：固定等待期6个月，变动等待期1个月"
    chen = people[5]
    assert (chen["subsidy_before"], chen["subsidy_after"], chen["category_before"], chen["category_after"]) == (
        "0.00",
        "20.00",
        "",
        "stable_poverty_alleviated",
    )


def test_a_simulation_runs_once_a_county_counted_its_people_and_has_failed_once_a_county_failed():
    # people done, people to do, counties done, counties, failed counties
    assert simulation_status(SimulationProgress(0, 0, 0, 2, [])) == "queued"
    assert simulation_status(SimulationProgress(0, 6, 0, 2, [])) == "running"
    assert simulation_status(SimulationProgress(6, 6, 1, 2, [])) == "running"
    assert simulation_status(SimulationProgress(6, 6, 1, 2, ["应县：没有可用的政策参数"])) == "failed"
    assert simulation_status(SimulationProgress(9, 9, 2, 2, [])) == "succeeded"


def test_the_most_affected_people_are_masked_unless_the_user_may_see_id_numbers_in_full(preparer, population, simulate):
    # given
    simulation = simulate(preparer, draft_with(preparer, fixed_waiting_months=6))
    path = f"/api/v1/policy-simulations/{simulation.pk}/"
    moved = [population["赵未参"], population["王断保"]]
    # when the city's preparer reads it: masked, nothing recorded
    people = token_client(preparer).get(path).json()["people"]
    assert [(row["name"], row["id_number"]) for row in people] == [
        (person.name, id_number_mask(person.id_number)) for person in moved
    ]
    assert not PersonalDataView.objects.exists()
    # when an administrator reads it: in full, each number recorded
    administrator = make_user("administrator", Role.SYSTEM_ADMIN, "14")
    people = token_client(administrator).get(path).json()["people"]
    assert [row["id_number"] for row in people] == [person.id_number for person in moved]
    assert list(
        PersonalDataView.objects.order_by("id").values_list("user__username", "reason", "path", "resident", "id_number")
    ) == [("administrator", "api_call", path, person.pk, person.id_number) for person in moved]


def test_a_division_below_the_simulation_narrows_its_findings(preparer, population, simulate):
    simulation = simulate(preparer, draft_with(preparer, fixed_waiting_months=6))
    path = f"/api/v1/policy-simulations/{simulation.pk}/"
    client = token_client(preparer)
    # the town: its totals and its villages'
    answer = client.get(path, {"division": YUJING_TOWN}).json()
    assert (answer["totals"]["division"], answer["totals"]["name"], answer["totals"]["people"]) == (
        YUJING_TOWN,
        "玉井镇",
        6,
    )
    village = population["张连续"].household_division
    assert [(row["division"], row["name"], row["people"]) for row in answer["children"]] == [
        (village.code, village.name, 6)
    ]
    assert len(answer["people"]) == 2
    # a division outside the simulation's, or none at all, is not found
    for division in ("140622", "不是区划"):
        assert client.get(path, {"division": division}).status_code == 404


def test_a_refused_simulation_writes_nothing(preparer, population):
    draft = draft_with(preparer, fixed_waiting_months=6)
    path = f"{DRAFTS}{draft.pk}/simulations/"
    client = token_client(preparer)
    assert refused(client, "post", path, {**SIMULATION_BODY, "division": "140622"}) == {
        "division": ["140622 不是草案地区山阴县内的省、市或县。"]
    }
    assert refused(client, "post", path, {**SIMULATION_BODY, "elasticity": "-11.00"}) == {
        "elasticity": ["参保弹性应在-10至10之间。"]
    }
    assert refused(client, "post", path, {**SIMULATION_BODY, "as_of": "明天"}) == {
        "as_of": ["日期格式错误。请从这些格式中选择：YYYY-MM-DD。"]
    }
    # finance sees drafts but does not simulate them
    finance = make_user("finance", Role.FINANCE, "1406")
    refused(token_client(finance), "post", path, SIMULATION_BODY, status_code=403)


def test_another_countys_user_finds_neither_the_draft_nor_its_simulation(preparer, population, simulate):
    draft = draft_with(preparer, fixed_waiting_months=6)
    simulation = simulate(preparer, draft)
    neighbour = token_client(make_user("neighbour", Role.POLICY_APPROVER, "140622"))
    assert neighbour.get(f"/api/v1/policy-simulations/{simulation.pk}/").status_code == 404
    assert neighbour.get(f"{DRAFTS}{draft.pk}/").status_code == 404
    refused(neighbour, "post", f"{DRAFTS}{draft.pk}/simulations/", SIMULATION_BODY, status_code=404)
    approval = {"document_number": DOCUMENT, "simulation": simulation.pk}
    refused(neighbour, "post", f"{DRAFTS}{draft.pk}/approval/", approval, status_code=404)
    assert PolicyDraft.objects.get().status == DraftStatus.DRAFT


# --- approval ---------------------------------------------------------------------------------------------------


def test_an_approver_publishes_the_draft_on_its_simulation(preparer, approver, population, simulate):
    # given
    draft = draft_with(preparer, fixed_waiting_months=6)
    simulation = simulate(preparer, draft)
    # when
    response = token_client(approver).post(
        f"{DRAFTS}{draft.pk}/approval/", {"document_number": DOCUMENT, "simulation": simulation.pk}, format="json"
    )
    # then
    assert response.status_code == 200, response.content.decode()
    answer = response.json()
    assert {key: answer[key] for key in ("id", "status", "status_label", "document_number", "approved_by")} == {
        "id": draft.pk,
        "status": "approved",
        "status_label": "已批准",
        "document_number": DOCUMENT,
        "approved_by": "approver",
    }
    assert answer["approved_simulation"] == simulation.pk
    assert answer["approved_at"]
    published = PolicyParameterSet.objects.get(region_id=SHANYIN, insurance_year=YEAR)
    assert (published.version, published.is_current, published.fixed_waiting_months, published.document_number) == (
        1,
        True,
        6,
        DOCUMENT,
    )


def test_the_preparer_cannot_approve_their_own_draft(approver, population, simulate):
    draft = draft_with(approver, fixed_waiting_months=6)
    simulation = simulate(approver, draft)
    body = {"document_number": DOCUMENT, "simulation": simulation.pk}
    assert refused(token_client(approver), "post", f"{DRAFTS}{draft.pk}/approval/", body) == {
        "non_field_errors": ["拟稿人不能审批自己拟定的草案，请由本地区另一位有审批权限的人员审批。"]
    }


def test_approval_needs_a_document_number_and_a_simulation_of_the_draft_as_it_stands(
    preparer, approver, population, simulate
):
    draft = draft_with(preparer, fixed_waiting_months=6)
    simulation = simulate(preparer, draft)
    path = f"{DRAFTS}{draft.pk}/approval/"
    client = token_client(approver)
    assert refused(client, "post", path, {"document_number": " ", "simulation": simulation.pk}) == {
        "document_number": ["请填写批准文号。"]
    }
    assert refused(client, "post", path, {"document_number": DOCUMENT}) == {
        "simulation": ["请选择本草案的一次测算作为审批依据。"]
    }
    # the draft changed after it was simulated
    policy_draft_region_update(actor=preparer, draft=draft, region_code=SHANYIN, figures={"fixed_waiting_months": 5})
    assert refused(client, "post", path, {"document_number": DOCUMENT, "simulation": simulation.pk}) == {
        "simulation": ["草案在这次测算之后又有修改，请重新测算后再审批。"]
    }
    # a user of the region without the approving role
    refused(
        token_client(preparer),
        "post",
        path,
        {"document_number": DOCUMENT, "simulation": simulation.pk},
        status_code=403,
    )
    assert PolicyDraft.objects.get().status == DraftStatus.DRAFT
