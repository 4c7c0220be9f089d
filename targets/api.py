"""Targets and progress over the API (API.md "Targets and progress")."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import VIEW_PROGRESS
from accounts.scope import user_can_see_report_row
from core.serializers import Serializer

from .rules import AS_OF_OUT_OF_REACH, as_of_in_reach
from .services.progress import LEVEL_CODE_LENGTHS, progress_compute


class ProgressQuerySerializer(Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    as_of = serializers.DateField()
    level = serializers.ChoiceField(choices=[(level, level) for level in LEVEL_CODE_LENGTHS], default="city")

    def validate(self, attrs: dict) -> dict:
        if not as_of_in_reach(as_of=attrs["as_of"], year=attrs["year"]):
            raise serializers.ValidationError({"as_of": [AS_OF_OUT_OF_REACH]})
        return attrs


class ProgressRowSerializer(Serializer):
    division = serializers.CharField(source="division_id")
    name = serializers.CharField(source="division.name")
    target = serializers.SerializerMethodField()
    actual = serializers.IntegerField()
    completion_rate = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    time_progress = serializers.DecimalField(max_digits=8, decimal_places=4)
    gap = serializers.IntegerField(allow_null=True)

    def get_target(self, snapshot) -> int | None:
        return None if snapshot.target is None else int(snapshot.target)


class ProgressResponseSerializer(Serializer):
    results = ProgressRowSerializer(many=True)


class ProgressView(APIView):
    """R10.3: subsidised newborns against the targets, per division of a level, as of a date."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["目标与进度"],
        parameters=[
            OpenApiParameter("year", OpenApiTypes.INT, required=True),
            OpenApiParameter("as_of", OpenApiTypes.DATE, required=True),
            OpenApiParameter("level", OpenApiTypes.STR, enum=list(LEVEL_CODE_LENGTHS)),
        ],
        responses={200: ProgressResponseSerializer},
    )
    def get(self, request):
        if not request.user.has_perm(VIEW_PROGRESS):
            self.permission_denied(request)
        query = ProgressQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        snapshots = progress_compute(**query.validated_data)
        rows = [
            snapshot
            for snapshot in snapshots
            if user_can_see_report_row(user=request.user, division_code=snapshot.division_id)
        ]
        return Response({"results": ProgressRowSerializer(rows, many=True).data})
