"""Division scoping: the one mechanism that limits pages, API, exports and reports to a user's subtree."""

from django.db.models import Q, QuerySet

from .models import User


def user_scope_code(*, user: User) -> str | None:
    """The division-code prefix a user may see; None means everything (superusers only).

    A user bound to no division sees nothing: the impossible prefix "-" matches no code.
    """
    if user.is_superuser:
        return None
    if user.division_id is None:
        return "-"
    return str(user.division_id)


def scope_queryset(queryset: QuerySet, *, user: User, division_fields: tuple[str, ...]) -> QuerySet:
    """Rows whose division (any of division_fields, each a foreign key to Division) lies in the user's subtree."""
    code = user_scope_code(user=user)
    if code is None:
        return queryset
    condition = Q()
    for field in division_fields:
        condition |= Q(**{f"{field}__code__startswith": code})
    return queryset.filter(condition)


def user_can_see_division(*, user: User, division_code: str) -> bool:
    code = user_scope_code(user=user)
    return code is None or division_code.startswith(code)
