"""Reference data: the newborn coverage target of R10.2, newborns enrolled in their birth year >= 80%.

RULES.md R10.2 takes this figure from 陕医保发〔2024〕7号 (Shaanxi, 二(二) 工作目标: "力争到2024年底，80%以上新生儿在
出生当年参加基本医疗保险"); no Shanxi document at hand sets a birth-year rate. It is seeded for the province
(14) for 2026, so that every city and county inherits it until it sets its own, with the document it comes from.
"""

from decimal import Decimal

from django.db import migrations

SOURCE = "陕医保发〔2024〕7号"
TARGETS = [("14", 2026, "newborn_birth_year_rate", Decimal("0.8000"))]


def seed(apps, schema_editor):
    Target = apps.get_model("targets", "Target")
    for division, year, metric, value in TARGETS:
        Target.objects.update_or_create(
            division_id=division, year=year, metric=metric, defaults={"value": value, "source_document": SOURCE}
        )


def unseed(apps, schema_editor):
    Target = apps.get_model("targets", "Target")
    for division, year, metric, _ in TARGETS:
        Target.objects.filter(division_id=division, year=year, metric=metric, source_document=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("targets", "0004_seed_programme_targets")]

    operations = [migrations.RunPython(seed, unseed)]
