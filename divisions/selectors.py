from django.db.models import QuerySet

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


def division_ancestor_codes(*, code: str) -> list[str]:
    """The codes of a division and of every division above it, the province first."""
    codes = []
    division = Division.objects.filter(code=code).select_related("parent").first()
    while division is not None:
        codes.append(division.code)
        division = division.parent
    return codes[::-1]
