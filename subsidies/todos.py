"""The subsidies app's line on the home page (accounts.todos): identity lists uploaded but not yet confirmed."""

import datetime

from django.urls import reverse

from accounts.models import Role, User
from accounts.todos import TodoLine, todo_register

from .selectors import identity_lists_to_confirm


def identity_lists_to_confirm_line(user: User, today: datetime.date) -> TodoLine:
    """R6.1: the departments' lists of the user's scope waiting for a clerk to confirm them."""
    return TodoLine(
        label="已上传待确认的困难身份名单",
        count=identity_lists_to_confirm(user=user).count(),
        url=reverse("identity_list_index"),
    )


def todos_register() -> None:
    todo_register(
        key="subsidies.identity_lists", roles={Role.WINDOW_CLERK}, order=20, line=identity_lists_to_confirm_line
    )
