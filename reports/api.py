"""The fiscal settlement over the API (API.md "Fiscal")."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import VIEW_FISCAL
from accounts.scope import user_can_see_report_row
from core.serializers import Serializer
from divisions.models import Division, DivisionLevel

from .selectors.settlement import FiscalDataMissing, city_code_normalise, settlement_compute


class SettlementQuerySerializer(Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    city = serializers.CharField(max_length=6, help_text="设区市代码，1406 或 140600")

    def validate_city(self, value: str) -> str:
        code = city_code_normalise(value.strip())
        if not Division.objects.filter(code=code, level=DivisionLevel.CITY).exists():
            raise ValidationError(f"{value} 不是已知的设区市代码。")
        return code


class SettlementRowSerializer(Serializer):
    county = serializers.CharField(source="county_code")
    level = serializers.CharField()
    prepaid = serializers.DecimalField(max_digits=12, decimal_places=2)
    actual_cost = serializers.DecimalField(max_digits=12, decimal_places=2)
    settlement = serializers.DecimalField(max_digits=12, decimal_places=2)


class SettlementResponseSerializer(Serializer):
    results = SettlementRowSerializer(many=True)


class SettlementView(APIView):
    """R11.2: per county and level, the prepay from the targets, the actual cost and the difference."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["财政结算"],
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, required=True),
            OpenApiParameter("city", OpenApiTypes.STR, required=True),
        ],
        responses={200: SettlementResponseSerializer},
    )
    def get(self, request):
        if not request.user.has_perm(VIEW_FISCAL):
            self.permission_denied(request)
        query = SettlementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        city = query.validated_data["city"]
        if not user_can_see_report_row(user=request.user, division_code=city):
            raise Http404
        try:
            rows = settlement_compute(year=query.validated_data["year"], city_code=city)
        except FiscalDataMissing as error:
            raise ValidationError({"city": [str(error)]}) from None
        visible = [row for row in rows if user_can_see_report_row(user=request.user, division_code=row.county_code)]
        return Response({"results": SettlementRowSerializer(visible, many=True).data})
