"""Reference data: R8.1, an employee-insurance stopper enrolls without waiting only after 2 continuous years of
employee insurance (连续2年（含2年）以上, 晋医保发〔2025〕3号 一（四）), for Shanxi; counties inherit it."""

from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("enrollment", "PolicyParameterSet").objects.filter(region_id="14").update(
        special_group_employee_min_years=2
    )


def unseed(apps, schema_editor):
    apps.get_model("enrollment", "PolicyParameterSet").objects.update(special_group_employee_min_years=None)


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0026_employee_insured_years")]

    operations = [migrations.RunPython(seed, unseed)]
