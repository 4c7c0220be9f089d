import pytest
from django.contrib.auth.models import Permission

from accounts.models import Role
from accounts.permissions import VIEW_FULL_ID_NUMBER, VIEW_RESIDENT
from accounts.scope import user_can_see_division, user_scope_code
from conftest import make_user

pytestmark = pytest.mark.django_db


def test_scope_is_the_users_division_code(yujing_official):
    assert user_scope_code(user=yujing_official) == "140621100"
    assert user_can_see_division(user=yujing_official, division_code="140621100201")
    assert not user_can_see_division(user=yujing_official, division_code="140621101201")


def test_system_administrator_is_superuser_and_sees_everything():
    admin = make_user("sysadmin", Role.SYSTEM_ADMIN, "14")
    assert admin.is_superuser
    assert user_scope_code(user=admin) is None


@pytest.mark.parametrize(
    ("role", "can_view_full_id"),
    [
        (Role.WINDOW_CLERK, True),
        (Role.TOWNSHIP_OFFICIAL, True),
        (Role.CITY_STAFF, False),
        (Role.PROVINCE_STAFF, False),
        (Role.FINANCE, False),
    ],
)
def test_full_id_number_permission_by_role(role, can_view_full_id):
    user = make_user(f"user-{role}", role, "140621")
    assert user.has_perm(VIEW_FULL_ID_NUMBER) is can_view_full_id


def test_a_permission_the_role_grants_is_answered_without_a_query(django_assert_num_queries):
    clerk = make_user("clerk-no-query", Role.WINDOW_CLERK, "140621")
    fresh = type(clerk).objects.get(pk=clerk.pk)  # no permission cache carried over from creating the user
    with django_assert_num_queries(0):
        assert fresh.has_perm(VIEW_FULL_ID_NUMBER)


def test_a_permission_assigned_in_the_admin_is_granted_beside_the_role():
    city_staff = make_user("city-with-extra", Role.CITY_STAFF, "1406")
    other_staff = make_user("city-without", Role.CITY_STAFF, "1406")
    city_staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="enrollment", codename="view_full_id_number")
    )
    city_staff = type(city_staff).objects.get(pk=city_staff.pk)
    assert city_staff.has_perm(VIEW_FULL_ID_NUMBER)
    assert VIEW_FULL_ID_NUMBER in city_staff.get_all_permissions()
    assert VIEW_RESIDENT in city_staff.get_all_permissions()  # the role's own, still there
    assert not other_staff.has_perm(VIEW_FULL_ID_NUMBER)


def test_an_inactive_user_has_no_permission_of_the_role():
    clerk = make_user("clerk-left", Role.WINDOW_CLERK, "140621")
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    assert not clerk.has_perm(VIEW_FULL_ID_NUMBER)
    assert clerk.get_all_permissions() == set()
