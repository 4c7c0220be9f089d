"""Reference data: newborn enrollment (R7) for Shanxi, and pre-enrollment (R7.6) switched on in 山阴县.

- 90 days after birth, no collection period, no waiting: 晋医保发〔2025〕3号 一（四）; 山政办发〔2025〕17号 三（2）.
- The 2026 provincial programme for births from 2026-01-01: 晋医保发〔2026〕4号.
- Pre-enrollment from 24 weeks of pregnancy (16 weeks before the expected delivery), the real ID within a year of
  birth, a refund for a terminated pregnancy at any time: 阳医保通〔2022〕11号 第二、八、九条.
"""

from django.db import migrations


def seed(apps, schema_editor):
    PolicyParameterSet = apps.get_model("enrollment", "PolicyParameterSet")
    PolicyParameterSet.objects.filter(region_id="14").update(
        newborn_registration_days=90,
        newborn_source="晋医保发〔2025〕3号 一（四）",
        pre_enrollment_enabled=False,
        pre_enrollment_weeks_before_delivery=16,
        pre_enrollment_link_months=12,
        pre_enrollment_source="阳医保通〔2022〕11号",
        refund_anytime_reasons=["pregnancy_terminated"],
    )
    PolicyParameterSet.objects.filter(region_id="14", insurance_year=2026).update(
        newborn_programme_from="2026-01-01", newborn_programme_source="晋医保发〔2026〕4号"
    )
    PolicyParameterSet.objects.filter(region_id="140621", insurance_year=2026).update(
        newborn_source="山政办发〔2025〕17号 三（2）", pre_enrollment_enabled=True
    )


def unseed(apps, schema_editor):
    apps.get_model("enrollment", "PolicyParameterSet").objects.update(
        newborn_registration_days=None,
        newborn_source="",
        newborn_programme_from=None,
        newborn_programme_source="",
        pre_enrollment_enabled=None,
        pre_enrollment_weeks_before_delivery=None,
        pre_enrollment_link_months=None,
        pre_enrollment_source="",
        refund_anytime_reasons=None,
    )


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0012_newborn_parameters")]

    operations = [migrations.RunPython(seed, unseed)]
