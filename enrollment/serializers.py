from rest_framework import serializers

from accounts.serializers import IdNumberField, PhoneField
from core.serializers import ModelSerializer, Serializer
from divisions.models import Division

from .models import Enrollment, Resident


class DivisionNameField(serializers.CharField):
    """The household division's name: read with the resident where the query did
    (enrollment.selectors.residents_with_division_name), else from the division."""

    def get_attribute(self, instance):
        name = getattr(instance, "household_division_name", None)
        return name if name is not None else super().get_attribute(instance)


class ResidentSerializer(ModelSerializer):
    id_number = IdNumberField(max_length=18, help_text="完整的18位身份证号；响应中按权限打码。")
    division = serializers.PrimaryKeyRelatedField(
        source="household_division", queryset=Division.objects.all(), help_text="户籍所在村或乡镇的9/12位代码"
    )
    residence_division = serializers.PrimaryKeyRelatedField(
        queryset=Division.objects.all(), required=False, allow_null=True
    )
    division_name = DivisionNameField(source="household_division.name", read_only=True)
    phone = PhoneField(max_length=20, required=False, allow_blank=True, default="", help_text="响应中按权限打码。")

    class Meta:
        model = Resident
        fields = [
            "id_number",
            "name",
            "gender",
            "birth_date",
            "phone",
            "division",
            "division_name",
            "residence_division",
            "status",
        ]
        read_only_fields = ["gender", "birth_date", "status"]


class ResidentCreatedSerializer(ResidentSerializer):
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True, default=list)

    class Meta(ResidentSerializer.Meta):
        fields = [*ResidentSerializer.Meta.fields, "warnings"]


class EnrollmentSerializer(ModelSerializer):
    id_number = IdNumberField(source="resident.id_number", read_only=True)
    payer_id_number = IdNumberField(read_only=True, help_text="家庭共济代缴人的身份证号；其他缴费为空。")
    waiting = serializers.SerializerMethodField()
    catastrophic_cap = serializers.SerializerMethodField()
    subsidy_category = serializers.SerializerMethodField()
    special_status = serializers.SerializerMethodField()
    county = serializers.CharField(
        source="enrolling_county_id", read_only=True, help_text="参保地：持有该参保记录的县（6位代码，R13.0a）。"
    )
    basis = serializers.CharField(
        source="enrollment_basis",
        read_only=True,
        help_text="参保依据：household、residence、employment 或 parent_residence。",
    )

    class Meta:
        model = Enrollment
        fields = [
            "id",
            "id_number",
            "status",
            "insurance_year",
            "county",
            "basis",
            "payment_date",
            "channel",
            "payer_id_number",
            "payer_relation",
            "accident_topup",
            "back_paid_years",
            "special_status",
            "special_date",
            "projected",
            "contribution_standard",
            "in_collection_period",
            "continuous",
            "break_years",
            "individual_due",
            "subsidy_amount",
            "subsidy_category",
            "back_payment_due",
            "waiting",
            "benefit_start",
            "benefit_end",
            "counts_as_enrolled_year",
            "void_reason",
            "catastrophic_cap",
            "explanation",
            "policy_versions",
            "refund_reason",
            "refund_date",
        ]

    def get_waiting(self, enrollment: Enrollment) -> dict[str, int]:
        return {
            "fixed_months": enrollment.waiting_fixed_months,
            "variable_months": enrollment.waiting_variable_months,
            "repaired_months": enrollment.waiting_repaired_months,
            "total_months": enrollment.waiting_total_months,
        }

    def get_catastrophic_cap(self, enrollment: Enrollment) -> dict[str, str]:
        return {
            "base": f"{enrollment.cap_base:.2f}",
            "continuity_bonus": f"{enrollment.cap_continuity_bonus:.2f}",
            "zero_claim_bonus": f"{enrollment.cap_zero_claim_bonus:.2f}",
            "break_penalty": f"{enrollment.cap_break_penalty:.2f}",
            "effective": f"{enrollment.cap_effective:.2f}",
        }

    def get_subsidy_category(self, enrollment: Enrollment) -> str | None:
        return enrollment.subsidy_category or None

    def get_special_status(self, enrollment: Enrollment) -> str | None:
        return enrollment.special_status or None


class IdentitySerializer(Serializer):
    id = serializers.IntegerField()
    category = serializers.CharField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)
    department = serializers.CharField()
    disability_grade = serializers.IntegerField(allow_null=True)
