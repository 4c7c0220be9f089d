"""The home page's to-dos: each app registers what it asks of which roles, and the home page lists them.

The home page lives in accounts, below the apps whose work it lists, so it never imports them: each app registers
its to-dos from its AppConfig.ready() (newborns: births awaiting an ID number; uninsured: lists to sign...), and a
to-do counts, through the app's own scoped selectors, what the user has to do in their scope.
"""

import datetime
from collections.abc import Callable, Collection
from dataclasses import dataclass

from .models import User


@dataclass(frozen=True)
class TodoLine:
    """One line of the home page: what is to be done, how many, and the page where it is done."""

    label: str
    count: int
    url: str


@dataclass(frozen=True)
class Todo:
    roles: frozenset[str]
    order: int  # the line's place on the page, smallest first
    line: Callable[[User, datetime.date], TodoLine]


# Filled by the apps' ready(), by a key naming the to-do ("newborns.awaiting_id").
TODOS: dict[str, Todo] = {}


def todo_register(
    *, key: str, roles: Collection[str], order: int, line: Callable[[User, datetime.date], TodoLine]
) -> None:
    """Make a to-do appear on the home page of the users of `roles`. A key registered twice by two different to-dos
    is a mistake two apps would make silently."""
    todo = Todo(roles=frozenset(roles), order=order, line=line)
    if key in TODOS and TODOS[key] != todo:
        raise ValueError(f"home page to-do {key!r} is already registered")
    TODOS[key] = todo


def todo_lines(*, user: User, today: datetime.date) -> list[TodoLine]:
    """The to-dos of the user's role, in their order, each counted in the user's scope as of `today`."""
    todos = sorted(
        ((key, todo) for key, todo in TODOS.items() if user.role in todo.roles),
        key=lambda item: (item[1].order, item[0]),
    )
    return [todo.line(user, today) for _, todo in todos]
