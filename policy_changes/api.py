"""政策调整测算 over the API: drafts (scoped, paginated), a draft created with its figures, its simulations and what
they found in a division, and its approval. Nothing is written on a refusal."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import APPROVE_POLICY_DRAFT, PREPARE_POLICY_DRAFT, VIEW_POLICY_DRAFT
from accounts.requests import AuthenticatedRequest
from enrollment.api import ReadRequiresViewPermission, api_validation_error

from .models import ImpactSimulation, PolicyDraft
from .selectors import (
    impact_distributions,
    impact_division_totals,
    impact_fiscal,
    impact_people,
    impact_simulation_get,
    impact_simulation_progress,
    policy_draft_get,
    policy_draft_list,
)
from .serializers import (
    ImpactSimulationRequestSerializer,
    ImpactSimulationSerializer,
    ImpactSimulationStateSerializer,
    PolicyDraftApprovalSerializer,
    PolicyDraftCreateSerializer,
    PolicyDraftListSerializer,
    PolicyDraftSerializer,
)
from .services import (
    DRAFT_FIELDS,
    impact_simulation_request,
    policy_draft_approve,
    policy_draft_changes,
    policy_draft_create,
    policy_draft_differences,
    policy_draft_problems,
    policy_draft_region_update,
)
from .services.drafts import change_from_json

TAGS = ["政策调整测算"]


def _figures_of(sent: Mapping[str, object]) -> dict[str, object]:
    """A region's figures as the request wrote them ("420.00", "2027-01-01"), as the parameter set's own values, so
    that a figure equal to the current one is no change. A figure that is not one, or does not read as its kind,
    is passed as sent: the service refuses it in its own words."""
    figures: dict[str, object] = {}
    for name, value in sent.items():
        figures[name] = value
        if name in DRAFT_FIELDS:
            try:
                figures[name] = change_from_json(name, value)
            except DjangoValidationError:
                pass
    return figures


def _draft_answer(draft: PolicyDraft, request: Request) -> dict[str, object]:
    changes = policy_draft_changes(draft)
    context = {
        "request": request,
        "changes": changes,
        "differences": policy_draft_differences(changes_by_region=changes, insurance_year=draft.insurance_year),
        "problems": policy_draft_problems(draft),
    }
    return dict(PolicyDraftSerializer(draft, context=context).data)


@extend_schema(tags=TAGS)
class PolicyDraftViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    serializer_class = PolicyDraftSerializer
    permission_classes = [IsAuthenticated, ReadRequiresViewPermission]
    queryset = PolicyDraft.objects.none()  # for the schema; requests use get_queryset()
    request: AuthenticatedRequest

    def get_queryset(self):
        return policy_draft_list(user=self.request.user)

    def get_object(self):
        draft = policy_draft_get(user=self.request.user, pk=int(self.kwargs["pk"]))
        if draft is None:
            raise Http404
        return draft

    @extend_schema(responses={200: PolicyDraftListSerializer(many=True)})
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(PolicyDraftListSerializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(_draft_answer(self.get_object(), request))

    @extend_schema(
        request=PolicyDraftCreateSerializer,
        responses={201: PolicyDraftSerializer},
        description="创建政策调整草案并写入各地区调整的参数（草案地区或其下的市、县），全部成功才保存；"
        "任何一项被拒绝时返回400，不留下草案。草案不影响现行政策参数。",
    )
    def create(self, request, *args, **kwargs):
        serializer = PolicyDraftCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            with transaction.atomic():
                draft = policy_draft_create(
                    actor=request.user,
                    region_code=data["region"],
                    insurance_year=data["insurance_year"],
                    title=data["title"],
                )
                for region_code, figures in sorted(data["changes"].items()):
                    policy_draft_region_update(
                        actor=request.user, draft=draft, region_code=region_code, figures=_figures_of(figures)
                    )
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        return Response(_draft_answer(draft, request), status=status.HTTP_201_CREATED)


def _draft_in_scope(request: AuthenticatedRequest, pk: int) -> PolicyDraft:
    draft = policy_draft_get(user=request.user, pk=pk)
    if draft is None:
        raise Http404
    return draft


class ImpactSimulationRequestView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        request=ImpactSimulationRequestSerializer,
        responses={202: ImpactSimulationStateSerializer},
        description="按草案现状对一个区划（草案地区或其下的市、县）排队测算，每个区县一个任务；"
        "进度与结果见 /api/v1/policy-simulations/{id}/。",
    )
    def post(self, request, pk: int):
        if not request.user.has_perm(PREPARE_POLICY_DRAFT):
            self.permission_denied(request)
        draft = _draft_in_scope(request, pk)
        serializer = ImpactSimulationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            simulation = impact_simulation_request(
                actor=request.user,
                draft=draft,
                division_code=data["division"],
                as_of=data["as_of"],
                payment_date=data["payment_date"],
                elasticity=data["elasticity"],
            )
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        context = {"progress": impact_simulation_progress(simulation)}
        return Response(
            ImpactSimulationStateSerializer(simulation, context=context).data, status=status.HTTP_202_ACCEPTED
        )


class ImpactSimulationView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "division",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=False,
                description="查看的区划（测算区划或其下的区划代码），默认为测算区划；children 为其下一级各区划。",
            )
        ],
        responses={200: ImpactSimulationSerializer},
        description="测算的状态与进度、测算时草案调整的参数，以及所选区划的合计（现行与草案）、下一级各区划的合计、"
        "变化分布、各级财政资助（R11）和受影响较大的居民（含两种参数下的计算依据）。",
    )
    def get(self, request, pk: int):
        if not request.user.has_perm(VIEW_POLICY_DRAFT):
            self.permission_denied(request)
        simulation = impact_simulation_get(user=request.user, pk=pk)
        if simulation is None:
            raise Http404
        division_code = str(request.query_params.get("division", "")).strip() or simulation.division_id
        try:
            context = _findings(request, simulation, division_code)
        except LookupError:  # a division outside the simulation's
            raise Http404 from None
        return Response(ImpactSimulationSerializer(simulation, context=context).data)


def _findings(request: AuthenticatedRequest, simulation: ImpactSimulation, division_code: str) -> dict[str, object]:
    """Every read of the simulation's answer, for the division asked for."""
    user = request.user
    totals, children = impact_division_totals(user=user, simulation=simulation, division_code=division_code)
    return {
        "request": request,
        "progress": impact_simulation_progress(simulation),
        "differences": policy_draft_differences(
            changes_by_region=simulation.draft_changes, insurance_year=simulation.draft.insurance_year
        ),
        "totals": totals,
        "children": children,
        "distributions": impact_distributions(user=user, simulation=simulation, division_code=division_code),
        "fiscal": impact_fiscal(user=user, simulation=simulation, division_code=division_code),
        "people": impact_people(user=user, simulation=simulation, division_code=division_code),
    }


class PolicyDraftApprovalView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        request=PolicyDraftApprovalSerializer,
        responses={200: PolicyDraftSerializer},
        description="审批草案：须由拟稿人以外、管辖草案地区的审批人员，依据本草案现状的一次已完成测算，填写批准文号；"
        "通过后草案的参数成为该年度政策参数的新版本。",
    )
    def post(self, request, pk: int):
        if not request.user.has_perm(APPROVE_POLICY_DRAFT):
            self.permission_denied(request)
        draft = _draft_in_scope(request, pk)
        serializer = PolicyDraftApprovalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        simulation = None
        if data["simulation"] is not None:
            simulation = impact_simulation_get(user=request.user, pk=data["simulation"])
        try:
            draft = policy_draft_approve(
                actor=request.user, draft=draft, document_number=data["document_number"], simulation=simulation
            )
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        return Response(_draft_answer(_draft_in_scope(request, draft.pk), request))


__all__ = ["ImpactSimulationRequestView", "ImpactSimulationView", "PolicyDraftApprovalView", "PolicyDraftViewSet"]
