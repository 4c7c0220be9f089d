"""Saving a record that keeps history (django-simple-history): the history row names who changed it, and why.

A service calls `history_save` inside its transaction instead of `save()`, so that the row says who acted even
where no request is behind the change (a Celery task, a management command), and never the wrong user.
"""

from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Model


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
