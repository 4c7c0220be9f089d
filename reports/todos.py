"""The reports app's line on the home page (accounts.todos): fiscal transfers overdue (R11.3)."""

import datetime
from urllib.parse import urlencode

from django.urls import reverse

from accounts.models import Role, User
from accounts.todos import TodoLine, todo_register

from .selectors.settlement import fiscal_default_city_code
from .selectors.transfers import fiscal_transfers_overdue


def transfers_overdue_line(user: User, today: datetime.date) -> TodoLine:
    """R11.3: the levels (a county's province, city or county share) not paid in full by the due date; the line
    opens the year's fiscal page, of the user's own city when they have one."""
    overdue = fiscal_transfers_overdue(user=user, today=today)
    url = reverse("fiscal_settlement")
    if overdue.year is None:
        return TodoLine(label="逾期未拨付的新生儿参保资助资金", count=0, url=url)
    query: dict[str, object] = {"year": overdue.year}
    city_code = fiscal_default_city_code(user=user)
    if city_code is not None:
        query["city"] = city_code
    return TodoLine(
        label=f"{overdue.year}年度新生儿参保资助资金逾期未拨付（按区县、级次）",
        count=len(overdue.rows),
        url=f"{url}?{urlencode(query)}",
    )


def todos_register() -> None:
    todo_register(
        key="reports.transfers_overdue",
        roles={Role.CITY_STAFF, Role.PROVINCE_STAFF, Role.FINANCE},
        order=220,
        line=transfers_overdue_line,
    )
