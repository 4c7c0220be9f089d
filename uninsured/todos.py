"""The uninsured ledger's lines on the home page (accounts.todos): a township's lists to sign, the people to follow
up before their list's deadline, and the lists past their deadline (R13.5)."""

import datetime

from django.conf import settings
from django.urls import reverse

from accounts.models import Role, User
from accounts.todos import TodoLine, todo_register

from .selectors import uninsured_lists_overdue, uninsured_lists_to_sign, uninsured_people_deadline_near


def lists_to_sign_line(user: User, today: datetime.date) -> TodoLine:
    return TodoLine(
        label="待签领的未参保人员名单",
        count=uninsured_lists_to_sign(user=user).count(),
        url=reverse("uninsured_lists"),
    )


def deadline_near_line(user: User, today: datetime.date) -> TodoLine:
    days = settings.TODO_DEADLINE_NEAR_DAYS
    return TodoLine(
        label=f"{days}天内到反馈截止日期、尚未核实反馈的未参保人员",
        count=uninsured_people_deadline_near(user=user, today=today, days=days).count(),
        url=reverse("uninsured_ledger"),
    )


def lists_overdue_line(user: User, today: datetime.date) -> TodoLine:
    return TodoLine(
        label="已过反馈截止日期、仍有人员未反馈的名单",
        count=uninsured_lists_overdue(user=user, today=today).count(),
        url=reverse("uninsured_lists"),
    )


def todos_register() -> None:
    roles = {Role.TOWNSHIP_OFFICIAL}
    todo_register(key="uninsured.lists_to_sign", roles=roles, order=110, line=lists_to_sign_line)
    todo_register(key="uninsured.deadline_near", roles=roles, order=120, line=deadline_near_line)
    todo_register(key="uninsured.lists_overdue", roles=roles, order=130, line=lists_overdue_line)
