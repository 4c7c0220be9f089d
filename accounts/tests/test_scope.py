import pytest

from accounts.models import Role
from accounts.permissions import VIEW_FULL_ID_NUMBER
from accounts.selectors import user_can_see_division, user_scope_code
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
