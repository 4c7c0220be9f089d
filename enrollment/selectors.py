from django.db.models import Q, QuerySet

from accounts.models import User
from accounts.selectors import scope_queryset

from .models import Resident

RESIDENT_DIVISION_FIELDS = ("household_division", "residence_division")


def resident_list(*, user: User, search: str = "", division_code: str = "") -> QuerySet[Resident]:
    """Residents the user may see: household or residence inside the user's subtree."""
    residents = scope_queryset(Resident.objects.all(), user=user, division_fields=RESIDENT_DIVISION_FIELDS)
    if division_code:
        residents = residents.filter(
            Q(household_division__code__startswith=division_code)
            | Q(residence_division__code__startswith=division_code)
        )
    search = search.strip()
    if search:
        if search[:17].isdigit():
            residents = residents.filter(id_number__startswith=search.upper())
        else:
            residents = residents.filter(name__contains=search)
    return residents.select_related("household_division__parent", "residence_division")


def resident_get(*, user: User, id_number: str | None = None, pk: int | None = None) -> Resident | None:
    """One resident in the user's scope, or None: outside the scope a person does not exist for this user."""
    residents = resident_list(user=user)
    lookup = {"id_number": id_number.strip().upper()} if id_number is not None else {"pk": pk}
    return residents.filter(**lookup).first()
