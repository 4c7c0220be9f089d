from rest_framework import serializers

from accounts.permissions import VIEW_FULL_ID_NUMBER
from divisions.models import Division

from .models import Resident
from .rules import id_number_mask


class ResidentSerializer(serializers.ModelSerializer):
    id_number = serializers.CharField(max_length=18, help_text="完整的18位身份证号；响应中按权限打码。")
    division = serializers.PrimaryKeyRelatedField(
        source="household_division", queryset=Division.objects.all(), help_text="户籍所在村或乡镇的9/12位代码"
    )
    residence_division = serializers.PrimaryKeyRelatedField(
        queryset=Division.objects.all(), required=False, allow_null=True
    )
    division_name = serializers.CharField(source="household_division.name", read_only=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")

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

    def to_representation(self, instance: Resident) -> dict:
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not request.user.has_perm(VIEW_FULL_ID_NUMBER):
            data["id_number"] = id_number_mask(instance.id_number)
        return data


class ResidentCreatedSerializer(ResidentSerializer):
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True, default=list)

    class Meta(ResidentSerializer.Meta):
        fields = [*ResidentSerializer.Meta.fields, "warnings"]
