"""The periodic tasks a migration installs: by crontab in Shanghai time or by interval, removed when migrated back."""

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from core.schedules import periodic_task_operation

pytestmark = pytest.mark.django_db


def test_a_crontab_task_is_scheduled_in_shanghai_time_with_unnamed_fields_every_and_removed_backwards():
    operation = periodic_task_operation(name="测试任务", task="core.example", crontab={"minute": "30", "hour": "1"})
    # when
    operation.code(apps, None)
    operation.code(apps, None)  # a second run updates, never doubles
    # then
    task = PeriodicTask.objects.get(name="测试任务")
    crontab = task.crontab
    assert (task.task, task.enabled, task.interval) == ("core.example", True, None)
    fields = ("minute", "hour", "day_of_week", "day_of_month", "month_of_year")
    assert [getattr(crontab, field) for field in fields] == ["30", "1", "*", "*", "*"]
    assert str(crontab.timezone) == "Asia/Shanghai"
    # and backwards
    operation.reverse_code(apps, None)
    assert not PeriodicTask.objects.filter(name="测试任务").exists()


def test_an_interval_task_runs_every_so_many_minutes():
    periodic_task_operation(name="每分钟", task="core.example", every_minutes=1).code(apps, None)
    task = PeriodicTask.objects.get(name="每分钟")
    assert (task.interval.every, task.interval.period, task.crontab) == (1, "minutes", None)


@pytest.mark.parametrize("when", [{}, {"crontab": {"hour": "2"}, "every_minutes": 5}])
def test_a_task_runs_by_a_crontab_or_an_interval_never_both_nor_neither(when):
    with pytest.raises(ValueError):
        periodic_task_operation(name="x", task="core.example", **when)
