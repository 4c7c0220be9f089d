"""The 1101 messages in the national platform's field names (docs/national-platform.md). The same serializers write
canbao's answer and read the platform's: one mapping both ways."""

import datetime
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import IdNumberField
from core.serializers import Serializer
from enrollment.api.quotes import ExplanationSerializer
from enrollment.rules import Explanation, IdNumberError, id_number_read

from .rules import (
    CERTIFICATE_RESIDENT_ID_CARD,
    MAPPING_SOURCE,
    BaseInformation,
    IdentityInformation,
    InsuranceInformation,
    PersonInformation,
)


@extend_schema_field({"type": "string", "example": "2026-01-01 00:00:00", "nullable": True})
class PlatformTimeField(serializers.Field):
    """A date the platform writes as a moment, `yyyy-MM-dd HH:mm:ss` (begntime, endtime); read by its date."""

    def to_representation(self, value: datetime.date) -> str:
        return f"{value:%Y-%m-%d} 00:00:00"

    def to_internal_value(self, data: Any) -> datetime.date:
        try:
            return datetime.date.fromisoformat(str(data).strip()[:10])
        except ValueError:
            raise serializers.ValidationError("时间格式应为 yyyy-MM-dd HH:mm:ss。") from None


@extend_schema_field({"type": "string", "format": "date", "nullable": True})
class PlatformDateField(serializers.Field):
    """A date (brdy, psn_insu_date, paus_insu_date): `yyyy-MM-dd`; the platform may add a time, which is ignored."""

    def to_representation(self, value: datetime.date) -> str:
        return f"{value:%Y-%m-%d}"

    def to_internal_value(self, data: Any) -> datetime.date:
        try:
            return datetime.date.fromisoformat(str(data).strip()[:10])
        except ValueError:
            raise serializers.ValidationError("日期格式应为 yyyy-MM-dd。") from None


def _text(**options: Any) -> serializers.CharField:
    """A code or text the platform may leave out or send as null: read as ""."""
    return serializers.CharField(required=False, allow_blank=True, allow_null=True, default="", **options)


class QueryDataSerializer(Serializer):
    """input.data of a 1101 request."""

    psn_cert_type = serializers.ChoiceField(
        choices=[(CERTIFICATE_RESIDENT_ID_CARD, "居民身份证（户口簿）")],
        default=CERTIFICATE_RESIDENT_ID_CARD,
        help_text="证件类型，仅支持 01 居民身份证（户口簿）",
        error_messages={"invalid_choice": "证件类型「{input}」不支持，仅支持 01 居民身份证（户口簿）。"},
    )
    certno = serializers.CharField(max_length=20, help_text="证件号码（18位公民身份号码）")
    psn_name = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", help_text="人员姓名；填写时须与档案一致"
    )

    def validate_certno(self, value: str) -> str:
        try:
            id_number, _, _ = id_number_read(value)
        except IdNumberError as error:
            raise serializers.ValidationError(str(error)) from None
        return id_number

    def validate_psn_name(self, value: str) -> str:
        return value.strip()


class QueryInputSerializer(Serializer):
    data = QueryDataSerializer()  # type: ignore[assignment]  # the message's field, not Serializer.data


class QueryEnvelopeSerializer(Serializer):
    """A 1101 request as the platform's callers send it. The API also takes `input.data` alone as the body."""

    infno = serializers.CharField(required=False, help_text="交易编号，1101")
    msgid = serializers.CharField(required=False, allow_blank=True, help_text="发送方报文ID")
    mdtrtarea_admvs = serializers.CharField(required=False, allow_blank=True, help_text="就医地医保区划")
    insuplc_admdvs = serializers.CharField(required=False, allow_blank=True, help_text="参保地医保区划")
    recer_sys_code = serializers.CharField(required=False, allow_blank=True, help_text="接收方系统代码")
    infver = serializers.CharField(required=False, allow_blank=True, help_text="接口版本号")
    opter_type = serializers.CharField(required=False, allow_blank=True, help_text="经办人类别")
    opter = serializers.CharField(required=False, allow_blank=True, help_text="经办人")
    opter_name = serializers.CharField(required=False, allow_blank=True, help_text="经办人姓名")
    inf_time = serializers.CharField(required=False, allow_blank=True, help_text="交易时间")
    input = QueryInputSerializer()


class BaseInformationSerializer(Serializer):
    psn_no = serializers.CharField(source="person_number", help_text="人员编号")
    psn_cert_type = serializers.CharField(source="certificate_type", help_text="人员证件类型")
    certno = IdNumberField(source="certificate_number", help_text="证件号码")
    psn_name = serializers.CharField(source="name", help_text="人员姓名")
    gend = _text(source="gender", help_text="性别：1 男，2 女，0 未知的性别，9 未说明的性别")
    brdy = PlatformDateField(source="birth_date", required=False, allow_null=True, default=None, help_text="出生日期")
    naty = _text(source="nationality", help_text="民族（本系统未登记，为空）")
    age = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="年龄")


class InsuranceInformationSerializer(Serializer):
    insutype = serializers.CharField(
        source="insurance_type",
        help_text="险种类型：390 城乡居民基本医疗保险，310 职工基本医疗保险，392 城乡居民大病医疗保险",
    )
    psn_insu_stas = serializers.CharField(source="status", help_text="参保状态：1 正常参保，2 暂停参保，4 终止参保")
    psn_insu_date = PlatformDateField(
        source="insured_date", required=False, allow_null=True, default=None, help_text="个人参保日期"
    )
    paus_insu_date = PlatformDateField(
        source="suspended_date", required=False, allow_null=True, default=None, help_text="暂停参保日期"
    )
    insuplc_admdvs = _text(source="insured_place", help_text="参保地医保区划")
    psn_type = _text(source="person_type", help_text="人员类别（本系统未登记，为空）")
    emp_name = _text(source="employer_name", help_text="单位名称")
    cvlserv_flag = _text(source="civil_servant", help_text="公务员标志：0 否，1 是")


class IdentityInformationSerializer(Serializer):
    psn_idet_type = _text(source="identity_type", help_text="人员身份类别（省级字典代码，未配置时为空）")
    psn_type_lv = _text(source="level", help_text="人员类别等级（残疾等级）")
    memo = _text(source="description", help_text="身份说明")
    begntime = PlatformTimeField(source="begins", required=False, allow_null=True, default=None, help_text="开始时间")
    endtime = PlatformTimeField(source="ends", required=False, allow_null=True, default=None, help_text="结束时间")


class OutputSerializer(Serializer):
    baseinfo = BaseInformationSerializer(source="base")
    insuinfo = InsuranceInformationSerializer(source="insurance", many=True)
    idetinfo = IdentityInformationSerializer(source="identities", many=True)


class ResponseEnvelopeSerializer(Serializer):
    """A 1101 answer. `explanation` and `source` are canbao's: how each value was found, and who answered."""

    infcode = serializers.IntegerField(help_text="交易状态码：0 成功，-1 失败")
    inf_refmsgid = serializers.CharField(help_text="接收方报文ID")
    refmsg_time = serializers.CharField(help_text="接收报文时间 yyyyMMddHHmmssSSS")
    respond_time = serializers.CharField(help_text="响应报文时间 yyyyMMddHHmmssSSS")
    err_msg = serializers.CharField(allow_null=True, help_text="错误信息")
    warn_msg = serializers.CharField(allow_null=True, help_text="警告信息")
    output = OutputSerializer(allow_null=True)
    source = serializers.CharField(  # type: ignore[assignment]  # the answer's field, not DRF's Field.source
        allow_blank=True, help_text="答复来源：参保通（本系统数据）或国家医保信息平台"
    )
    explanation = ExplanationSerializer(many=True, help_text="各项取值的依据")


class FailureEnvelopeSerializer(Serializer):
    """A 1101 failure: not found (404), or the platform failed (502)."""

    infcode = serializers.IntegerField(help_text="-1")
    err_msg = serializers.CharField(help_text="错误信息")
    warn_msg = serializers.CharField(allow_null=True)
    output = serializers.JSONField(allow_null=True, help_text="null")
    explanation = ExplanationSerializer(many=True, help_text="空")


class RefusalEnvelopeSerializer(Serializer):
    """A refused 1101 request (400): the fields in DRF's shape, and the 1101 failure."""

    infcode = serializers.IntegerField(help_text="-1")
    err_msg = serializers.CharField(help_text="错误信息")
    output = serializers.JSONField(allow_null=True)


def platform_moment(moment: datetime.datetime) -> str:
    """yyyyMMddHHmmssSSS in local time (refmsg_time, respond_time)."""
    local = timezone.localtime(moment)
    return f"{local:%Y%m%d%H%M%S}{local.microsecond // 1000:03d}"


def person_information_read(output: Any, *, source: str) -> PersonInformation:
    """The platform's `output` as canbao's result; serializers.ValidationError when it is not a 1101 output."""
    serializer = OutputSerializer(data=output)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    return PersonInformation(
        base=BaseInformation(**_blank_nulls(data["base"])),
        insurance=tuple(InsuranceInformation(**_blank_nulls(row)) for row in data["insurance"]),
        identities=tuple(IdentityInformation(**_blank_nulls(row)) for row in data["identities"]),
        explanation=(
            Explanation(rule="1101", text=f"人员信息由{source}答复，本系统按原样转述。", source=MAPPING_SOURCE),
        ),
        source=source,
    )


def _blank_nulls(row: dict[str, Any]) -> dict[str, Any]:
    """A code or text the platform sent as null is kept as "" (dates and the age stay None)."""
    return {key: "" if value is None and key in _TEXT_KEYS else value for key, value in row.items()}


_TEXT_KEYS = {
    "gender",
    "nationality",
    "insured_place",
    "person_type",
    "employer_name",
    "civil_servant",
    "identity_type",
    "level",
    "description",
}
