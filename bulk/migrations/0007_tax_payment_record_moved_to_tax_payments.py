"""TaxPaymentRecord now belongs to the tax_payments app, which keeps the table (bulk_taxpaymentrecord)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('bulk', '0006_bulk_import_job_is_a_job'),
        ('tax_payments', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='TaxPaymentRecord')],
            database_operations=[],
        ),
    ]
