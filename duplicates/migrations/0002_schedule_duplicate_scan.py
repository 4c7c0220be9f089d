"""The nightly duplicate-enrollment scan as an editable schedule of django-celery-beat: every night at 03:30."""

from django.db import migrations

from core.schedules import periodic_task_operation

TASK_NAME = "重复参保比对：每晚全省比对"


class Migration(migrations.Migration):
    dependencies = [
        ("duplicates", "0001_duplicate_cases"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        periodic_task_operation(name=TASK_NAME, task="duplicates.scan_scheduled", crontab={"minute": "30", "hour": "3"})
    ]
