"""The periodic tasks the apps install by migration, as schedules of django-celery-beat that an administrator can edit
or pause in the admin afterwards. A migration names the task, what runs and when; the forward step creates (or
updates) the schedule, the backward step removes it."""

from collections.abc import Mapping

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

CRONTAB_FIELDS = ("minute", "hour", "day_of_week", "day_of_month", "month_of_year")
SCHEDULE_TIMEZONE = "Asia/Shanghai"


def periodic_task_operation(
    *, name: str, task: str, crontab: Mapping[str, str] | None = None, every_minutes: int | None = None
) -> migrations.RunPython:
    """A RunPython that schedules `task` under the shown `name`: at the times of `crontab` (its fields default to
    every, "*", in Shanghai time), or every `every_minutes` minutes."""
    if (crontab is None) == (every_minutes is None):
        raise ValueError("a periodic task runs by a crontab or by an interval, one of the two")

    def schedule(apps: Apps, schema_editor: BaseDatabaseSchemaEditor | None) -> None:
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        when: dict[str, object]
        if crontab is not None:
            fields = {field: crontab.get(field, "*") for field in CRONTAB_FIELDS}
            CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
            when = {"crontab": CrontabSchedule.objects.get_or_create(**fields, timezone=SCHEDULE_TIMEZONE)[0]}
        else:
            IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
            when = {"interval": IntervalSchedule.objects.get_or_create(every=every_minutes, period="minutes")[0]}
        PeriodicTask.objects.update_or_create(name=name, defaults={"task": task, "enabled": True, **when})

    def unschedule(apps: Apps, schema_editor: BaseDatabaseSchemaEditor | None) -> None:
        apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=name).delete()

    return migrations.RunPython(schedule, unschedule)
