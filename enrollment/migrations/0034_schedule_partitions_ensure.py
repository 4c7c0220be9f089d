"""The nightly creation of the enrollments' partitions of the coming insurance years, as an editable schedule of
django-celery-beat (`enrollment.partitions_ensure`; nothing to do on SQLite)."""

from django.db import migrations

from core.schedules import periodic_task_operation

TASK_NAME = "参保记录分区：每日建立本年度及以后两个年度的分区"


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0033_enrollments_partitioned_by_year"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        periodic_task_operation(
            name=TASK_NAME, task="enrollment.partitions_ensure", crontab={"minute": "30", "hour": "1"}
        )
    ]
