from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import IdNumberField
from divisions.models import Division
from enrollment.serializers import EnrollmentSerializer

from .models import BirthGender, BirthRecord, PreEnrollment


class NewbornRegisterSerializer(serializers.Serializer):
    birth_certificate_no = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=64)
    gender = serializers.ChoiceField(choices=BirthGender.choices)
    birth_date = serializers.DateField()
    mother_id_number = serializers.CharField(max_length=18)
    id_number = serializers.CharField(max_length=18, required=False, allow_null=True, allow_blank=True)
    division = serializers.PrimaryKeyRelatedField(
        queryset=Division.objects.all(), help_text="户籍（拟落户）所在乡镇或村的9/12位代码"
    )
    registration_date = serializers.DateField()
    county = serializers.RegexField(
        r"^[0-9]{6}$",
        required=False,
        allow_null=True,
        help_text="参保地：父母常住地所在县的6位代码；不填为户籍所在县（R13.0a）。",
        error_messages={"invalid": "参保地应为6位县级区划代码。"},
    )
    basis_document_no = serializers.CharField(
        max_length=64, required=False, allow_null=True, allow_blank=True, help_text="父（母）居住证号。"
    )
    basis_valid_from = serializers.DateField(required=False, allow_null=True)
    basis_valid_to = serializers.DateField(required=False, allow_null=True)


class BirthRecordSerializer(serializers.ModelSerializer):
    resident = IdNumberField(
        source="resident.id_number",
        read_only=True,
        allow_null=True,
        help_text="身份证号；尚未落户时为临时标识（母亲身份证号加B）",
    )
    id_number_is_placeholder = serializers.SerializerMethodField()
    mother_id_number = IdNumberField(read_only=True)
    enrollment = EnrollmentSerializer(read_only=True, allow_null=True)

    class Meta:
        model = BirthRecord
        fields = [
            "birth_certificate_no",
            "name",
            "gender",
            "birth_date",
            "mother_id_number",
            "division",
            "registration_date",
            "channel",
            "resident",
            "id_number_is_placeholder",
            "id_number_completed_at",
            "enrollment",
        ]

    def get_id_number_is_placeholder(self, record: BirthRecord) -> bool:
        return bool(record.resident and record.resident.id_number_is_placeholder)


class IdentityCompletionSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=18)


class PreEnrollmentCreateSerializer(serializers.Serializer):
    mother_id_number = serializers.CharField(max_length=18)
    expected_delivery_date = serializers.DateField()
    application_date = serializers.DateField()
    babies = serializers.IntegerField(min_value=1, max_value=9, default=1)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    home_address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    entrusted_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    entrusted_id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")


class PlaceholderSerializer(serializers.Serializer):
    id_number = IdNumberField(source="resident.id_number", read_only=True)
    name = serializers.CharField(source="resident.name", read_only=True)
    enrollment_id = serializers.IntegerField(read_only=True)


class PreEnrollmentSerializer(serializers.ModelSerializer):
    mother_id_number = IdNumberField(source="mother.id_number", read_only=True)
    placeholders = serializers.SerializerMethodField()

    class Meta:
        model = PreEnrollment
        fields = [
            "id",
            "mother_id_number",
            "expected_delivery_date",
            "application_date",
            "insurance_year",
            "babies",
            "status",
            "placeholders",
        ]

    @extend_schema_field(PlaceholderSerializer(many=True))
    def get_placeholders(self, pre_enrollment: PreEnrollment) -> list[dict]:
        placeholders = pre_enrollment.placeholders.select_related("resident")
        return PlaceholderSerializer(placeholders, many=True, context=self.context).data  # type: ignore[return-value]
