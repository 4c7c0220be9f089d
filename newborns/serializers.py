from rest_framework import serializers

from accounts.permissions import VIEW_FULL_ID_NUMBER
from divisions.models import Division
from enrollment.rules import id_number_mask
from enrollment.serializers import EnrollmentSerializer

from .models import BirthGender, BirthRecord, PreEnrollment


def shown_id(context: dict, id_number: str) -> str:
    """Full for users who may see ID numbers in full, masked for the others (API.md conventions)."""
    request = context.get("request")
    if request is not None and request.user.has_perm(VIEW_FULL_ID_NUMBER):
        return id_number
    return id_number_mask(id_number)


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


class BirthRecordSerializer(serializers.ModelSerializer):
    resident = serializers.SerializerMethodField(help_text="身份证号；尚未落户时为临时标识（母亲身份证号加B）")
    id_number_is_placeholder = serializers.SerializerMethodField()
    mother_id_number = serializers.SerializerMethodField()
    enrollment = serializers.SerializerMethodField()

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

    def get_resident(self, record: BirthRecord) -> str | None:
        return shown_id(self.context, record.resident.id_number) if record.resident else None

    def get_id_number_is_placeholder(self, record: BirthRecord) -> bool:
        return bool(record.resident and record.resident.id_number_is_placeholder)

    def get_mother_id_number(self, record: BirthRecord) -> str:
        return shown_id(self.context, record.mother_id_number)

    def get_enrollment(self, record: BirthRecord) -> dict | None:
        if record.enrollment is None:
            return None
        return EnrollmentSerializer(record.enrollment, context=self.context).data  # type: ignore[return-value]


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


class PreEnrollmentSerializer(serializers.ModelSerializer):
    mother_id_number = serializers.SerializerMethodField()
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

    def get_mother_id_number(self, pre_enrollment: PreEnrollment) -> str:
        return shown_id(self.context, pre_enrollment.mother.id_number)

    def get_placeholders(self, pre_enrollment: PreEnrollment) -> list[dict]:
        return [
            {
                "id_number": shown_id(self.context, placeholder.resident.id_number),
                "name": placeholder.resident.name,
                "enrollment_id": placeholder.enrollment_id,
            }
            for placeholder in pre_enrollment.placeholders.select_related("resident")
        ]
