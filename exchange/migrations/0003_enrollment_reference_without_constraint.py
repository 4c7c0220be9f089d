"""The references to an enrollment are kept by the application, not by a foreign key of the database: the
enrollments' table becomes partitioned by insurance year on PostgreSQL (enrollment 0033, which this runs before),
and a foreign key can only point at a unique constraint of exactly its columns."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    run_before = [('enrollment', '0033_enrollments_partitioned_by_year')]

    dependencies = [
        ('enrollment', '0032_policy_parameter_versions'),
        ('exchange', '0002_feeds_moves_rolls_maternity'),
    ]

    operations = [
        migrations.AlterField(
            model_name='feedrecord',
            name='refund_enrollment',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='死亡注销后可按规定退费的参保缴费记录（R12），由窗口办理退费。', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='enrollment.enrollment', verbose_name='可退费参保记录'),
        ),
    ]
