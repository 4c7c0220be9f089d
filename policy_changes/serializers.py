"""The policy changes' API requests and answers: drafts, their simulations and their approval.

A figure is written as a draft stores it (policy_changes.services.drafts.change_to_json): amounts as strings with two
decimals, dates as YYYY-MM-DD, lists and numbers as they are.
"""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import IdNumberField
from core.models import JobStatus
from core.serializers import ModelSerializer, Serializer
from enrollment.api.quotes import ExplanationSerializer

from .models import ImpactPerson, PolicyDraft
from .selectors import SimulationProgress
from .services import FigureDifference
from .services.drafts import change_to_json

# A simulation's state, from its county runs: waiting for a worker, under way, done, or a county failed.
SIMULATION_STATUSES: dict[str, str] = {
    JobStatus.QUEUED: "排队中",
    JobStatus.RUNNING: "测算中",
    JobStatus.SUCCEEDED: "已完成",
    JobStatus.FAILED: "失败",
}


SIMULATION_STATUS_CHOICES = list(SIMULATION_STATUSES.items())


def simulation_status(progress: SimulationProgress) -> str:
    if progress.failed:
        return JobStatus.FAILED
    if progress.succeeded:
        return JobStatus.SUCCEEDED
    if progress.people_total or progress.counties_done:
        return JobStatus.RUNNING
    return JobStatus.QUEUED


FIGURE = extend_schema_field(OpenApiTypes.ANY)


@FIGURE
class FigureField(serializers.Field):
    """A figure of a parameter set, as a draft stores it; null where the region has none of its own."""

    def to_representation(self, value: Any) -> Any:
        return change_to_json("", value)


class FigureDifferenceSerializer(Serializer):
    region = serializers.CharField(source="region_code")
    region_name = serializers.CharField()
    field = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the figure's name, not DRF's Field.label
    current = FigureField(allow_null=True, help_text="该地区本年度现行参数自身的值；沿用上级或往年时为空")
    draft = FigureField(help_text="草案的值")


class PolicyDraftCreateSerializer(Serializer):
    region = serializers.CharField(help_text="草案地区：省、市或县级区划代码")
    insurance_year = serializers.IntegerField()
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    changes = serializers.DictField(
        child=serializers.DictField(),
        required=False,
        default=dict,
        help_text='各地区调整的参数：区划代码 → {参数名: 新值}（金额如 "420.00"，日期如 "2027-01-01"）；'
        "与现行参数相同的值不算调整。",
    )


class PolicyDraftListSerializer(ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    prepared_by = serializers.CharField(source="prepared_by.username", read_only=True)
    approved_by = serializers.CharField(source="approved_by.username", read_only=True, default=None)
    approved_simulation = serializers.IntegerField(source="approved_simulation_id", read_only=True, allow_null=True)

    class Meta:
        model = PolicyDraft
        fields = [
            "id",
            "region",
            "region_name",
            "insurance_year",
            "title",
            "status",
            "status_label",
            "prepared_by",
            "created_at",
            "document_number",
            "approved_by",
            "approved_at",
            "approved_simulation",
        ]


class PolicyDraftSerializer(PolicyDraftListSerializer):
    """A draft with what it changes: `changes` as stored, `differences` beside each region's current figures, and
    `problems`, what would stop it being published as it is."""

    changes = serializers.SerializerMethodField()
    differences = serializers.SerializerMethodField()
    problems = serializers.SerializerMethodField()

    class Meta(PolicyDraftListSerializer.Meta):
        fields = [*PolicyDraftListSerializer.Meta.fields, "changes", "differences", "problems"]

    @extend_schema_field(serializers.DictField(child=serializers.DictField()))
    def get_changes(self, draft: PolicyDraft) -> dict[str, dict[str, object]]:
        return dict(self.context["changes"])

    @extend_schema_field(FigureDifferenceSerializer(many=True))
    def get_differences(self, draft: PolicyDraft) -> list[dict[str, Any]]:
        return list(FigureDifferenceSerializer(self.context["differences"], many=True).data)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_problems(self, draft: PolicyDraft) -> list[str]:
        return list(self.context["problems"])


class ImpactSimulationRequestSerializer(Serializer):
    division = serializers.CharField(help_text="测算区划：草案地区或其下的省、市、县级区划代码")
    as_of = serializers.DateField(help_text="人群及困难身份截至日期")
    payment_date = serializers.DateField(help_text="假定缴费日期")
    elasticity = serializers.DecimalField(
        max_digits=5, decimal_places=2, help_text="参保弹性：个人缴费每上升1%，参保人数变动的百分比（通常为负数）"
    )


class SimulationProgressSerializer(Serializer):
    people_done = serializers.IntegerField()
    people_total = serializers.IntegerField()
    counties_done = serializers.IntegerField()
    counties_total = serializers.IntegerField()
    failed = serializers.ListField(child=serializers.CharField(), help_text="失败的区县及原因")
    percent = serializers.IntegerField()


class ImpactSimulationStateSerializer(Serializer):
    """A simulation as queued: its id, state and progress (`progress` in the context)."""

    id = serializers.IntegerField()
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ChoiceField(choices=SIMULATION_STATUS_CHOICES))
    def get_status(self, simulation: object) -> str:
        return simulation_status(self.context["progress"])

    def get_status_label(self, simulation: object) -> str:
        return SIMULATION_STATUSES[simulation_status(self.context["progress"])]

    @extend_schema_field(SimulationProgressSerializer)
    def get_progress(self, simulation: object) -> dict[str, Any]:
        return dict(SimulationProgressSerializer(self.context["progress"]).data)


def _money(**options: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2, **options)


class DivisionImpactSerializer(Serializer):
    division = serializers.CharField(source="code")
    name = serializers.CharField()
    people = serializers.IntegerField()
    enrolled_now = serializers.IntegerField(help_text="上年度参保人数")
    due_before = _money(help_text="个人缴费合计（现行）")
    due_after = _money(help_text="个人缴费合计（草案）")
    due_change = _money()
    subsidy_before = _money()
    subsidy_after = _money()
    subsidy_change = _money()
    income_before = _money(help_text="基金筹资（现行），上年度参保人")
    income_after = _money()
    income_change = _money()
    people_changed = serializers.IntegerField()
    due_changed = serializers.IntegerField()
    subsidy_changed = serializers.IntegerField()
    waiting_changed = serializers.IntegerField()
    benefit_start_changed = serializers.IntegerField()
    cap_changed = serializers.IntegerField()
    category_changed = serializers.IntegerField()
    refused_before = serializers.IntegerField()
    refused_after = serializers.IntegerField()
    expected_enrolled = serializers.IntegerField(source="effect.expected_enrolled", help_text="草案下预计参保人数")
    due_change_rate = serializers.DecimalField(
        source="effect.due_change_rate", max_digits=12, decimal_places=4, help_text="个人缴费合计的变动率"
    )
    elasticity = serializers.DecimalField(source="effect.elasticity", max_digits=5, decimal_places=2)
    effect = serializers.CharField(source="effect.text", help_text="参保人数变化的估算说明")


class FiscalImpactSerializer(Serializer):
    level = serializers.CharField()
    level_label = serializers.CharField()
    prepaid_before = _money()
    prepaid_after = _money()
    prepaid_change = _money()
    cost_before = _money()
    cost_after = _money()
    cost_change = _money()


class ImpactPersonSerializer(ModelSerializer):
    county = serializers.CharField(source="county_id", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)
    id_number = IdNumberField(source="resident.id_number", read_only=True)
    name = serializers.CharField(source="resident.name", read_only=True)
    explanation_before = ExplanationSerializer(many=True, read_only=True)
    explanation_after = ExplanationSerializer(many=True, read_only=True)

    class Meta:
        model = ImpactPerson
        fields = [
            "rank",
            "county",
            "county_name",
            "id_number",
            "name",
            "due_before",
            "due_after",
            "subsidy_before",
            "subsidy_after",
            "waiting_before",
            "waiting_after",
            "benefit_start_before",
            "benefit_start_after",
            "cap_before",
            "cap_after",
            "category_before",
            "category_after",
            "explanation_before",
            "explanation_after",
        ]


class DistributionsSerializer(Serializer):
    due = serializers.DictField(child=serializers.IntegerField(), help_text="个人缴费变化（元）→ 人数")
    waiting = serializers.DictField(child=serializers.IntegerField(), help_text="等待期变化（月）→ 人数")
    cap = serializers.DictField(child=serializers.IntegerField(), help_text="大病保险限额变化（元）→ 人数")


class FiscalSerializer(Serializer):
    levels = FiscalImpactSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField(), help_text="未能测算财政资助的区县及原因")


class ImpactSimulationSerializer(ImpactSimulationStateSerializer):
    """A simulation and what it found in one division (the context holds every read, made by the view)."""

    draft = serializers.IntegerField(source="draft_id")
    draft_title = serializers.CharField(source="draft.title")
    division = serializers.CharField(source="division_id")
    division_name = serializers.CharField(source="division.name")
    as_of = serializers.DateField()
    payment_date = serializers.DateField()
    elasticity = serializers.DecimalField(max_digits=5, decimal_places=2)
    requested_by = serializers.CharField(source="requested_by.username")
    created_at = serializers.DateTimeField()
    differences = serializers.SerializerMethodField()
    totals = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()
    distributions = serializers.SerializerMethodField()
    fiscal = serializers.SerializerMethodField()
    people = serializers.SerializerMethodField()

    @extend_schema_field(FigureDifferenceSerializer(many=True))
    def get_differences(self, simulation: object) -> list[dict[str, Any]]:
        differences: list[FigureDifference] = self.context["differences"]
        return list(FigureDifferenceSerializer(differences, many=True).data)

    @extend_schema_field(DivisionImpactSerializer)
    def get_totals(self, simulation: object) -> dict[str, Any]:
        return DivisionImpactSerializer(self.context["totals"]).data

    @extend_schema_field(DivisionImpactSerializer(many=True))
    def get_children(self, simulation: object) -> list[dict[str, Any]]:
        return list(DivisionImpactSerializer(self.context["children"], many=True).data)

    @extend_schema_field(DistributionsSerializer)
    def get_distributions(self, simulation: object) -> dict[str, Any]:
        return {kind: dict(sorted(changes.items())) for kind, changes in self.context["distributions"].items()}

    @extend_schema_field(FiscalSerializer)
    def get_fiscal(self, simulation: object) -> dict[str, Any]:
        levels, notes = self.context["fiscal"]
        return {"levels": FiscalImpactSerializer(levels, many=True).data, "notes": list(notes)}

    @extend_schema_field(ImpactPersonSerializer(many=True))
    def get_people(self, simulation: object) -> list[dict[str, Any]]:
        return list(ImpactPersonSerializer(self.context["people"], many=True, context=self.context).data)


class PolicyDraftApprovalSerializer(Serializer):
    document_number = serializers.CharField(allow_blank=True, max_length=200, help_text="批准文号")
    simulation = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="审批所依据的本草案测算（须为草案现状的已完成测算）"
    )
