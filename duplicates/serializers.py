from rest_framework import serializers

from accounts.serializers import IdNumberField
from core.serializers import ModelSerializer, Serializer

from .models import DuplicateCase, Resolution


class DuplicateCaseSerializer(ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    resolution_label = serializers.CharField(source="get_resolution_display", read_only=True)
    county = serializers.CharField(source="county_id", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)
    name = serializers.CharField(source="resident.name", read_only=True)
    id_number = IdNumberField(source="resident.id_number", read_only=True)
    other_id_number = IdNumberField(source="other_resident.id_number", read_only=True, default=None)
    enrollment = serializers.IntegerField(source="enrollment_id", read_only=True)
    other_enrollment = serializers.IntegerField(source="other_enrollment_id", read_only=True, allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    resolved_by = serializers.CharField(source="resolved_by.username", read_only=True, default=None)
    refund_amount = serializers.DecimalField(
        source="refund_payment.amount", max_digits=12, decimal_places=2, read_only=True, default=None
    )

    class Meta:
        model = DuplicateCase
        fields = [
            "id",
            "kind",
            "kind_label",
            "year",
            "county",
            "county_name",
            "name",
            "id_number",
            "other_id_number",
            "enrollment",
            "other_enrollment",
            "evidence",
            "amount",
            "status",
            "status_label",
            "resolution",
            "resolution_label",
            "resolved_by",
            "resolved_at",
            "resolution_note",
            "refund_amount",
            "found_at",
        ]


class DuplicateResolutionSerializer(Serializer):
    resolution = serializers.ChoiceField(
        choices=[(value, label) for value, label in Resolution.choices if value != Resolution.HANDLED_ELSEWHERE]
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    date = serializers.DateField(required=False, allow_null=True, default=None, help_text="退费日期，默认今天")


class CountySummarySerializer(Serializer):
    county = serializers.CharField(source="county_code")
    county_name = serializers.CharField()
    open_count = serializers.IntegerField()
    open_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    resolved_count = serializers.IntegerField()
    resolved_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
