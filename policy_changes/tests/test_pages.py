"""The pages of 政策调整测算: the drafts of the user's scope, a new draft, a draft with its differences, problems,
simulations, approval and withdrawal, a region's figures, and a simulation's results with its Excel files; another
county's or city's user is answered 404 as if the draft did not exist, and every refusal changes nothing."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from accounts.models import ExportRecord, Role
from conftest import SHANYIN, make_user
from enrollment.models import PolicyParameterSet
from policy_changes.models import DraftStatus, ImpactSimulation, PolicyDraft, PolicyDraftRegion
from policy_changes.services import (
    impact_county_run,
    policy_draft_changes,
    policy_draft_region_update,
    policy_draft_withdraw,
)

from .conftest import YEAR
from .factories import draft_with, simulation_run

pytestmark = pytest.mark.django_db
D = datetime.date
DOCUMENT = "山医保发〔2026〕30号"
SIMULATION_FORM = {"division": SHANYIN, "as_of": "2026-12-01", "payment_date": "2026-12-01", "elasticity": "-0.30"}


def text_of(response) -> str:
    return response.content.decode()


def draft_state(draft):
    draft.refresh_from_db()
    regions = list(draft.regions.order_by("region_id").values_list("region_id", "changes"))
    return (draft.status, draft.title, draft.document_number, draft.approved_by_id, regions, draft.history.count())


def parameter_sets():
    return list(PolicyParameterSet.objects.order_by("pk").values_list("pk", "version", "is_current"))


@pytest.fixture
def outsiders(db):
    """A city's user of another city and a county's approver of the next county: neither sees 山阴县's drafts."""
    return [make_user("taiyuan", Role.CITY_STAFF, "1401"), make_user("yingxian", Role.POLICY_APPROVER, "140622")]


@pytest.fixture
def simulated(preparer, population, simulate):
    """山阴县's standard 400 → 420 (see test_simulations), simulated for 山阴县."""
    draft = draft_with(preparer, contribution_standard=Decimal("420.00"))
    return draft, simulate(preparer, draft)


# --- the list and a new draft ------------------------------------------------------------------------------------


def test_the_list_shows_the_drafts_of_the_scope_filtered_and_searched(client, preparer, outsiders):
    shanyin = draft_with(preparer)
    withdrawn = draft_with(preparer, region_code="1406")
    policy_draft_withdraw(actor=preparer, draft=withdrawn, reason="重新拟定")
    client.force_login(preparer)
    page = client.get("/policy-changes/")
    assert page.status_code == 200
    assert [draft.pk for draft in page.context["page"]] == [withdrawn.pk, shanyin.pk]
    assert "新建草案" in text_of(page)
    assert '<a class="nav-link" href="/policy-changes/">政策调整测算</a>' in text_of(page)
    assert [draft.pk for draft in client.get("/policy-changes/", {"status": "draft"}).context["page"]] == [shanyin.pk]
    assert [draft.pk for draft in client.get("/policy-changes/", {"q": "不存在"}).context["page"]] == []
    # a user of 太原 sees none of them; finance may look but not prepare
    client.force_login(outsiders[0])
    assert list(client.get("/policy-changes/").context["page"]) == []
    client.force_login(make_user("finance", Role.FINANCE, "1406"))
    page = client.get("/policy-changes/")
    assert len(page.context["page"]) == 2 and "新建草案" not in text_of(page)
    assert client.get("/policy-changes/new/").status_code == 403
    # a window clerk has neither the menu entry nor the page
    client.force_login(make_user("window", Role.WINDOW_CLERK, SHANYIN))
    assert 'href="/policy-changes/"' not in text_of(client.get("/"))
    assert client.get("/policy-changes/").status_code == 403


def test_a_new_draft_is_created_from_the_form(client, preparer):
    client.force_login(preparer)
    form = client.get("/policy-changes/new/")
    regions = [division.code for division in form.context["form"].fields["region"].queryset]
    assert regions[:2] == ["1406", "140602"] and SHANYIN in regions and "1401" not in regions
    answer = client.post("/policy-changes/new/", {"region": SHANYIN, "insurance_year": YEAR, "title": ""})
    draft = PolicyDraft.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/policy-changes/{draft.pk}/"
    assert (draft.region_id, draft.insurance_year, draft.title, draft.prepared_by, draft.status) == (
        SHANYIN,
        YEAR,
        f"山阴县{YEAR}年度政策参数调整",
        preparer,
        DraftStatus.DRAFT,
    )


def test_a_new_draft_outside_the_scope_or_the_years_is_refused_and_nothing_written(client, preparer):
    client.force_login(preparer)
    outside = client.post("/policy-changes/new/", {"region": "140100", "insurance_year": YEAR})
    assert outside.status_code == 200
    assert "选择一个有效的选项： 该选择不在可用的选项中。" in text_of(outside)
    too_late = client.post("/policy-changes/new/", {"region": SHANYIN, "insurance_year": YEAR + 5})
    assert f"选择一个有效的选项。 {YEAR + 5} 不在可用的选项中。" in text_of(too_late)
    assert not PolicyDraft.objects.exists()


# --- a draft --------------------------------------------------------------------------------------------------------


def test_the_draft_shows_its_differences_problems_simulations_and_history(client, preparer, approver, simulated):
    draft, simulation = simulated
    client.force_login(preparer)
    page = client.get(f"/policy-changes/{draft.pk}/")
    assert page.status_code == 200
    # 山阴县 has no 2027 set of its own yet: its 2027 standard is its 2026 one, inherited
    assert page.context["differences"] == [("山阴县", "个人缴费标准（元）", "400.00", "420.00")]
    text = text_of(page)
    assert "<td>山阴县</td><td>个人缴费标准（元）</td><td>400.00</td><td>420.00</td>" in text
    # Shanyin's subsidy table adds up to 400: the warning says what to correct before approval
    assert "批准前须修正" in text
    assert page.context["problems"][0] == (
        "山阴县：资助档次第1行（特困人员）：个人缴费0.00元与资助400.00元之和不等于缴费标准420.00元。"
    )
    assert [(each.pk, progress.succeeded) for each, progress in page.context["simulations"]] == [(simulation.pk, True)]
    assert f'href="/policy-changes/simulations/{simulation.pk}/"' in text
    assert [(record.history_user, record.history_change_reason) for record in page.context["history"]] == [
        (preparer, "修改山阴县的参数：contribution_standard"),
        (preparer, "创建草案"),
    ]
    # the preparer without the approving role is offered no approval; the approver is
    assert 'id="approval-form"' not in text and 'id="simulation-form"' in text
    client.force_login(approver)
    assert 'id="approval-form"' in text_of(client.get(f"/policy-changes/{draft.pk}/"))


def test_the_differences_are_written_as_the_pages_write_figures(client, preparer):
    tiers = [
        {
            "category": "tekun",
            "name": "特困人员",
            "individual_payment": "0.00",
            "subsidy_amount": "400.00",
            "department": "民政",
        }
    ]
    draft = draft_with(preparer, collection_opens=D(2026, 10, 10), fixed_waiting_months=6, hardship_tiers=tiers)
    client.force_login(preparer)
    page = client.get(f"/policy-changes/{draft.pk}/")
    # the figures in force for 2027: Shanyin's own 2026 calendar and table, a year on, and the province's waiting
    shanyin_tiers = PolicyParameterSet.objects.get(region_id=SHANYIN, insurance_year=2026).hardship_tiers
    differences = page.context["differences"]
    assert differences[:2] == [
        ("山阴县", "集中征缴期开始", "2026-10-17", "2026-10-10"),
        ("山阴县", "固定等待期（月）", "3", "6"),
    ]
    # a table is written as JSON (PostgreSQL keeps its keys in an order of its own)
    region, label, current, drafted = differences[2]
    assert (region, label, json.loads(current), json.loads(drafted)) == (
        "山阴县",
        "困难群众资助档次",
        shanyin_tiers,
        tiers,
    )


def test_figures_the_rules_cannot_read_are_refused_and_nothing_is_stored(preparer):
    draft = draft_with(preparer, fixed_waiting_months=6)
    for figures, refusal in [
        (
            {"hardship_tiers": [{"name": "特困人员", "individual_payment": "0.00"}]},
            {"hardship_tiers": ["资助档次第1行缺少：category、subsidy_amount、department。"]},
        ),
        ({"refund_reasons": ["moved_away"]}, {"refund_reasons": ["未知的退费原因：moved_away。"]}),
        (
            {"accident_topup_options": ["-5"]},
            {"accident_topup_options": ["意外伤害补充保险档次应为正的金额列表，如 30.00、50.00。"]},
        ),
    ]:
        with pytest.raises(ValidationError) as refused:
            policy_draft_region_update(actor=preparer, draft=draft, region_code=SHANYIN, figures=figures)
        assert refused.value.message_dict == refusal
        assert policy_draft_changes(draft) == {SHANYIN: {"fixed_waiting_months": 6}}


def test_the_simulation_form_offers_the_draft_s_divisions_and_the_year_s_collection_opening(client, preparer):
    draft = draft_with(preparer)
    client.force_login(preparer)
    form = client.get(f"/policy-changes/{draft.pk}/").context["simulation_form"]
    assert [division.code for division in form.fields["division"].queryset] == [SHANYIN]
    # 2027's collection period opens on 2026-10-17 in 山阴县's current figures
    assert (form["division"].value(), form["payment_date"].value(), form["elasticity"].value()) == (
        SHANYIN,
        D(2026, 10, 17),
        Decimal("-0.30"),
    )
    assert "个人缴费每上升1%，参保人数变动的百分比（通常为负数）" in text_of(client.get(f"/policy-changes/{draft.pk}/"))


def test_adding_a_region_below_the_draft_s_goes_to_its_figures(client, preparer):
    draft = draft_with(preparer, region_code="1406")
    client.force_login(preparer)
    answer = client.get(f"/policy-changes/{draft.pk}/", {"region": SHANYIN})
    assert answer.status_code == 302 and answer["Location"] == f"/policy-changes/{draft.pk}/regions/{SHANYIN}/"
    refused = client.get(f"/policy-changes/{draft.pk}/", {"region": "140100"})
    assert refused.status_code == 400 and "该选择不在可用的选项中" in text_of(refused)


def test_running_a_simulation_from_the_page(client, preparer, population, django_capture_on_commit_callbacks):
    draft = draft_with(preparer, fixed_waiting_months=6)
    client.force_login(preparer)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/policy-changes/{draft.pk}/simulate/", SIMULATION_FORM)
    simulation = ImpactSimulation.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/policy-changes/simulations/{simulation.pk}/"
    assert (simulation.division_id, simulation.as_of, simulation.payment_date, simulation.elasticity) == (
        SHANYIN,
        D(2026, 12, 1),
        D(2026, 12, 1),
        Decimal("-0.30"),
    )
    assert simulation.draft_changes == {SHANYIN: {"fixed_waiting_months": 6}}
    assert set(simulation.county_runs.values_list("status", flat=True)) == {"succeeded"}


def test_a_simulation_refused_writes_nothing(client, preparer, population):
    draft = draft_with(preparer, fixed_waiting_months=6)
    client.force_login(preparer)
    refused = client.post(f"/policy-changes/{draft.pk}/simulate/", {**SIMULATION_FORM, "elasticity": "11"})
    assert refused.status_code == 400
    assert "参保弹性应在-10至10之间。" in text_of(refused)
    outside = client.post(f"/policy-changes/{draft.pk}/simulate/", {**SIMULATION_FORM, "division": "140622"})
    assert outside.status_code == 400 and "该选择不在可用的选项中" in text_of(outside)
    assert not ImpactSimulation.objects.exists()


def test_the_approver_approves_on_the_page(client, preparer, approver):
    draft = draft_with(preparer, fixed_waiting_months=6)
    # nothing simulated yet: refused, nothing changed
    client.force_login(approver)
    before = (draft_state(draft), parameter_sets())
    refused = client.post(f"/policy-changes/{draft.pk}/approve/", {"document_number": DOCUMENT})
    assert refused.status_code == 400 and "请选择本草案的一次测算作为审批依据。" in text_of(refused)
    assert (draft_state(draft), parameter_sets()) == before


def test_an_approval_on_a_finished_simulation_publishes(client, preparer, approver, population, simulate):
    draft = draft_with(preparer, fixed_waiting_months=6)
    simulation = simulate(preparer, draft)
    client.force_login(approver)
    answer = client.post(
        f"/policy-changes/{draft.pk}/approve/", {"document_number": DOCUMENT, "simulation": simulation.pk}
    )
    assert answer.status_code == 302 and answer["Location"] == f"/policy-changes/{draft.pk}/"
    draft.refresh_from_db()
    assert (draft.status, draft.document_number, draft.approved_by, draft.approved_simulation) == (
        DraftStatus.APPROVED,
        DOCUMENT,
        approver,
        simulation,
    )
    published = PolicyParameterSet.objects.get(region_id=SHANYIN, insurance_year=YEAR)
    assert (published.fixed_waiting_months, published.document_number) == (6, DOCUMENT)
    page = text_of(client.get(f"/policy-changes/{draft.pk}/"))
    assert "已批准" in page and DOCUMENT in page and 'id="approval-form"' not in page


def test_the_preparer_s_own_approval_is_refused_on_the_page(client, preparer, population, simulate):
    draft = draft_with(preparer, fixed_waiting_months=6)
    simulation = simulate(preparer, draft)
    preparer.role = Role.POLICY_APPROVER  # even holding the approving role
    preparer.save()
    client.force_login(preparer)
    before = (draft_state(draft), parameter_sets())
    refused = client.post(
        f"/policy-changes/{draft.pk}/approve/", {"document_number": DOCUMENT, "simulation": simulation.pk}
    )
    assert refused.status_code == 400
    assert "拟稿人不能审批自己拟定的草案，请由本地区另一位有审批权限的人员审批。" in text_of(refused)
    assert (draft_state(draft), parameter_sets()) == before
    # a user without the approving role is not offered the form and is refused
    client.force_login(make_user("colleague", Role.CITY_STAFF, "1406"))
    assert client.post(f"/policy-changes/{draft.pk}/approve/", {"document_number": DOCUMENT}).status_code == 403
    assert (draft_state(draft), parameter_sets()) == before


def test_withdrawing_needs_a_reason_and_ends_the_draft(client, preparer):
    draft = draft_with(preparer)
    client.force_login(preparer)
    before = draft_state(draft)
    refused = client.post(f"/policy-changes/{draft.pk}/withdraw/", {"reason": " "})
    assert refused.status_code == 400 and "该字段是必填项。" in text_of(refused)
    assert draft_state(draft) == before
    answer = client.post(f"/policy-changes/{draft.pk}/withdraw/", {"reason": "改为全市统一调整"})
    assert answer.status_code == 302
    draft.refresh_from_db()
    assert draft.status == DraftStatus.WITHDRAWN
    assert draft.history.first().history_change_reason == "撤回：改为全市统一调整"
    again = client.post(f"/policy-changes/{draft.pk}/withdraw/", {"reason": "再次撤回"})
    assert again.status_code == 400 and "该草案已撤回，不能再修改。" in text_of(again)


# --- a region's figures ---------------------------------------------------------------------------------------------


def test_the_region_form_holds_what_the_draft_makes_of_the_region_grouped(client, preparer):
    draft = draft_with(preparer, contribution_standard=Decimal("420.00"))
    client.force_login(preparer)
    page = client.get(f"/policy-changes/{draft.pk}/regions/{SHANYIN}/")
    assert page.status_code == 200
    form = page.context["form"]
    current = PolicyParameterSet.objects.filter(region_id=SHANYIN, insurance_year=YEAR, is_current=True).first()
    assert form["contribution_standard"].value() == Decimal("420.00")
    assert form["fixed_waiting_months"].value() == (current.fixed_waiting_months if current else None)
    assert [title for title, _ in form.sections()] == [
        "缴费标准与征缴日历",
        "等待期",
        "大病保险",
        "特殊群体",
        "新生儿",
        "困难群众资助",
        "退费",
    ]
    # every figure a draft may change is in one section, once
    names = [field.name for _, fields in form.sections() for field in fields]
    assert sorted(names) == sorted(form.fields) and len(names) == len(set(names))
    assert '<textarea name="hardship_tiers"' in text_of(page)


def test_saving_a_region_keeps_only_the_figures_that_differ(client, preparer):
    draft = draft_with(preparer, contribution_standard=Decimal("420.00"))
    client.force_login(preparer)
    form = client.get(f"/policy-changes/{draft.pk}/regions/{SHANYIN}/").context["form"]
    # the form as the page shows it, one figure changed
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    assert data["hardship_tiers"] == ""  # a list the region leaves to inheritance is an empty box, not "null"
    data["fixed_waiting_months"] = "5"
    answer = client.post(f"/policy-changes/{draft.pk}/regions/{SHANYIN}/", data)
    assert answer.status_code == 302 and answer["Location"] == f"/policy-changes/{draft.pk}/"
    assert PolicyDraftRegion.objects.get(draft=draft, region_id=SHANYIN).changes == {
        "contribution_standard": "420.00",
        "fixed_waiting_months": 5,
    }


def test_bad_figures_are_refused_in_chinese_and_nothing_changed(client, preparer):
    draft = draft_with(preparer, contribution_standard=Decimal("420.00"))
    client.force_login(preparer)
    before = draft_state(draft)
    refused = client.post(
        f"/policy-changes/{draft.pk}/regions/{SHANYIN}/",
        {"contribution_standard": "四百", "hardship_tiers": "[1,"},
    )
    assert refused.status_code == 400
    assert "输入一个数字。" in text_of(refused) and "输入一个有效的JSON。" in text_of(refused)
    assert draft_state(draft) == before
    policy_draft_withdraw(actor=preparer, draft=draft, reason="不再调整")
    before = draft_state(draft)
    closed = client.post(f"/policy-changes/{draft.pk}/regions/{SHANYIN}/", {"contribution_standard": "430.00"})
    assert closed.status_code == 400 and "该草案已撤回，不能再修改。" in text_of(closed)
    assert draft_state(draft) == before


def test_a_region_outside_the_draft_answers_404(client, preparer):
    draft = draft_with(preparer)
    client.force_login(preparer)
    assert client.get(f"/policy-changes/{draft.pk}/regions/140622/").status_code == 404
    assert client.get(f"/policy-changes/{draft.pk}/regions/140621100/").status_code == 404


# --- a simulation ---------------------------------------------------------------------------------------------------


def test_the_simulation_page_shows_the_totals_fiscal_figures_charts_and_people(client, preparer, simulated):
    _, simulation = simulated
    client.force_login(preparer)
    page = client.get(f"/policy-changes/simulations/{simulation.pk}/")
    assert page.status_code == 200
    text = text_of(page)
    whole = page.context["whole"]
    assert (whole.people, whole.people_changed, whole.due_before, whole.due_after, whole.income_after) == (
        6,
        6,
        Decimal("2080.00"),
        Decimal("2160.00"),
        Decimal("1680.00"),
    )
    assert "按参保弹性-0.30估算：个人缴费合计变动+3.85%，参保人数由4人变为约4人（估算值，非政策规定）" in text
    totals = page.context["totals"]
    assert [row.cells[0].text for row in totals.rows] == ["玉井镇"]
    assert [cell.text for cell in totals.totals.cells[:6]] == ["山阴县", "6", "6", "2,080.00", "2,160.00", "80.00"]
    assert totals.rows[0].link.url == f"/policy-changes/simulations/{simulation.pk}/?division=140621100"
    assert [chart["changes"] for chart in page.context["charts"]] == [["+0.00", "+20.00"], ["+0"], ["+0.00"]]
    assert [chart["people"] for chart in page.context["charts"]] == [[2, 4], [6], [6]]
    assert "/static/vendor/echarts/echarts.min.js" in text
    # R11: no targets and no newborns in this world, so every level's prepay and cost is 0 either way
    zero = Decimal("0.00")
    assert [
        (row.level_label, row.prepaid_before, row.prepaid_after, row.cost_before, row.cost_after)
        for row in page.context["fiscal"]
    ] == [("省级", zero, zero, zero, zero), ("市级", zero, zero, zero, zero), ("县级", zero, zero, zero, zero)]
    assert page.context["fiscal_notes"] == []
    rows = [
        (person.rank, person.resident.name, person.due_before, person.due_after, before, after)
        for person, before, after in page.context["people_rows"]
    ]
    assert rows == [
        (1, "张连续", Decimal("400.00"), Decimal("420.00"), "", ""),
        (2, "李连续", Decimal("400.00"), Decimal("420.00"), "", ""),
        (3, "王断保", Decimal("400.00"), Decimal("420.00"), "", ""),
        (4, "赵未参", Decimal("400.00"), Decimal("420.00"), "", ""),
        (5, "刘低保", Decimal("80.00"), Decimal("80.00"), "低保对象", "低保对象"),
        (6, "陈脱贫", Decimal("400.00"), Decimal("400.00"), "", "稳定脱贫人口"),
    ]
    first = page.context["people_rows"][0][0]
    assert "2027年度个人缴费标准400.00元" in text and "2027年度个人缴费标准420.00元" in text
    assert first.resident.id_number not in text and "140621********" in text


def test_the_drill_down_reaches_a_town_and_its_villages(client, preparer, simulated):
    _, simulation = simulated
    client.force_login(preparer)
    town = client.get(f"/policy-changes/simulations/{simulation.pk}/", {"division": "140621100"})
    assert town.status_code == 200
    assert town.context["whole"].name == "玉井镇" and town.context["whole"].people == 6
    village = town.context["totals"].rows[0]
    assert village.cells[1].text == "6" and village.link is None
    assert town.context["ancestors"] == [("山阴县", f"/policy-changes/simulations/{simulation.pk}/?division=140621")]
    assert client.get(f"/policy-changes/simulations/{simulation.pk}/", {"division": "140622"}).status_code == 404


def test_a_running_simulation_shows_its_progress_and_polls(client, preparer, population):
    draft = draft_with(preparer, fixed_waiting_months=6)
    simulation = simulation_run(preparer, draft, run=False)  # queued, its county run not yet run
    client.force_login(preparer)
    page = client.get(f"/policy-changes/simulations/{simulation.pk}/")
    text = text_of(page)
    assert "已测算 0 / 0 人，完成 0 / 1 个区县。" in text
    assert f'hx-get="/policy-changes/simulations/{simulation.pk}/"' in text and "impact-totals" not in text
    polled = client.get(f"/policy-changes/simulations/{simulation.pk}/", headers={"HX-Request": "true"})
    assert text_of(polled).startswith('<div id="simulation-progress"') and "HX-Refresh" not in polled
    # once its county run is done, the next poll reloads the page, which shows the results
    impact_county_run(job_id=simulation.county_runs.get().pk)
    polled = client.get(f"/policy-changes/simulations/{simulation.pk}/", headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true" and "已测算 6 / 6 人，完成 1 / 1 个区县。" in text_of(polled)
    page = text_of(client.get(f"/policy-changes/simulations/{simulation.pk}/"))
    assert "hx-get" not in page and 'id="impact-totals"' in page


def test_the_excel_files_of_the_totals_and_the_people(client, preparer, simulated):
    _, simulation = simulated
    client.force_login(preparer)
    totals = client.get(f"/policy-changes/simulations/{simulation.pk}/totals.xlsx")
    assert totals.status_code == 200
    values = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(totals.content)).active.iter_rows()]
    assert values[0][0] == "测试草案影响测算（山阴县）"
    assert values[2][:7] == [
        "序号",
        "区划",
        "测算人数",
        "受影响人数",
        "个人缴费合计（现行）",
        "个人缴费合计（草案）",
        "个人缴费变化",
    ]
    assert values[3] == [1, "玉井镇", 6, 6, 2080, 2160, 80, 320, 360, 1600, 1680, 0, 0, 0, 1, 0, 0, values[3][-1]]
    assert values[3][-1].startswith("按参保弹性-0.30估算：个人缴费合计变动+3.85%")
    assert values[4][:7] == ["合计", "山阴县", 6, 6, 2080, 2160, 80]
    people = client.get(f"/policy-changes/simulations/{simulation.pk}/people.xlsx")
    # each download is recorded, as every export is
    base = f"/policy-changes/simulations/{simulation.pk}"
    assert list(ExportRecord.objects.order_by("pk").values_list("user", "path", "file_name")) == [
        (preparer.pk, f"{base}/totals.xlsx", "测试草案影响测算（山阴县）.xlsx"),
        (preparer.pk, f"{base}/people.xlsx", "测试草案受影响较大的居民（山阴县）.xlsx"),
    ]
    rows = [[cell.value for cell in row] for row in load_workbook(io.BytesIO(people.content)).active.iter_rows()]
    assert rows[2][:6] == ["序号", "区县", "影响排名", "姓名", "公民身份号码", "个人缴费（现行）"]
    assert [row[1:5] for row in rows[3:9]] == [
        ["山阴县", 1, "张连续", "140621********1019"],
        ["山阴县", 2, "李连续", "140621********1027"],
        ["山阴县", 3, "王断保", "140621********1035"],
        ["山阴县", 4, "赵未参", "140621********1043"],
        ["山阴县", 5, "刘低保", "140621********1051"],
        ["山阴县", 6, "陈脱贫", "140621********106X"],
    ]
    assert rows[3][5:7] == [400, 420] and rows[8][5:7] + rows[8][15:17] == [400, 400, None, "稳定脱贫人口"]
    assert rows[9][:2] == ["合计", "6 人"]


def test_another_county_s_or_city_s_user_is_answered_404(client, preparer, simulated, outsiders):
    draft, simulation = simulated
    for outsider in outsiders:
        client.force_login(outsider)
        before = (draft_state(draft), parameter_sets(), ImpactSimulation.objects.count())
        for url in (
            f"/policy-changes/{draft.pk}/",
            f"/policy-changes/{draft.pk}/regions/{SHANYIN}/",
            f"/policy-changes/simulations/{simulation.pk}/",
            f"/policy-changes/simulations/{simulation.pk}/totals.xlsx",
            f"/policy-changes/simulations/{simulation.pk}/people.xlsx",
        ):
            assert client.get(url).status_code == 404, (outsider, url)
        for url, data in (
            (f"/policy-changes/{draft.pk}/simulate/", SIMULATION_FORM),
            (f"/policy-changes/{draft.pk}/withdraw/", {"reason": "越权"}),
            (f"/policy-changes/{draft.pk}/regions/{SHANYIN}/", {"contribution_standard": "430.00"}),
        ):
            assert client.post(url, data).status_code == 404, (outsider, url)
        assert (draft_state(draft), parameter_sets(), ImpactSimulation.objects.count()) == before
    client.force_login(outsiders[1])  # the approver of 应县
    approval = {"document_number": DOCUMENT, "simulation": simulation.pk}
    answer = client.post(f"/policy-changes/{draft.pk}/approve/", approval)
    assert answer.status_code == 404
    assert draft_state(draft)[0] == DraftStatus.DRAFT
