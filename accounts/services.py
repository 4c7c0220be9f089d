from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

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
    *, user: User, path: str, query: dict[str, Any], file_name: str, row_count: int | None, ip_address: str | None
) -> ExportRecord:
    record = ExportRecord(
        user=user, path=path[:300], query=query, file_name=file_name[:255], row_count=row_count, ip_address=ip_address
    )
    record.full_clean()
    record.save()
    return record


def personal_data_reveal(
    *, user: User, residents: list[Any], reason: str, note: str = "", path: str, ip_address: str | None
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


def personal_data_api_answer_record(
    *, user: User, id_numbers: dict[str, int | None], path: str, ip_address: str | None
) -> None:
    """Record that an API answer carried these full ID numbers, one row each. `id_numbers` maps each number to its
    resident where the answer knew it; a number shown without its resident (a mother's on a birth record, a payer's)
    is recorded with the resident the registry holds under it, or alone if there is none."""
    if not user.has_perm(VIEW_FULL_ID_NUMBER):
        raise PermissionDenied("无权查看完整身份证号。")
    unresolved = [id_number for id_number, resident_id in id_numbers.items() if resident_id is None]
    registered: dict[str, int] = {}
    if unresolved:
        resident_model = apps.get_model("enrollment", "Resident")
        registered = dict(resident_model.objects.filter(id_number__in=unresolved).values_list("id_number", "pk"))
    views = [
        PersonalDataView(
            user=user,
            resident_id=resident_id if resident_id is not None else registered.get(id_number),
            id_number=id_number,
            reason=RevealReason.API_CALL,
            path=path[:300],
            ip_address=ip_address,
        )
        for id_number, resident_id in id_numbers.items()
    ]
    if len(views) == 1:
        # The answer of one person (a search by ID number, a record): one INSERT, which outside a transaction is
        # committed on its own, where bulk_create would wrap it in BEGIN and COMMIT, two more round trips to the
        # database. Either way the row is committed before the answer leaves (the renderer waits for this call).
        _personal_data_view_insert(views[0])
    else:
        PersonalDataView.objects.bulk_create(views)


def _personal_data_view_insert(view: PersonalDataView) -> None:
    """One row written by a plain INSERT, its values prepared by its fields as the ORM prepares them: a window
    search writes one with every answer, and `Model.save` spends a third more CPU on the same row (0.44 ms against
    0.33, making the instance and the round trip included) on what no caller of this one uses: its signals, its
    choice between UPDATE and INSERT, the id read back."""
    view.viewed_at = timezone.now()
    fields = [field for field in PersonalDataView._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(PersonalDataView._meta.db_table)} ({columns}) VALUES ({placeholders})",
            [field.get_db_prep_save(getattr(view, field.attname), connection) for field in fields],
        )
