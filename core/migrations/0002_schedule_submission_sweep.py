"""The sweep that publishes jobs saved while the broker was unreachable, every minute, as an editable schedule of
django-celery-beat."""

from django.db import migrations

from core.schedules import periodic_task_operation

TASK_NAME = "后台任务：提交因任务队列不可用而暂存的任务"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_pending_submission"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [periodic_task_operation(name=TASK_NAME, task="core.job_submissions_sweep", every_minutes=1)]
