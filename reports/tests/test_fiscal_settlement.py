"""R11: prepay from the targets, settlement from the actual newborns, shared by each county's fiscal tier."""

from decimal import Decimal

import pytest

from conftest import SHANYIN, make_user, token_client
from reports.models import FiscalSettlement, FiscalTier
from reports.selectors.settlement import settlement_compute
from reports.services import settlement_store
from reports.tests.factories import shuozhou_with_pilot_tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def shuozhou(db):
    return shuozhou_with_pilot_tier()


def settlement_rows(response):
    return {(row["county"], row["level"]): row for row in response.json()["results"]}


def test_r11_1_r11_2_hand_computed_settlement_for_counties_in_two_tiers(shuozhou):
    # when
    api = token_client(make_user("shanxi_finance", "finance", "14"))
    rows = settlement_rows(api.get("/api/v1/fiscal/settlement/", {"year": 2026, "city": "140600"}))
    # then 山阴: 700 × 400 prepaid, 3 × 400 actual, shared 50/25/25
    assert [rows[(SHANYIN, level)] for level in ("province", "city", "county")] == [
        {
            "county": SHANYIN,
            "level": "province",
            "prepaid": "140000.00",
            "actual_cost": "600.00",
            "settlement": "-139400.00",
        },
        {"county": SHANYIN, "level": "city", "prepaid": "70000.00", "actual_cost": "300.00", "settlement": "-69700.00"},
        {
            "county": SHANYIN,
            "level": "county",
            "prepaid": "70000.00",
            "actual_cost": "300.00",
            "settlement": "-69700.00",
        },
    ]
    # 应县: 1767 of the unsplit 5300 (one of the three 2025 births), shared 60/20/20; 1 newborn
    assert [
        (rows[("140622", level)]["prepaid"], rows[("140622", level)]["actual_cost"])
        for level in ("province", "city", "county")
    ] == [
        ("424080.00", "240.00"),
        ("141360.00", "80.00"),
        ("141360.00", "80.00"),
    ]
    # 朔城区: the other 3533; 2025 births are not in the programme
    assert (rows[("140602", "province")]["prepaid"], rows[("140602", "province")]["actual_cost"]) == (
        "706600.00",
        "0.00",
    )
    assert rows[("140603", "city")]["prepaid"] == "0.00"
    # every county's actual cost over its three levels is its newborns × S(Y)
    totals = {
        county: sum(Decimal(row["actual_cost"]) for (code, _), row in rows.items() if code == county)
        for county, _ in rows
    }
    assert (totals[SHANYIN], totals["140622"], totals["140602"]) == (
        Decimal("1200.00"),
        Decimal("400.00"),
        Decimal("0.00"),
    )
    prepaid_people = sum(Decimal(row["prepaid"]) for row in rows.values()) / 400
    assert prepaid_people == 6000


def test_r11_2_a_what_if_with_other_shares_leaves_the_stored_settlement_untouched(shuozhou):
    # given the stored settlement
    settlement_store(year=2026, city_code="1406")
    stored = list(FiscalSettlement.objects.order_by("pk").values())
    # when the same tier is tried with other shares
    what_if_tier = FiscalTier(
        pk=shuozhou.pk,
        name=shuozhou.name,
        province_share=Decimal("0.4"),
        city_share=Decimal("0.3"),
        county_share=Decimal("0.3"),
    )
    rows = settlement_compute(year=2026, city_code="1406", tiers={shuozhou.pk: what_if_tier})
    # then the what-if differs, and nothing stored changed
    what_if = {(row.county_code, row.level): row.prepaid for row in rows}
    assert what_if[("140622", "province")] == Decimal("282720.00")
    assert list(FiscalSettlement.objects.order_by("pk").values()) == stored
    assert FiscalSettlement.objects.get(county_id="140622", level="province").prepaid == Decimal("424080.00")


def test_r11_2_storing_twice_updates_the_same_rows(shuozhou):
    first = settlement_store(year=2026, city_code="1406")
    again = settlement_store(year=2026, city_code="1406")
    assert [row.pk for row in again] == [row.pk for row in first]
    assert FiscalSettlement.objects.count() == 7 * 3


def test_r11_fiscal_api_refusals(shuozhou, clerk):
    finance = token_client(make_user("shanyin_finance", "finance", SHANYIN))
    assert finance.get("/api/v1/fiscal/settlement/", {"year": 2026, "city": "1401"}).status_code == 404
    own = settlement_rows(finance.get("/api/v1/fiscal/settlement/", {"year": 2026, "city": "1406"}))
    assert {county for county, _ in own} == {SHANYIN}
    assert finance.get("/api/v1/fiscal/settlement/", {"year": 2026, "city": "149900"}).json() == {
        "city": ["149900 不是已知的设区市代码。"]
    }
    assert token_client(clerk).get("/api/v1/fiscal/settlement/", {"year": 2026, "city": "1406"}).status_code == 403
