import pytest
from django.contrib.auth.models import Permission
from django.http import Http404

from accounts.models import Role, User
from accounts.permissions import VIEW_FULL_ID_NUMBER, VIEW_RESIDENT
from accounts.scope import (
    DivisionOutOfScope,
    division_in_scope,
    division_in_scope_or_404,
    scope_or_above_queryset,
    scope_queryset,
    user_can_see_division,
    user_can_see_report_row,
    user_scope_code,
    user_scope_code_at,
    user_scope_lies_inside,
)
from conftest import BEIZHOUZHUANG_TOWN, SHANYIN, YUJING_TOWN, make_user
from divisions.models import Division, DivisionLevel
from tests.factories import SHUOZHOU_COUNTIES

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


# --- The scope rules (accounts.scope) ---------------------------------------------------------------------------


def test_a_township_official_sees_the_villages_of_their_township_only(yujing_official):
    # given the official of 玉井镇 (140621100)
    # then its villages are in scope, those of 北周庄镇 (140621101) and the township itself next door are not
    assert user_can_see_division(user=yujing_official, division_code="140621100201")
    assert user_can_see_division(user=yujing_official, division_code="140621100")
    assert not user_can_see_division(user=yujing_official, division_code="140621101")
    assert not user_can_see_division(user=yujing_official, division_code="140621101201")
    assert not user_can_see_division(user=yujing_official, division_code=SHANYIN)


def test_city_staff_see_their_city_and_not_another(city_staff):
    # given staff of 朔州市 (1406)
    assert user_can_see_division(user=city_staff, division_code=SHANYIN)
    assert user_can_see_division(user=city_staff, division_code="140621100201")
    assert not user_can_see_division(user=city_staff, division_code="1402")
    assert not user_can_see_division(user=city_staff, division_code="140221")
    assert not user_can_see_division(user=city_staff, division_code="14")


def test_province_staff_see_every_division_of_the_province():
    province = make_user("shanxi", Role.PROVINCE_STAFF, "14")
    assert user_scope_code(user=province) == "14"
    assert scope_queryset(Division.objects.all(), user=province, code_fields=("code",)).count() == (
        Division.objects.filter(code__startswith="14").count()
    )
    assert not user_can_see_division(user=province, division_code="1301")


def test_a_user_bound_to_no_division_sees_nothing():
    # given a user without a division (not a superuser)
    nobody = User.objects.create_user(username="nobody", password="test-password-2026", role=Role.CITY_STAFF)
    # then no division is in scope, nor above it
    assert not user_can_see_division(user=nobody, division_code="14")
    assert not user_can_see_report_row(user=nobody, division_code="14")
    assert scope_queryset(Division.objects.all(), user=nobody, code_fields=("code",)).count() == 0
    assert scope_or_above_queryset(Division.objects.all(), user=nobody, code_fields=("code",)).count() == 0
    assert user_scope_code_at(user=nobody, levels=(DivisionLevel.PROVINCE,)) is None


def test_a_superuser_sees_everything():
    admin = make_user("sysadmin", Role.SYSTEM_ADMIN, "14")
    assert user_can_see_division(user=admin, division_code="1301")
    assert user_can_see_report_row(user=admin, division_code="1301")
    assert scope_queryset(Division.objects.all(), user=admin, code_fields=("code",)).count() == Division.objects.count()
    assert user_scope_code_at(user=admin, levels=(DivisionLevel.COUNTY,)) is None
    assert not user_scope_lies_inside(user=admin, division_code=SHANYIN)


def test_report_rows_of_the_divisions_above_the_scope_are_shown_too(yujing_official, city_staff):
    # a township official sees their county's and city's rows (counting only their own township), not a neighbour's
    assert user_can_see_report_row(user=yujing_official, division_code=SHANYIN)
    assert user_can_see_report_row(user=yujing_official, division_code="1406")
    assert user_can_see_report_row(user=yujing_official, division_code="140621100201")
    assert not user_can_see_report_row(user=yujing_official, division_code="140622")
    assert not user_can_see_report_row(user=yujing_official, division_code=BEIZHOUZHUANG_TOWN)
    assert user_can_see_report_row(user=city_staff, division_code="14")
    assert not user_can_see_report_row(user=city_staff, division_code="1402")


def test_scope_lies_inside_a_division_only_strictly_below_it(yujing_official, city_staff):
    assert user_scope_lies_inside(user=yujing_official, division_code=SHANYIN)
    assert not user_scope_lies_inside(user=yujing_official, division_code=YUJING_TOWN)
    assert not user_scope_lies_inside(user=yujing_official, division_code="140622")
    assert not user_scope_lies_inside(user=city_staff, division_code=SHANYIN)


def test_the_users_own_division_at_a_level(yujing_official, city_staff):
    assert user_scope_code_at(user=yujing_official, levels=(DivisionLevel.COUNTY,)) == SHANYIN
    assert user_scope_code_at(user=yujing_official, levels=(DivisionLevel.TOWNSHIP, DivisionLevel.COUNTY)) == (
        YUJING_TOWN
    )
    assert user_scope_code_at(user=city_staff, levels=(DivisionLevel.TOWNSHIP, DivisionLevel.COUNTY)) is None
    assert user_scope_code_at(user=city_staff, levels=(DivisionLevel.COUNTY, DivisionLevel.CITY)) == "1406"


def test_scope_queryset_follows_a_code_path(yujing_official):
    # given every village, filtered by the villages' own code and by their township's code
    villages = Division.objects.filter(level=DivisionLevel.VILLAGE)
    expected = set(villages.filter(code__startswith=YUJING_TOWN).values_list("code", flat=True))
    by_code = scope_queryset(villages, user=yujing_official, code_fields=("code",))
    by_parent = scope_queryset(villages, user=yujing_official, code_fields=("parent__code",))
    # then both give the 18 villages of 玉井镇
    assert len(expected) == 18
    assert set(by_code.values_list("code", flat=True)) == expected
    assert set(by_parent.values_list("code", flat=True)) == expected


def test_the_counties_a_user_reaches(yujing_official, city_staff):
    counties = Division.objects.filter(level=DivisionLevel.COUNTY)
    # a township official reaches the one county their township lies in
    reached = scope_or_above_queryset(counties, user=yujing_official, code_fields=("code",))
    assert list(reached.values_list("code", flat=True)) == [SHANYIN]
    # city staff the counties of their city
    reached = scope_or_above_queryset(counties, user=city_staff, code_fields=("code",)).order_by("code")
    assert list(reached.values_list("code", flat=True)) == list(SHUOZHOU_COUNTIES)


def test_a_division_out_of_scope_answers_as_one_that_does_not_exist(yujing_official):
    assert division_in_scope(user=yujing_official, code="140621100201").code == "140621100201"
    assert division_in_scope_or_404(yujing_official, YUJING_TOWN).code == YUJING_TOWN
    for code in (BEIZHOUZHUANG_TOWN, "140621100999"):  # another township; a code no division has
        with pytest.raises(DivisionOutOfScope):
            division_in_scope(user=yujing_official, code=code)
        with pytest.raises(Http404) as refused:
            division_in_scope_or_404(yujing_official, code)
        assert str(refused.value) == "没有找到该区划，或不在您的管辖范围内。"
