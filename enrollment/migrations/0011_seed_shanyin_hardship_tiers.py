"""Reference data: Shanyin's 2026 hardship subsidy table (R6, 山政办发〔2025〕17号 四), with the fund that pays
(四, 六: 医疗救助), the department that certifies each category (ibid. 六) and the combination rules of the first clause."""

from django.db import migrations


def tier(category, name, individual, subsidy, department, clause, **rules):
    return {
        "category": category,
        "name": name,
        "individual_payment": individual,
        "subsidy_amount": subsidy,
        "department": department,
        "fund": "医疗救助基金",
        "clause": clause,
        **rules,
    }


SHANYIN_2026_TIERS = [
    tier("tekun", "特困人员", "0.00", "400.00", "民政", "四（1）", aliases=["五保户", "孤儿", "事实无人抚养儿童", "城市三无人员"]),
    tier("severe_disability", "二级及以上重度残疾人", "0.00", "400.00", "残联", "四（1）", disability_grades=[1, 2]),
    tier(
        "dibao_disability",
        "低保户中的三级、四级残疾人",
        "0.00",
        "400.00",
        "残联",
        "四（1）",
        disability_grades=[3, 4],
        requires_categories=["dibao"],
    ),
    tier("family_planning_hardship", "农村计划生育特殊困难家庭成员", "0.00", "400.00", "卫健", "四（1）", aliases=["计生特殊困难家庭"]),
    tier("dibao", "低保对象", "80.00", "320.00", "民政", "四（2）", aliases=["低保户", "低保"]),
    tier("edge_poverty", "边缘易致贫户", "120.00", "280.00", "农业农村", "四（3）", aliases=["边缘易致贫"]),
    tier("sudden_hardship", "突发严重困难户", "120.00", "280.00", "农业农村", "四（3）", aliases=["突发严重困难"]),
    tier("unstable_poverty_alleviated", "脱贫不稳定户", "120.00", "280.00", "农业农村", "四（3）", aliases=["脱贫不稳定"]),
    tier("returned_to_poverty", "返贫致贫人口", "40.00", "360.00", "农业农村", "四（4）", aliases=["返贫致贫"]),
    tier("stable_poverty_alleviated", "稳定脱贫人口", "400.00", "0.00", "农业农村", "四（5）", aliases=["脱贫人口", "脱贫"]),
]


def seed(apps, schema_editor):
    apps.get_model("enrollment", "PolicyParameterSet").objects.filter(region_id="140621", insurance_year=2026).update(
        hardship_tiers=SHANYIN_2026_TIERS, hardship_source="山政办发〔2025〕17号"
    )


def unseed(apps, schema_editor):
    apps.get_model("enrollment", "PolicyParameterSet").objects.update(hardship_tiers=None, hardship_source="")


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0010_hardship_tiers")]

    operations = [migrations.RunPython(seed, unseed)]
