"""The targets app's lines on the home page (accounts.todos): divisions behind time progress, and progress snapshots
gone stale (R10.3)."""

import datetime

from django.conf import settings
from django.urls import reverse

from accounts.models import Role, User
from accounts.todos import TodoLine, todo_register

from .selectors.progress import progress_divisions_behind, progress_divisions_stale

ROLES = {Role.CITY_STAFF, Role.PROVINCE_STAFF}


def divisions_behind_line(user: User, today: datetime.date) -> TodoLine:
    return TodoLine(
        label="最新进度快照中完成率落后于时间进度（比率指标落后于目标值）的下级区划",
        count=progress_divisions_behind(user=user).count(),
        url=reverse("progress_dashboard"),
    )


def snapshots_stale_line(user: User, today: datetime.date) -> TodoLine:
    days = settings.TODO_PROGRESS_SNAPSHOT_STALE_DAYS
    return TodoLine(
        label=f"进度快照已超过{days}天未更新的区划",
        count=progress_divisions_stale(user=user, today=today, days=days).count(),
        url=reverse("progress_dashboard"),
    )


def todos_register() -> None:
    todo_register(key="targets.divisions_behind", roles=ROLES, order=210, line=divisions_behind_line)
    todo_register(key="targets.snapshots_stale", roles=ROLES, order=230, line=snapshots_stale_line)
