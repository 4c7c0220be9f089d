"""Reference data: R8 (people leaving another scheme, Shanyin: from the day after payment) and R9 (students)."""

from django.db import migrations


def seed(apps, schema_editor):
    PolicyParameterSet = apps.get_model("enrollment", "PolicyParameterSet")
    PolicyParameterSet.objects.filter(region_id="14").update(
        special_group_window_months=3,
        special_group_benefit_offset_days=0,
        special_group_source="晋医保发〔2025〕3号 一（四）",
        student_source="晋医保发〔2025〕3号 一（三）",
    )
    PolicyParameterSet.objects.filter(region_id="140621", insurance_year=2026).update(
        special_group_benefit_offset_days=1, special_group_source="山政办发〔2025〕17号"
    )


def unseed(apps, schema_editor):
    apps.get_model("enrollment", "PolicyParameterSet").objects.update(
        special_group_window_months=None,
        special_group_benefit_offset_days=None,
        special_group_source="",
        student_source="",
    )


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0004_special_groups")]

    operations = [migrations.RunPython(seed, unseed)]
