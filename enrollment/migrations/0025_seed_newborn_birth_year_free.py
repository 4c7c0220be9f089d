"""Reference data (R7.2a): in Shanxi a baby born from 2025-01-01 and registered within the window after birth pays
nothing for its birth year, the fund bearing the cost (晋医保发〔2025〕3号 一（四）"出生当年不缴费", a reading marked
in R7.2a); births from 2026-01-01 fall under the provincial programme instead (R7.2). Set on the province's
parameter sets from 2025 on; earlier years keep paying their birth year.
"""

import datetime

from django.db import migrations

SOURCE = "晋医保发〔2025〕3号 一（四）"


def seed(apps, schema_editor):
    apps.get_model("enrollment", "PolicyParameterSet").objects.filter(region_id="14", insurance_year__gte=2025).update(
        newborn_birth_year_free_from=datetime.date(2025, 1, 1), newborn_birth_year_free_source=SOURCE
    )


def unseed(apps, schema_editor):
    apps.get_model("enrollment", "PolicyParameterSet").objects.update(
        newborn_birth_year_free_from=None, newborn_birth_year_free_source=""
    )


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0024_newborn_birth_year_free")]

    operations = [migrations.RunPython(seed, unseed)]
