"""Residents (居民档案) over the API (API.md)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from accounts.requests import AuthenticatedRequest

from ..models import Resident
from ..selectors import resident_get, resident_list, residents_with_division_name
from ..serializers import EnrollmentSerializer, IdentitySerializer, ResidentCreatedSerializer, ResidentSerializer
from ..services.residents import id_number_address_warnings, resident_create
from .base import ReadRequiresViewPermission, api_validation_error


@extend_schema(tags=["居民档案"])
class ResidentViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    serializer_class = ResidentSerializer
    permission_classes = [IsAuthenticated, ReadRequiresViewPermission]
    queryset = Resident.objects.none()  # for the schema; requests use get_queryset()
    lookup_field = "id_number"
    lookup_value_regex = "[0-9Xx]{1,18}(?:B[0-9]?)?"  # a newborn placeholder ends in B, B1 …
    request: AuthenticatedRequest

    def get_queryset(self):
        residents = resident_list(
            user=self.request.user,
            search=self.request.query_params.get("search", ""),
            division_code=self.request.query_params.get("division", ""),
        )
        # The household division's name (shown) is read in the page's own query; the residence division is
        # answered by its code alone.
        return residents_with_division_name(residents.select_related(None))

    def retrieve(self, request, *args, **kwargs):
        resident = self.get_object()
        body = ResidentSerializer(resident, context=self.get_serializer_context()).data
        enrollments = resident.enrollments.select_related("resident").order_by("-insurance_year", "-id")
        body["enrollments"] = EnrollmentSerializer(enrollments, many=True, context=self.get_serializer_context()).data
        body["identities"] = IdentitySerializer(resident.hardship_identities.order_by("valid_from"), many=True).data
        return Response(body)

    def get_object(self):
        resident = resident_get(user=self.request.user, id_number=self.kwargs["id_number"])
        if resident is None:
            raise Http404
        return resident

    @extend_schema(
        parameters=[
            OpenApiParameter("division", OpenApiTypes.STR, description="区划代码前缀"),
            OpenApiParameter("search", OpenApiTypes.STR, description="身份证号（前缀）或姓名"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ResidentSerializer, responses={201: ResidentCreatedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ResidentSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            resident = resident_create(
                actor=request.user,
                id_number=data["id_number"],
                name=data["name"],
                phone=data.get("phone", ""),
                household_division=data["household_division"],
                residence_division=data.get("residence_division"),
            )
        except DjangoValidationError as error:
            raise api_validation_error(_rename_division_field(error)) from None
        resident.warnings = id_number_address_warnings(id_number=resident.id_number)  # type: ignore[attr-defined]
        body = ResidentCreatedSerializer(resident, context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


def _rename_division_field(error: DjangoValidationError) -> DjangoValidationError:
    """The API calls the household division `division`."""
    if not hasattr(error, "message_dict"):
        return error
    renamed = {
        ("division" if field == "household_division" else field): messages
        for field, messages in error.message_dict.items()
    }
    return DjangoValidationError(renamed)
