"""The newborns app's line on the home page (accounts.todos): births still without an ID number (R7.5)."""

import datetime
from urllib.parse import urlencode

from django.urls import reverse

from accounts.models import Role, User
from accounts.todos import TodoLine, todo_register

from .forms.births import AWAITING_ID_DEFAULT_DAYS
from .selectors.births import birth_record_awaiting_id


def awaiting_id_line(user: User, today: datetime.date) -> TodoLine:
    """R7.5: the births of the user's scope at least as old as the follow-up list's default, still on a placeholder
    identity; the line opens that list."""
    days = AWAITING_ID_DEFAULT_DAYS
    records = birth_record_awaiting_id(user=user, born_on_or_before=today - datetime.timedelta(days=days))
    return TodoLine(
        label=f"出生满{days}天仍未补录身份证号的新生儿",
        count=records.count(),
        url=f"{reverse('newborn_awaiting_id')}?{urlencode({'days': days})}",
    )


def todos_register() -> None:
    todo_register(key="newborns.awaiting_id", roles={Role.WINDOW_CLERK}, order=10, line=awaiting_id_line)
