from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from accounts.personal_data import person_name_mask
from accounts.serializers import IdNumberField
from core.serializers import ModelSerializer, Serializer
from divisions.models import Division
from enrollment.serializers import EnrollmentSerializer

from .models import BirthGender, BirthRecord, NewbornMedicalCode, PreEnrollment
from .rules import MEDICAL_CODE_STATUS_CHOICES, MEDICAL_CODE_STATUS_LABELS, MedicalCodeStanding
from .selectors.medical_codes import medical_code_standing_on


class NewbornRegisterSerializer(Serializer):
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


def _standing(serializer: serializers.Serializer, medical_code: NewbornMedicalCode) -> MedicalCodeStanding:
    """The code's standing as of today, computed once per code and answer."""
    cache = serializer.context.setdefault("medical_code_standings", {})
    if medical_code.pk not in cache:
        cache[medical_code.pk] = medical_code_standing_on(medical_code=medical_code, today=timezone.localdate())
    standing: MedicalCodeStanding = cache[medical_code.pk]
    return standing


class MedicalCodeSerializer(ModelSerializer):
    """A newborn's 医保码: valid from birth through `valid_until`; `status` as of today (valid, expired, revoked)."""

    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()

    class Meta:
        model = NewbornMedicalCode
        fields = ["code", "valid_from", "valid_until", "status", "status_label", "revoked_at", "revocation_reason"]

    @extend_schema_field(serializers.ChoiceField(choices=MEDICAL_CODE_STATUS_CHOICES))
    def get_status(self, medical_code: NewbornMedicalCode) -> str:
        return _standing(self, medical_code).status.value

    @extend_schema_field(serializers.ChoiceField(choices=list(MEDICAL_CODE_STATUS_LABELS.values())))
    def get_status_label(self, medical_code: NewbornMedicalCode) -> str:
        return _standing(self, medical_code).label


EXPLANATION_ENTRY = inline_serializer(
    name="MedicalCodeExplanationEntry",
    fields={"rule": serializers.CharField(), "text": serializers.CharField(), "source": serializers.CharField()},
    many=True,
)


class MedicalCodeCheckSerializer(MedicalCodeSerializer):
    """The answer of a code's check: whether it can be settled on today, for whom and until when."""

    valid = serializers.SerializerMethodField(help_text="今天能否凭该医保码就医结算")
    as_of = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField(help_text="新生儿姓名（脱敏）")
    id_number = IdNumberField(
        source="birth_record.resident.id_number", read_only=True, help_text="身份证号；尚未落户时为临时标识"
    )
    birth_certificate_no = serializers.CharField(source="birth_record.birth_certificate_no", read_only=True)
    explanation = serializers.SerializerMethodField()

    class Meta(MedicalCodeSerializer.Meta):
        fields = [
            "code",
            "valid",
            "status",
            "status_label",
            "as_of",
            "name",
            "id_number",
            "birth_certificate_no",
            "valid_from",
            "valid_until",
            "revoked_at",
            "revocation_reason",
            "explanation",
        ]

    def get_valid(self, medical_code: NewbornMedicalCode) -> bool:
        return _standing(self, medical_code).valid

    @extend_schema_field(OpenApiTypes.DATE)
    def get_as_of(self, medical_code: NewbornMedicalCode) -> str:
        return timezone.localdate().isoformat()

    def get_name(self, medical_code: NewbornMedicalCode) -> str:
        return person_name_mask(medical_code.birth_record.name)

    @extend_schema_field(EXPLANATION_ENTRY)
    def get_explanation(self, medical_code: NewbornMedicalCode) -> list[dict[str, str]]:
        return _standing(self, medical_code).explanation


class BirthRecordSerializer(ModelSerializer):
    resident = IdNumberField(
        source="resident.id_number",
        read_only=True,
        allow_null=True,
        help_text="身份证号；尚未落户时为临时标识（母亲身份证号加B）",
    )
    id_number_is_placeholder = serializers.SerializerMethodField()
    mother_id_number = IdNumberField(read_only=True)
    enrollment = EnrollmentSerializer(read_only=True, allow_null=True)
    medical_code = serializers.SerializerMethodField(help_text="新生儿医保码；凭身份证号参保的新生儿为null")

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
            "medical_code",
        ]

    @extend_schema_field(MedicalCodeSerializer(allow_null=True))
    def get_medical_code(self, record: BirthRecord) -> dict | None:
        medical_code = getattr(record, "medical_code", None)
        if medical_code is None:
            return None
        return MedicalCodeSerializer(medical_code, context=self.context).data

    def get_id_number_is_placeholder(self, record: BirthRecord) -> bool:
        return bool(record.resident and record.resident.id_number_is_placeholder)


class IdentityCompletionSerializer(Serializer):
    id_number = serializers.CharField(max_length=18)


class PreEnrollmentCreateSerializer(Serializer):
    mother_id_number = serializers.CharField(max_length=18)
    expected_delivery_date = serializers.DateField()
    application_date = serializers.DateField()
    babies = serializers.IntegerField(min_value=1, max_value=9, default=1)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    home_address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    entrusted_name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    entrusted_id_number = serializers.CharField(max_length=18, required=False, allow_blank=True, default="")


class PlaceholderSerializer(Serializer):
    id_number = IdNumberField(source="resident.id_number", read_only=True)
    name = serializers.CharField(source="resident.name", read_only=True)
    enrollment_id = serializers.IntegerField(read_only=True)


class PreEnrollmentSerializer(ModelSerializer):
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
