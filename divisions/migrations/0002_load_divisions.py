"""Reference data: China's provinces, cities and counties, and Shanxi's townships and villages."""

from django.db import migrations

BATCH_SIZE = 2000


def load_divisions(apps, schema_editor):
    from divisions.loading import division_rows

    Division = apps.get_model("divisions", "Division")
    batch = []
    for row in division_rows():
        batch.append(Division(**row))
        if len(batch) >= BATCH_SIZE:
            Division.objects.bulk_create(batch)
            batch = []
    Division.objects.bulk_create(batch)


def unload_divisions(apps, schema_editor):
    apps.get_model("divisions", "Division").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("divisions", "0001_initial")]

    operations = [migrations.RunPython(load_divisions, unload_divisions)]
