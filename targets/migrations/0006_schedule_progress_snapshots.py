"""The nightly progress computation (R10.3) as an editable schedule of django-celery-beat.

Each night computes as of the day before, so the first night of a quarter writes the snapshot of the quarter's end.
"""

from django.db import migrations

from core.schedules import periodic_task_operation

TASK_NAME = "进度快照：每日计算截至前一日的进度"


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0005_seed_newborn_birth_year_rate"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        periodic_task_operation(name=TASK_NAME, task="targets.progress_scheduled", crontab={"minute": "0", "hour": "2"})
    ]
