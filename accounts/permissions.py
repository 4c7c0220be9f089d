"""What each role may do. Where a user may do it is the division scope (accounts.selectors)."""

from django.contrib.auth.backends import BaseBackend

from .models import Role

VIEW_RESIDENT = "enrollment.view_resident"
ADD_RESIDENT = "enrollment.add_resident"
CHANGE_RESIDENT = "enrollment.change_resident"
VIEW_FULL_ID_NUMBER = "enrollment.view_full_id_number"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.WINDOW_CLERK: frozenset({VIEW_RESIDENT, ADD_RESIDENT, CHANGE_RESIDENT, VIEW_FULL_ID_NUMBER}),
    Role.TOWNSHIP_OFFICIAL: frozenset({VIEW_RESIDENT, VIEW_FULL_ID_NUMBER}),
    Role.CITY_STAFF: frozenset({VIEW_RESIDENT}),
    Role.PROVINCE_STAFF: frozenset({VIEW_RESIDENT}),
    Role.FINANCE: frozenset(),
    Role.SYSTEM_ADMIN: frozenset({VIEW_RESIDENT, ADD_RESIDENT, CHANGE_RESIDENT, VIEW_FULL_ID_NUMBER}),
}


class RolePermissionBackend(BaseBackend):
    """Grants the permissions of the user's role; Django's ModelBackend still grants admin-assigned ones."""

    def get_all_permissions(self, user_obj, obj=None):  # type: ignore[no-untyped-def]
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(ROLE_PERMISSIONS.get(getattr(user_obj, "role", ""), frozenset()))
