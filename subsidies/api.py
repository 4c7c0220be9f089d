"""Hardship identities (困难身份) over the API (API.md)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.views import APIView

from core.serializers import Serializer
from enrollment.api import resident_record_create
from enrollment.serializers import IdentitySerializer

from .models import CertifyingDepartment, HardshipCategory
from .services import hardship_identity_create


class IdentityCreateSerializer(Serializer):
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
        return resident_record_create(
            self,
            request,
            permission="subsidies.add_hardshipidentity",
            request_serializer=IdentityCreateSerializer,
            service=hardship_identity_create,
            response_serializer=IdentitySerializer,
        )
