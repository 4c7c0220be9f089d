"""重复参保治理 over the API: the cases (scoped, paginated), one case, its resolution, and the counts per county."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import RESOLVE_DUPLICATE_CASE, VIEW_DUPLICATE_CASE
from accounts.requests import AuthenticatedRequest
from enrollment.api import ReadRequiresViewPermission, api_validation_error

from .models import DuplicateCase
from .selectors import duplicate_case_get, duplicate_case_list, duplicate_summary
from .serializers import CountySummarySerializer, DuplicateCaseSerializer, DuplicateResolutionSerializer
from .services import duplicate_case_resolve

TAGS = ["重复参保治理"]


@extend_schema(
    tags=TAGS,
    parameters=[
        OpenApiParameter("kind", str, description="重复类型：employee_and_resident 或 placeholder_and_registered"),
        OpenApiParameter("status", str, description="状态：open 或 resolved"),
        OpenApiParameter("county", str, description="参保地区县代码"),
        OpenApiParameter("year", int, description="保险年度"),
    ],
)
class DuplicateCaseViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = DuplicateCaseSerializer
    permission_classes = [IsAuthenticated, ReadRequiresViewPermission]
    queryset = DuplicateCase.objects.none()  # for the schema; requests use get_queryset()
    request: AuthenticatedRequest

    def get_queryset(self):
        query = self.request.query_params
        year = query.get("year", "")
        return duplicate_case_list(
            user=self.request.user,
            kind=query.get("kind", ""),
            status=query.get("status", ""),
            county_code=query.get("county", ""),
            year=int(year) if year.isdigit() else None,
        ).order_by("id")

    def get_object(self):
        case = duplicate_case_get(user=self.request.user, pk=int(self.kwargs["pk"]))
        if case is None:
            raise Http404
        return case


class DuplicateCaseResolutionView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        request=DuplicateResolutionSerializer,
        responses={200: DuplicateCaseSerializer},
        description="退费（refund，按R12.2的退费原因）、转移（transfer，同一人两份档案：保留正式档案的参保记录）或"
        "不属于重复参保（not_duplicate，须填写note）。已处理的重复参保不能再次处理。",
    )
    def post(self, request, pk: int):
        if not request.user.has_perm(RESOLVE_DUPLICATE_CASE):
            self.permission_denied(request)
        case = duplicate_case_get(user=request.user, pk=pk)
        if case is None:
            raise Http404
        serializer = DuplicateResolutionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            case = duplicate_case_resolve(actor=request.user, case=case, **serializer.validated_data)
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        resolved = duplicate_case_get(user=request.user, pk=case.pk)
        return Response(DuplicateCaseSerializer(resolved, context={"request": request}).data)


class DuplicateSummaryView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAGS,
        parameters=[OpenApiParameter("kind", str), OpenApiParameter("year", int)],
        responses={200: inline_serializer("DuplicateSummary", fields={"results": CountySummarySerializer(many=True)})},
        description="管辖范围内各区县的重复参保件数和涉及金额（待处理、已处理）。",
    )
    def get(self, request):
        if not request.user.has_perm(VIEW_DUPLICATE_CASE):
            self.permission_denied(request)
        year = request.query_params.get("year", "")
        rows = duplicate_summary(
            user=request.user, kind=request.query_params.get("kind", ""), year=int(year) if year.isdigit() else None
        )
        return Response({"results": CountySummarySerializer(rows, many=True).data})


__all__ = ["DuplicateCaseResolutionView", "DuplicateCaseViewSet", "DuplicateSummaryView"]
