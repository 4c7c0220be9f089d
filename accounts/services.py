from django.db import transaction

from divisions.models import Division

from .models import Role, User


@transaction.atomic
def user_create(*, username: str, password: str, role: str, division: Division, full_name: str = "") -> User:
    user = User(username=username, role=role, division=division, first_name=full_name)
    user.is_staff = user.is_superuser = role == Role.SYSTEM_ADMIN
    user.set_password(password)
    user.full_clean()
    user.save()
    return user
