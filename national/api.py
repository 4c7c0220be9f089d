"""POST /api/v1/national/1101/: the national platform's person query (1101 人员信息获取) over canbao's API."""

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import AuthenticatedRequest

from .person_query import (
    PERSON_QUERY_PERMISSIONS,
    QUERY_INTERFACE,
    PersonAsked,
    PersonNotFound,
    PersonQueryFailed,
    person_query_for,
)
from .rules import PersonInformation
from .serializers import (
    FailureEnvelopeSerializer,
    QueryDataSerializer,
    QueryEnvelopeSerializer,
    RefusalEnvelopeSerializer,
    ResponseEnvelopeSerializer,
    platform_moment,
)

REQUEST_EXAMPLE = {
    "infno": "1101",
    "msgid": "H14062100001202612041030150001",
    "mdtrtarea_admvs": "140621",
    "insuplc_admdvs": "",
    "recer_sys_code": "CANBAO",
    "infver": "V1.0",
    "opter_type": "1",
    "opter": "1001",
    "opter_name": "张经办",
    "inf_time": "2026-12-04 10:30:15",
    "input": {"data": {"psn_cert_type": "01", "certno": "140621198503120170", "psn_name": "王玉井"}},
}


class PersonQueryView(APIView):
    permission_classes = [IsAuthenticated]
    request: AuthenticatedRequest

    @extend_schema(
        tags=["国家医保信息平台"],
        summary="1101 人员信息获取",
        description=(
            "按国家医保信息平台1101接口的字段查询人员基本信息（baseinfo）、参保信息（insuinfo）和人员身份（idetinfo）。"
            "请求体为完整报文（input.data 中为查询条件），也可只传 input.data 的内容。"
            "先按本系统数据在调用者的管辖范围内查询；配置了 NATIONAL_PLATFORM_URL 时，"
            "本系统未查到的人员再向国家平台查询。未查到：404，infcode -1；"
            "国家平台不可用或答复错误：502，infcode -1。每次答复所含的完整证件号码记入个人信息查看记录。"
        ),
        request=QueryEnvelopeSerializer,
        examples=[OpenApiExample("1101 请求报文", value=REQUEST_EXAMPLE, request_only=True)],
        responses={
            200: ResponseEnvelopeSerializer,
            400: OpenApiResponse(
                RefusalEnvelopeSerializer, description="查询条件有误：各字段的错误信息，及 infcode -1"
            ),
            404: OpenApiResponse(FailureEnvelopeSerializer, description="未查到该人员，或不在管辖范围内"),
            502: OpenApiResponse(FailureEnvelopeSerializer, description="国家医保信息平台不可用或答复错误"),
        },
    )
    def post(self, request: Request) -> Response:
        user = self.request.user
        if not all(user.has_perm(permission) for permission in PERSON_QUERY_PERMISSIONS):
            self.permission_denied(request)
        received = timezone.now()
        errors, data = _query_data(request.data)
        if errors:
            return Response(_refusal(errors), status=status.HTTP_400_BAD_REQUEST)
        asked = PersonAsked(
            certificate_type=data["psn_cert_type"], certificate_number=data["certno"], name=data["psn_name"]
        )
        try:
            information = person_query_for(user=user).person_get(asked=asked, now=received)
        except PersonNotFound as not_found:
            return Response(_failure(not_found.message), status=status.HTTP_404_NOT_FOUND)
        except PersonQueryFailed as failure:
            return Response(_failure(failure.message), status=status.HTTP_502_BAD_GATEWAY)
        answer = _answer(information=information, received=received)
        return Response(ResponseEnvelopeSerializer(answer, context={"request": request}).data)


def _query_data(body: Any) -> tuple[dict[str, list[str]], dict[str, Any]]:
    """(field errors, input.data checked) of the whole envelope or of input.data alone."""
    if not isinstance(body, dict):
        return {"non_field_errors": ["请求体应为1101报文（JSON对象）。"]}, {}
    if "input" in body:
        if str(body.get("infno", QUERY_INTERFACE)) != QUERY_INTERFACE:
            return {"infno": [f"交易编号应为{QUERY_INTERFACE}。"]}, {}
        inner = body["input"].get("data") if isinstance(body["input"], dict) else None
        if not isinstance(inner, dict):
            return {"input": ["报文应在 input.data 中给出查询条件。"]}, {}
        body = inner
    serializer = QueryDataSerializer(data=body)
    if not serializer.is_valid():
        return {field: [str(message) for message in messages] for field, messages in serializer.errors.items()}, {}
    return {}, dict(serializer.validated_data)


def answer_message_id(*, now: datetime.datetime) -> str:
    """inf_refmsgid of canbao's answer: the area code, the local time to the millisecond and 4 random digits."""
    return f"{settings.NATIONAL_PLATFORM_AREA or '000000'}{platform_moment(now)}{secrets.randbelow(10_000):04d}"


def _refusal(errors: dict[str, list[str]]) -> dict[str, Any]:
    """DRF's field errors, and the 1101 failure that sums them up."""
    summary = "；".join(f"{field}：{'、'.join(messages)}" for field, messages in errors.items())
    return {**errors, "infcode": -1, "err_msg": f"查询条件有误。{summary}", "output": None}


def _failure(message: str) -> dict[str, Any]:
    """A 1101 failure (not found, the platform failed): the code and the Chinese message, no output."""
    return {"infcode": -1, "err_msg": message, "warn_msg": None, "output": None, "explanation": []}


def _answer(*, information: PersonInformation, received: datetime.datetime) -> dict[str, Any]:
    return {
        "infcode": 0,
        "inf_refmsgid": answer_message_id(now=received),
        "refmsg_time": platform_moment(received),
        "respond_time": platform_moment(timezone.now()),
        "err_msg": None,
        "warn_msg": None,
        "output": information,
        "source": information.source,
        "explanation": information.explanation,
    }
