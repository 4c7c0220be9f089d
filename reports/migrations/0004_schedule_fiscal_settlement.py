"""The settlement of the newborn programme (R11.2) stored on the first night of each year, as an editable schedule."""

from django.db import migrations

from core.schedules import periodic_task_operation

TASK_NAME = "新生儿参保资金结算：每年1月1日结算上一年度"


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_seed_fiscal_tiers"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        periodic_task_operation(
            name=TASK_NAME,
            task="reports.fiscal_settlement_year_closed",
            crontab={"minute": "30", "hour": "2", "day_of_month": "1", "month_of_year": "1"},
        )
    ]
