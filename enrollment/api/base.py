"""What the API views of every app share: a service's refusal in DRF's shape, the read permission, the person named
by ID number in a request, and the POST that records something of that person."""

from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Resident
from ..selectors import resident_get


def api_validation_error(error: DjangoValidationError) -> ValidationError:
    """A service's Chinese refusal in DRF's shape: {"field": ["message"]}."""
    if hasattr(error, "message_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


class ReadRequiresViewPermission(DjangoModelPermissions):
    perms_map = {**DjangoModelPermissions.perms_map, "GET": ["%(app_label)s.view_%(model_name)s"]}

    def _queryset(self, view):
        """The model whose permissions are asked, from the view's declared (empty) queryset: DRF's own way calls
        get_queryset(), which builds the user's scoped search a second time on every request."""
        declared = getattr(view, "queryset", None)
        return declared if declared is not None else super()._queryset(view)


def resident_in_scope(request, id_number: str) -> Resident:
    resident = resident_get(user=request.user, id_number=id_number)
    if resident is None:
        raise ValidationError({"id_number": ["没有找到该身份证号的居民，请先登记居民档案。"]})
    return resident


def resident_record_create(
    view: APIView,
    request: Request,
    *,
    permission: str,
    request_serializer: type[serializers.Serializer],
    service: Callable[..., Model],
    response_serializer: type[serializers.Serializer],
) -> Response:
    """POST of a record of one person named by `id_number` (a hardship identity, a claim summary): refused without
    `permission`; the request checked; the person looked up in the user's scope; `service` called with the other
    fields; 201 with the record."""
    if not request.user.has_perm(permission):
        view.permission_denied(request)
    serializer = request_serializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    resident = resident_in_scope(request, data.pop("id_number"))
    try:
        record = service(actor=request.user, resident=resident, **data)
    except DjangoValidationError as error:
        raise api_validation_error(error) from None
    return Response(response_serializer(record).data, status=status.HTTP_201_CREATED)
