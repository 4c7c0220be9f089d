"""How ID numbers and phone numbers are shown (个人信息保护法).

Pages show them masked. The full numbers appear only after the user asks, with a reason, and that is recorded
(accounts.services.personal_data_reveal). Files and API answers carry them in full for users with the permission;
every download is recorded (accounts.middleware), and every API answer carrying them too: API serializers write ID
numbers through accounts.serializers.IdNumberField, and the API's renderers record what it wrote
(accounts.renderers).
"""

from django.http import HttpRequest

from .models import RevealReason, User
from .permissions import VIEW_FULL_ID_NUMBER


def id_number_mask(id_number: str) -> str:
    """Keep the address code and the last four characters: 140621********123X.

    A newborn's placeholder (mother's number + B, B1 …) keeps its suffix: 140621********123XB.
    """
    if len(id_number) < 18:
        return "*" * len(id_number)
    return f"{id_number[:6]}{'*' * 8}{id_number[14:18]}{id_number[18:]}"


def person_name_mask(name: str) -> str:
    """Keep the first and, from three characters, the last character of a name: 刘小满 → 刘*满, 刘满 → 刘*; where an
    answer must say whom a record names without naming them."""
    if len(name) <= 1:
        return "*" * len(name)
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"


def id_number_on_page(id_number: str) -> str:
    return id_number_mask(id_number)


def phone_on_page(phone: str) -> str:
    """13812345678 → 138****5678."""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def id_number_for(*, user: User, id_number: str) -> str:
    """In a file or an API answer: in full for users with the permission, masked for the others."""
    return id_number if user.has_perm(VIEW_FULL_ID_NUMBER) else id_number_mask(id_number)


def full_id_number_note(*, request: HttpRequest, id_number: str, resident_id: int | None) -> None:
    """Note that the answer being built carries this full number (accounts.serializers.IdNumberField); the answer's
    renderer records the notes once it is rendered (accounts.renderers)."""
    _notes(request).setdefault(id_number, resident_id)


def full_id_number_notes_take(*, request: HttpRequest) -> dict[str, int | None]:
    """The full numbers noted for this answer, each with its resident where the answer knew it; the notes are
    cleared."""
    notes = _notes(request)
    taken = dict(notes)
    notes.clear()
    return taken


def _notes(request: HttpRequest) -> dict[str, int | None]:
    # On Django's request, not DRF's: the browsable API serializes forms through clones of DRF's request.
    django_request = getattr(request, "_request", request)
    notes: dict[str, int | None] = django_request.__dict__.setdefault("full_id_numbers_shown", {})
    return notes


# The reasons a person at a page may give; API calls are recorded with their own reason.
PAGE_REVEAL_REASONS = [(value, label) for value, label in RevealReason.choices if value != RevealReason.API_CALL]
