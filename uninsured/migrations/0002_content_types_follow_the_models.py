"""The content types of the moved models change app label, so their permissions and admin log entries follow.

Permission codenames and ids stay: a permission points at its content type by id.
"""

from django.db import migrations

MOVED_MODELS = ("uninsuredlist", "uninsuredperson", "historicaluninsuredlist", "historicaluninsuredperson")


def _relabel(apps, from_label, to_label):
    content_types = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        old = content_types.objects.filter(app_label=from_label, model=model).first()
        if old is None:
            continue
        # One made under the new label by an earlier `migrate` only duplicates the old one, which keeps its ids.
        content_types.objects.filter(app_label=to_label, model=model).delete()
        old.app_label = to_label
        old.save(update_fields=["app_label"])


def content_types_to_uninsured(apps, schema_editor):
    _relabel(apps, "targets", "uninsured")


def content_types_back_to_targets(apps, schema_editor):
    _relabel(apps, "uninsured", "targets")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("uninsured", "0001_initial"),
    ]

    operations = [migrations.RunPython(content_types_to_uninsured, content_types_back_to_targets)]
