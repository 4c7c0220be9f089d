"""Reference data: Shanyin's 2026 coverage targets (R10.2, 山政办发〔2025〕17号): 95% overall, 99% hardship groups."""

from decimal import Decimal

from django.db import migrations

SOURCE = "山政办发〔2025〕17号"
TARGETS = [
    ("140621", 2026, "overall_enrollment_rate", Decimal("0.9500")),
    ("140621", 2026, "hardship_enrollment_rate", Decimal("0.9900")),
]


def seed(apps, schema_editor):
    Target = apps.get_model("targets", "Target")
    for division, year, metric, value in TARGETS:
        Target.objects.update_or_create(
            division_id=division, year=year, metric=metric, defaults={"value": value, "source_document": SOURCE}
        )


def unseed(apps, schema_editor):
    apps.get_model("targets", "Target").objects.filter(source_document=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("targets", "0001_targets"), ("divisions", "0002_load_divisions")]

    operations = [migrations.RunPython(seed, unseed)]
