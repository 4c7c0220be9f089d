"""Reference data: R13.3, five resident years make one employee-insurance year (晋医保发〔2025〕3号)."""

from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("enrollment", "PolicyParameterSet").objects.filter(region_id="14").update(
        resident_years_per_employee_year=5
    )


def unseed(apps, schema_editor):
    apps.get_model("enrollment", "PolicyParameterSet").objects.update(resident_years_per_employee_year=None)


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0008_employee_years")]

    operations = [migrations.RunPython(seed, unseed)]
