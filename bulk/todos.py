"""The bulk import's lines on the home page (accounts.todos): imports waiting for confirmation, imports with errors."""

import datetime

from django.urls import reverse

from accounts.models import Role, User
from accounts.todos import TodoLine, todo_register

from .selectors import bulk_imports_to_confirm, bulk_imports_with_errors


def imports_to_confirm_line(user: User, today: datetime.date) -> TodoLine:
    return TodoLine(
        label="校验完成待确认的批量导入",
        count=bulk_imports_to_confirm(user=user).count(),
        url=reverse("bulk_import_index"),
    )


def imports_with_errors_line(user: User, today: datetime.date) -> TodoLine:
    return TodoLine(
        label="有错误未导入、尚未重新上传的批量导入",
        count=bulk_imports_with_errors(user=user).count(),
        url=reverse("bulk_import_index"),
    )


def todos_register() -> None:
    todo_register(key="bulk.imports_to_confirm", roles={Role.WINDOW_CLERK}, order=30, line=imports_to_confirm_line)
    todo_register(key="bulk.imports_with_errors", roles={Role.WINDOW_CLERK}, order=40, line=imports_with_errors_line)
