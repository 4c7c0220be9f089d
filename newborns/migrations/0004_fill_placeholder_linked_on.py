"""A placeholder linked before the business date was kept was linked by its birth record's registration (R7.6)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def fill(apps, schema_editor):
    BirthRecord = apps.get_model("newborns", "BirthRecord")
    apps.get_model("newborns", "PreEnrollmentPlaceholder").objects.filter(
        birth_record__isnull=False, linked_on__isnull=True
    ).update(
        linked_on=Subquery(BirthRecord.objects.filter(pk=OuterRef("birth_record_id")).values("registration_date")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("newborns", "0003_placeholder_linked_on")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
