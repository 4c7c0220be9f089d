"""The references to an enrollment are kept by the application, not by a foreign key of the database: the
enrollments' table becomes partitioned by insurance year on PostgreSQL (enrollment 0033, which this runs before),
and a foreign key can only point at a unique constraint of exactly its columns."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    run_before = [('enrollment', '0033_enrollments_partitioned_by_year')]

    dependencies = [
        ('enrollment', '0032_policy_parameter_versions'),
        ('tax_payments', '0002_content_type_from_bulk'),
    ]

    operations = [
        migrations.AlterField(
            model_name='taxpaymentrecord',
            name='enrollment',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='tax_payment_records', to='enrollment.enrollment', verbose_name='参保记录'),
        ),
    ]
