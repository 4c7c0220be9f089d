"""The one way an API answer carries an ID number (API.md conventions, 个人信息保护法)."""

from typing import Any, NamedTuple

from django.apps import apps
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import get_attribute

from .permissions import VIEW_FULL_ID_NUMBER
from .personal_data import full_id_number_note, id_number_on_page, phone_on_page


class ShownIdNumber(NamedTuple):
    id_number: str
    resident_id: int | None


# The schema marks these fields with their own format, so that a test can list every answer that carries one.
@extend_schema_field({"type": "string", "format": "id-number", "example": "140621198503120170"})
class IdNumberField(serializers.CharField):
    """A 公民身份号码 in an answer: in full for users who may see it, masked for the others. Each full number is noted
    on the request, with its resident when the number is read from one (`source="resident.id_number"`), and
    the API's renderers record the answer's numbers once it is rendered (accounts.renderers). Requests take the
    full number, as a CharField does."""

    def get_attribute(self, instance: Any) -> Any:
        id_number = super().get_attribute(instance)
        if not id_number:
            return id_number
        owner = get_attribute(instance, self.source_attrs[:-1])
        is_resident = isinstance(owner, apps.get_model("enrollment", "Resident"))
        return ShownIdNumber(str(id_number), owner.pk if is_resident else None)

    def to_representation(self, value: Any) -> str:
        shown = value if isinstance(value, ShownIdNumber) else ShownIdNumber(str(value), None)
        if not shown.id_number:
            return ""
        request = self.context.get("request")
        if request is None or not request.user.has_perm(VIEW_FULL_ID_NUMBER):
            return id_number_on_page(shown.id_number)
        full_id_number_note(request=request, id_number=shown.id_number, resident_id=shown.resident_id)
        return shown.id_number


class PhoneField(serializers.CharField):
    """A phone number in an answer: in full for users who may see personal numbers in full, masked (138****5678) for
    the others, as on the pages. Requests take the full number."""

    def to_representation(self, value: Any) -> str:
        phone = str(value or "")
        request = self.context.get("request")
        if phone and (request is None or not request.user.has_perm(VIEW_FULL_ID_NUMBER)):
            return phone_on_page(phone)
        return phone
