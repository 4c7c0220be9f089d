"""Saving a record that keeps history (django-simple-history): the history row names who changed it, and why.

A service calls `history_save` inside its transaction instead of `save()`, so that the row says who acted even
where no request is behind the change (a Celery task, a management command), and never the wrong user.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.db.models import Model
from simple_history.models import HistoricalRecords


def history_save(
    instance: Model,
    *,
    actor: AbstractBaseUser,
    reason: str | None = None,
    update_fields: Iterable[str] | None = None,
) -> None:
    """Save `instance`; the history row this save writes names `actor`, and `reason` if one is given."""
    # simple_history reads both attributes from the instance when it writes the history row of the save.
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]
    instance.save(update_fields=update_fields)


class HistoryReadPerRecord(HistoricalRecords):  # type: ignore[misc]  # simple-history ships no type hints
    """The history of a table that a county's file loads in bulk (the registry, enrollments), read one record at a
    time: by the record's id, which stays indexed. simple-history also indexes every history row's date and user,
    two indexes that nothing reads and that a load of a million people would write a million times each."""

    def get_extra_fields(self, model: type[Model], fields: dict[str, Any]) -> dict[str, Any]:
        extra: dict[str, Any] = super().get_extra_fields(model, fields)
        extra["history_date"] = models.DateTimeField(db_index=False)
        if isinstance(extra.get("history_user"), models.ForeignKey):
            extra["history_user"].db_index = False
        return extra
