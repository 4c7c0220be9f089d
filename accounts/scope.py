"""Division scope: the one mechanism that limits pages, API, exports and reports to a user's subtree.

A user is bound to one division; everything in its subtree is in their scope. Outside it, a division or a person
does not exist for the user: "not in scope" and "does not exist" answer alike (404).
"""

from collections.abc import Sequence
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from divisions.codes import ancestor_codes, code_at_level, code_is_strictly_within, code_is_within, codes_on_one_line
from divisions.models import Division, DivisionLevel

from .models import User

RowModel = TypeVar("RowModel", bound=Model)

# The scope of a user bound to no division: a prefix no division code starts with, so they see nothing.
NO_DIVISION_SCOPE = "-"


class DivisionOutOfScope(LookupError):
    """The division does not exist or lies outside the user's scope: for this user it does not exist (404)."""


def user_scope_code(*, user: User) -> str | None:
    """The code of the division whose subtree the user may see; None means everything (superusers only).

    A user bound to no division sees nothing (NO_DIVISION_SCOPE).
    """
    if user.is_superuser:
        return None
    if user.division_id is None:
        return NO_DIVISION_SCOPE
    return str(user.division_id)


def user_can_see_division(*, user: User, division_code: str) -> bool:
    """Whether the division lies in the user's subtree."""
    scope_code = user_scope_code(user=user)
    return scope_code is None or code_is_within(division_code, scope_code)


def user_can_see_report_row(*, user: User, division_code: str) -> bool:
    """Whether a report row of this division is shown to the user: it lies in their scope, or their scope lies in it
    (a county clerk sees their city's row; its figures count only their own scope)."""
    scope_code = user_scope_code(user=user)
    return scope_code is None or codes_on_one_line(division_code, scope_code)


def user_scope_lies_inside(*, user: User, division_code: str) -> bool:
    """Whether the user's scope is a division strictly below this one (they see only part of it)."""
    scope_code = user_scope_code(user=user)
    return scope_code is not None and code_is_strictly_within(scope_code, division_code)


def user_scope_code_at(*, user: User, levels: Sequence[DivisionLevel]) -> str | None:
    """The code of the user's own division at the first of `levels` their scope reaches (their township, else their
    county...); None when their scope lies above all of them."""
    scope_code = user_scope_code(user=user)
    if scope_code is None:
        return None
    for level in levels:
        code = code_at_level(scope_code, level)
        if code is not None:
            return code
    return None


def scope_queryset(queryset: QuerySet[RowModel], *, user: User, code_fields: tuple[str, ...]) -> QuerySet[RowModel]:
    """Rows whose division lies in the user's subtree by any of `code_fields`, each a lookup path to a division code
    ("code", "county__code", "resident__household_division__code")."""
    scope_code = user_scope_code(user=user)
    if scope_code is None:
        return queryset
    condition = Q()
    for field in code_fields:
        condition |= Q(**{f"{field}__startswith": scope_code})
    return queryset.filter(condition)


def scope_or_above_queryset(
    queryset: QuerySet[RowModel], *, user: User, code_fields: tuple[str, ...]
) -> QuerySet[RowModel]:
    """Rows whose division lies in the user's subtree or above their division (the county a township official
    works in), by any of `code_fields` as for `scope_queryset`."""
    scope_code = user_scope_code(user=user)
    if scope_code is None:
        return queryset
    above = ancestor_codes(scope_code)
    condition = Q()
    for field in code_fields:
        condition |= Q(**{f"{field}__startswith": scope_code}) | Q(**{f"{field}__in": above})
    return queryset.filter(condition)


def division_in_scope(*, user: User, code: str) -> Division:
    """The division, if it lies in the user's subtree; else DivisionOutOfScope, whether it exists or not."""
    division = None
    if user_can_see_division(user=user, division_code=code):
        division = Division.objects.filter(code=code).first()
    if division is None:
        raise DivisionOutOfScope(code)
    return division


def division_in_scope_or_404(user: User, code: str) -> Division:
    """`division_in_scope` for a view: a division outside the scope answers 404 like one that does not exist."""
    try:
        return division_in_scope(user=user, code=code)
    except DivisionOutOfScope as error:
        raise Http404("没有找到该区划，或不在您的管辖范围内。") from error
