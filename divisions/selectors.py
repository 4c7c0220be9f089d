from django.db.models import Q, QuerySet

from .models import Division, DivisionLevel


def division_subtree(*, root_code: str, levels: list[str] | None = None) -> QuerySet[Division]:
    divisions = Division.objects.filter(code__startswith=root_code)
    if levels:
        divisions = divisions.filter(level__in=levels)
    return divisions


def residence_divisions_under(*, root_code: str) -> QuerySet[Division]:
    """Villages and townships a resident can belong to, inside a subtree."""
    return division_subtree(root_code=root_code, levels=[DivisionLevel.TOWNSHIP, DivisionLevel.VILLAGE]).select_related(
        "parent"
    )


def division_label_with_parent(division: Division) -> str:
    """A division as a list offers it: the name of the division above before its own ("玉井镇 玉井村委会")."""
    parent = f"{division.parent.name} " if division.parent else ""
    return f"{parent}{division.name}"


def residence_divisions_matching(*, root_code: str, text: str, limit: int) -> list[Division]:
    """The first `limit` townships and villages inside a subtree whose name, whose township's name or whose code
    holds the typed text, in code order."""
    return list(
        residence_divisions_under(root_code=root_code)
        .filter(Q(name__contains=text) | Q(parent__name__contains=text) | Q(code__startswith=text))
        .order_by("code")[:limit]
    )


def division_ancestor_codes(*, code: str) -> list[str]:
    """The codes of a division and of every division above it, the province first."""
    codes = []
    division = Division.objects.filter(code=code).select_related("parent").first()
    while division is not None:
        codes.append(division.code)
        division = division.parent
    return codes[::-1]
