"""The reminder of the next year's collection to each county's uninsured, created and sent on 1 September, as an
editable schedule."""

from django.db import migrations

from core.schedules import periodic_task_operation

TASK_NAME = "动员参保：每年9月1日为下一年度集中征缴发送提醒"


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        periodic_task_operation(
            name=TASK_NAME,
            task="outreach.september_campaigns",
            crontab={"minute": "0", "hour": "9", "day_of_month": "1", "month_of_year": "9"},
        )
    ]
