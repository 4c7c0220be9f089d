"""Hardship identities (困难身份) over the API (API.md)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from enrollment.api import api_validation_error
from enrollment.enrollment_api import resident_in_scope
from enrollment.serializers import IdentitySerializer

from .models import CertifyingDepartment, HardshipCategory
from .services import hardship_identity_create


class IdentityCreateSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=18)
    category = serializers.ChoiceField(choices=HardshipCategory.choices)
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(required=False, allow_null=True)
    department = serializers.ChoiceField(choices=CertifyingDepartment.choices)
    disability_grade = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)


class IdentityView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["困难身份"], request=IdentityCreateSerializer, responses={201: IdentitySerializer})
    def post(self, request):
        if not request.user.has_perm("subsidies.add_hardshipidentity"):
            self.permission_denied(request)
        serializer = IdentityCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        resident = resident_in_scope(request, data.pop("id_number"))
        try:
            identity = hardship_identity_create(actor=request.user, resident=resident, **data)
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        return Response(IdentitySerializer(identity).data, status=status.HTTP_201_CREATED)
