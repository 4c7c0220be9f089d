"""The duplicates app's line on the home page (accounts.todos): duplicate enrollments still open in the scope."""

import datetime
from urllib.parse import urlencode

from django.urls import reverse

from accounts.models import Role, User
from accounts.todos import TodoLine, todo_register

from .models import CaseStatus
from .selectors import duplicate_open_count


def open_cases_line(user: User, today: datetime.date) -> TodoLine:
    """The open cases of the user's counties; the line opens their list."""
    count = duplicate_open_count(user=user)
    return TodoLine(
        label="重复参保待处理",
        count=count,
        url=f"{reverse('duplicate_case_list')}?{urlencode({'status': CaseStatus.OPEN})}",
    )


def todos_register() -> None:
    todo_register(key="duplicates.open_cases", roles={Role.WINDOW_CLERK}, order=70, line=open_cases_line)
