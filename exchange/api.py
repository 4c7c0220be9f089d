"""Inbound feeds over the API (API.md "Data exchange"): another department's system posts records of one kind."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import EXCHANGE_FEED_SEND, VIEW_EXCHANGE
from enrollment.api import api_validation_error

from .feeds import FEEDS
from .models import FeedChannel
from .selectors import feed_batch_get
from .serializers import API_BATCH_LIMIT, FeedBatchSerializer, FeedRequestSerializer
from .services import feed_receive, feed_records_problems


def _kinds_description() -> str:
    lines = []
    for kind, feed in sorted(FEEDS.items()):
        fields = "、".join(
            f"{name}（{field.label}{'' if field.required else '，可空'}）"
            for name, field in feed.serializer_class().fields.items()
        )
        lines.append(f"- `{kind}` {feed.label}：{fields}")
    return "\n".join(lines)


def _records_of(body: object) -> list[object]:
    """The records of a request: the body itself (one record) or its "records" list. A body of another shape writes
    nothing."""
    if isinstance(body, dict) and "records" in body:
        if not isinstance(body["records"], list) or not body["records"]:
            raise ValidationError({"records": ["records 应为非空的记录列表。"]})
        if len(body["records"]) > API_BATCH_LIMIT:
            raise ValidationError(
                {"records": [f"一次最多发送{API_BATCH_LIMIT}条记录，本次{len(body['records'])}条，请分批发送。"]}
            )
        return list(body["records"])
    if isinstance(body, dict) and body:
        return [body]
    raise ValidationError({"non_field_errors": ['请求体应为一条记录（JSON对象）或 {"records": [...]}。']})


class FeedReceiveView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["数据交换"],
        operation_id="exchange_feed_receive",
        parameters=[
            OpenApiParameter(
                "kind", OpenApiTypes.STR, OpenApiParameter.PATH, enum=sorted(FEEDS) or None, description="数据类型"
            ),
            OpenApiParameter(
                "county",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=False,
                description="接收数据的区县（6位代码）；县级账号不填，为账号所属区县。",
            ),
        ],
        request=FeedRequestSerializer,
        responses={201: FeedBatchSerializer},
        description=(
            '接收其他部门的数据：一条记录（JSON对象）或 {"records": [...]}（最多10000条）。逐条校验，格式错误的记录'
            "记为“格式错误，未处理”，其余逐条处理；已处理过的记录再次发送记为“重复收到，未变更”。各类数据的字段：\n"
            + _kinds_description()
        ),
    )
    def post(self, request, kind: str):
        if not request.user.has_perm(EXCHANGE_FEED_SEND):
            self.permission_denied(request)
        if kind not in FEEDS:
            raise Http404
        records = _records_of(request.data)
        # A request with a malformed record is refused whole, so a sender corrects it and sends again; the nightly
        # file, which nobody is there to correct, keeps such a record as 格式错误 instead (exchange.loaders).
        problems = feed_records_problems(kind=kind, records=records, today=timezone.localdate())
        if problems:
            raise ValidationError({"records": problems})
        try:
            batch = feed_receive(
                actor=request.user,
                kind=kind,
                records=records,  # type: ignore[arg-type]  # a record that is no object is rejected, as received
                channel=FeedChannel.API,
                today=timezone.localdate(),
                county_code=str(request.query_params.get("county", "")).strip(),
            )
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        return Response(FeedBatchSerializer(batch).data, status=status.HTTP_201_CREATED)


class FeedBatchView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["数据交换"],
        parameters=[OpenApiParameter("page", OpenApiTypes.INT, OpenApiParameter.QUERY, description="逐条结果的页码")],
        responses={200: FeedBatchSerializer},
    )
    def get(self, request, pk: int):
        if not (request.user.has_perm(VIEW_EXCHANGE) or request.user.has_perm(EXCHANGE_FEED_SEND)):
            self.permission_denied(request)
        batch = feed_batch_get(user=request.user, pk=pk)
        if batch is None:
            raise Http404
        try:
            page = int(request.query_params.get("page", "1"))
        except ValueError:
            page = 1
        return Response(FeedBatchSerializer(batch, context={"page": page}).data)
