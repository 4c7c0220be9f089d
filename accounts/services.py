from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from divisions.models import Division

from .models import ExportRecord, PersonalDataView, RevealReason, Role, User
from .permissions import VIEW_FULL_ID_NUMBER


@transaction.atomic
def user_create(*, username: str, password: str, role: str, division: Division, full_name: str = "") -> User:
    user = User(username=username, role=role, division=division, first_name=full_name)
    user.is_staff = user.is_superuser = role == Role.SYSTEM_ADMIN
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def export_record_create(
    *, user: User, path: str, query: dict, file_name: str, row_count: int | None, ip_address: str | None
) -> ExportRecord:
    record = ExportRecord(
        user=user, path=path[:300], query=query, file_name=file_name[:255], row_count=row_count, ip_address=ip_address
    )
    record.full_clean()
    record.save()
    return record


def personal_data_reveal(
    *, user: User, residents: list, reason: str, note: str = "", path: str, ip_address: str | None
) -> list[PersonalDataView]:
    """Record that the user is shown these people's full ID numbers and phones, and why; refuse without the
    permission. The caller has already limited `residents` to the user's scope."""
    if not user.has_perm(VIEW_FULL_ID_NUMBER):
        raise PermissionDenied("无权查看完整身份证号。")
    if reason not in RevealReason.values:
        raise ValidationError({"reason": "请选择查看原因。"})
    if reason == RevealReason.OTHER and not note.strip():
        raise ValidationError({"note": "原因为“其他”时须写明说明。"})
    views = [
        PersonalDataView(
            user=user,
            resident=resident,
            id_number=resident.id_number,
            reason=reason,
            note=note.strip()[:200],
            path=path[:300],
            ip_address=ip_address,
        )
        for resident in residents
    ]
    return PersonalDataView.objects.bulk_create(views)
