"""The references to an enrollment are kept by the application, not by a foreign key of the database: the
enrollments' table becomes partitioned by insurance year on PostgreSQL (enrollment 0033, which this runs before),
and a foreign key can only point at a unique constraint of exactly its columns."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    run_before = [('enrollment', '0033_enrollments_partitioned_by_year')]

    dependencies = [
        ('duplicates', '0002_schedule_duplicate_scan'),
        ('enrollment', '0032_policy_parameter_versions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='duplicatecase',
            name='enrollment',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='enrollment.enrollment', verbose_name='待处理的参保记录'),
        ),
        migrations.AlterField(
            model_name='duplicatecase',
            name='other_enrollment',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='enrollment.enrollment', verbose_name='重复的另一条参保记录'),
        ),
    ]
