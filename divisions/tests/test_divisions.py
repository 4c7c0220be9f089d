import pytest

from divisions.models import Division

pytestmark = pytest.mark.django_db


def test_shanxi_tree_is_complete():
    shanxi = Division.objects.filter(code__startswith="14")
    counts = {level: shanxi.filter(level=level).count() for level in ("city", "county", "township", "village")}
    assert counts == {"city": 11, "county": 121, "township": 1352, "village": 21895}


def test_every_division_hangs_under_its_parent_code():
    orphans = [d.code for d in Division.objects.exclude(level="province") if not d.code.startswith(d.parent_id or "?")]
    assert orphans == []


def test_shanyin_townships_match_the_collection_notice():
    # 山政办发〔2025〕17号 附件 names the twelve townships' heads (the notice's OCR writes 薛圐圙 as 薛圜圜).
    names = set(Division.objects.filter(parent_id="140621").values_list("name", flat=True))
    assert names == {
        "玉井镇", "北周庄镇", "古城镇", "岱岳镇", "广武镇", "吴马营乡",
        "马营乡", "下喇叭乡", "合盛堡乡", "安荣乡", "薛圐圙乡", "马营庄乡",
    }  # fmt: skip


def test_national_counties_are_present_for_address_code_checks():
    assert Division.objects.get(code="110105").name == "朝阳区"
    assert Division.objects.filter(level="county").count() == 2978
