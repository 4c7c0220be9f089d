"""The content type of TaxPaymentRecord moves from bulk to tax_payments, so its permissions keep their ids and every
group or user that holds them keeps them."""

from django.db import migrations

MODEL = "taxpaymentrecord"


def _content_type_move(apps, schema_editor, *, old_label, new_label):
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
    old = content_types.filter(app_label=old_label, model=MODEL).first()
    if old is None:
        return  # a new database: the content type is created under its new label after migrating
    # A content type under the new label can only have been created empty by a migrate run in between; the old one
    # carries the permissions in use.
    content_types.filter(app_label=new_label, model=MODEL).delete()
    old.app_label = new_label
    old.save(update_fields=["app_label"])


def content_type_to_tax_payments(apps, schema_editor):
    _content_type_move(apps, schema_editor, old_label="bulk", new_label="tax_payments")


def content_type_to_bulk(apps, schema_editor):
    _content_type_move(apps, schema_editor, old_label="tax_payments", new_label="bulk")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('tax_payments', '0001_initial'),
        ('bulk', '0007_tax_payment_record_moved_to_tax_payments'),
    ]

    operations = [migrations.RunPython(content_type_to_tax_payments, content_type_to_bulk)]
