"""The home page's lines of the exchange: records waiting for a clerk, and deaths whose refund is to be opened."""

import datetime

from django.urls import reverse

from accounts.models import Role, User
from accounts.todos import TodoLine, todo_register

from .selectors import feed_record_queue, feed_refund_offers


def queue_line(user: User, today: datetime.date) -> TodoLine:
    return TodoLine(label="数据交换待处理", count=feed_record_queue(user=user).count(), url=reverse("exchange_queue"))


def refunds_line(user: User, today: datetime.date) -> TodoLine:
    """R12.1: deaths before a paid year's benefits start, whose refund the window has not yet opened."""
    return TodoLine(label="死亡退费待办", count=feed_refund_offers(user=user).count(), url=reverse("exchange_refunds"))


def todos_register() -> None:
    roles = {Role.WINDOW_CLERK}
    todo_register(key="exchange.queue", roles=roles, order=50, line=queue_line)
    todo_register(key="exchange.refunds", roles=roles, order=60, line=refunds_line)
