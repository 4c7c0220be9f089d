"""The national platform's person query (1101 人员信息获取) behind one interface, `PersonQuery`:

- `LocalPersonQuery` answers from canbao's own data, in the asking user's scope (outside it: not found);
- `RemotePersonQuery` asks the national medical-insurance information platform at NATIONAL_PLATFORM_URL;
- `person_query_for` chooses: canbao's own data first, and, where NATIONAL_PLATFORM_URL is set, the platform for a
  person canbao does not find in the user's scope.

A failure of the platform (unreachable, timed out, an error code, an answer that is not 1101) is a
`PersonQueryFailed` with a Chinese message, never a crash.
"""

import datetime
import hashlib
import http.client
import json
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from accounts.models import User
from accounts.permissions import VIEW_ENROLLMENT, VIEW_FULL_ID_NUMBER

from .rules import REMOTE_SOURCE, PersonInformation, person_information_compute
from .selectors import person_facts_get
from .serializers import person_information_read

QUERY_INTERFACE = "1101"
# The answer carries the person's full ID number and insurance: the roles that may read both.
PERSON_QUERY_PERMISSIONS = (VIEW_ENROLLMENT, VIEW_FULL_ID_NUMBER)
NOT_FOUND_MESSAGE = "未查询到该证件号码的人员信息（或不在您的管辖范围内；填写姓名时，姓名须与证件号码一致）。"


class PersonNotFound(LookupError):
    """No such person, or none the asker may see: both answer alike."""

    def __init__(self, message: str = NOT_FOUND_MESSAGE) -> None:
        super().__init__(message)
        self.message = message


class PersonQueryFailed(RuntimeError):
    """The platform could not answer; `message` says why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PersonAsked:
    """input.data of a 1101 request, checked."""

    certificate_type: str  # psn_cert_type
    certificate_number: str  # certno
    name: str  # psn_name, "" when not given


class PersonQuery(Protocol):
    def person_get(self, *, asked: PersonAsked, now: datetime.datetime) -> PersonInformation: ...


class LocalPersonQuery:
    """From canbao's own data, in the user's scope."""

    def __init__(self, *, user: User, identity_codes: dict[str, str] | None = None) -> None:
        self.user = user
        self.identity_codes = settings.NATIONAL_PLATFORM_IDENTITY_CODES if identity_codes is None else identity_codes

    def person_get(self, *, asked: PersonAsked, now: datetime.datetime) -> PersonInformation:
        facts = person_facts_get(user=self.user, id_number=asked.certificate_number)
        if facts is None or (asked.name and asked.name != facts.name):
            raise PersonNotFound
        return person_information_compute(
            facts=facts, identity_codes=self.identity_codes, today=timezone.localtime(now).date()
        )


@dataclass(frozen=True)
class PlatformConfiguration:
    """How canbao reaches the national platform (settings NATIONAL_PLATFORM_*, README "Configuration")."""

    url: str
    app_id: str
    app_secret: str
    sender_code: str  # fixmedins_code, and the first part of every msgid
    sender_name: str
    receiver_system: str  # recer_sys_code
    area: str  # mdtrtarea_admvs
    interface_version: str  # infver
    timeout_seconds: float

    @classmethod
    def from_settings(cls) -> "PlatformConfiguration":
        return cls(
            url=settings.NATIONAL_PLATFORM_URL,
            app_id=settings.NATIONAL_PLATFORM_APP_ID,
            app_secret=settings.NATIONAL_PLATFORM_APP_SECRET,
            sender_code=settings.NATIONAL_PLATFORM_SENDER_CODE,
            sender_name=settings.NATIONAL_PLATFORM_SENDER_NAME,
            receiver_system=settings.NATIONAL_PLATFORM_RECEIVER_SYSTEM,
            area=settings.NATIONAL_PLATFORM_AREA,
            interface_version=settings.NATIONAL_PLATFORM_INTERFACE_VERSION,
            timeout_seconds=settings.NATIONAL_PLATFORM_TIMEOUT_SECONDS,
        )


def message_id(*, sender_code: str, now: datetime.datetime) -> str:
    """msgid: the sender's code, the local time to the second and 4 random digits (30 characters with a 12-character
    code)."""
    return f"{sender_code}{timezone.localtime(now):%Y%m%d%H%M%S}{secrets.randbelow(10_000):04d}"


def request_envelope(
    *, configuration: PlatformConfiguration, asked: PersonAsked, operator: User, now: datetime.datetime
) -> dict[str, Any]:
    """The 1101 request canbao sends: the common envelope and input.data."""
    return {
        "infno": QUERY_INTERFACE,
        "msgid": message_id(sender_code=configuration.sender_code, now=now),
        "mdtrtarea_admvs": configuration.area,
        "insuplc_admdvs": "",  # the person's insured place is what is asked
        "recer_sys_code": configuration.receiver_system,
        "dev_no": "",
        "dev_safe_info": "",
        "cainfo": "",
        "signtype": "",
        "infver": configuration.interface_version,
        "opter_type": "1",  # 经办人
        "opter": str(operator.pk),
        "opter_name": operator.get_full_name() or operator.get_username(),
        "inf_time": f"{timezone.localtime(now):%Y-%m-%d %H:%M:%S}",
        "fixmedins_code": configuration.sender_code,
        "fixmedins_name": configuration.sender_name,
        "sign_no": "",
        "input": {
            "data": {
                "mdtrt_cert_type": "02",  # 居民身份证
                "mdtrt_cert_no": asked.certificate_number,
                "card_sn": "",
                "begntime": f"{timezone.localtime(now):%Y-%m-%d %H:%M:%S}",
                "psn_cert_type": asked.certificate_type,
                "certno": asked.certificate_number,
                "psn_name": asked.name,
            }
        },
    }


def request_headers(*, configuration: PlatformConfiguration) -> dict[str, str]:
    """The gateway's headers: the app id, a timestamp, a nonce and their SHA-256 signature with the app secret."""
    headers = {"Content-Type": "application/json;charset=utf-8", "Accept": "application/json"}
    if configuration.app_id:
        timestamp = str(int(time.time()))
        nonce = secrets.token_hex(16)
        signed = f"{timestamp}{configuration.app_secret}{nonce}{timestamp}".encode()
        headers |= {
            "x-tif-paasid": configuration.app_id,
            "x-tif-timestamp": timestamp,
            "x-tif-nonce": nonce,
            "x-tif-signature": hashlib.sha256(signed).hexdigest(),
        }
    return headers


class RemotePersonQuery:
    """Asks the national platform (NATIONAL_PLATFORM_URL) and reads its 1101 answer."""

    def __init__(self, *, operator: User, configuration: PlatformConfiguration | None = None) -> None:
        self.operator = operator
        self.configuration = configuration or PlatformConfiguration.from_settings()

    def person_get(self, *, asked: PersonAsked, now: datetime.datetime) -> PersonInformation:
        configuration = self.configuration
        envelope = request_envelope(configuration=configuration, asked=asked, operator=self.operator, now=now)
        request = urllib.request.Request(
            configuration.url,
            data=json.dumps(envelope, ensure_ascii=False).encode("utf-8"),
            headers=request_headers(configuration=configuration),
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=configuration.timeout_seconds) as response:
                body = response.read()
        except urllib.error.HTTPError as error:
            raise PersonQueryFailed(f"国家医保信息平台答复异常（HTTP {error.code}），请稍后再试。") from None
        except (OSError, ValueError, http.client.HTTPException):
            raise PersonQueryFailed(
                f"无法连接国家医保信息平台，或{configuration.timeout_seconds:g}秒内未答复，请稍后再试。"
            ) from None
        return answer_read(body)


def answer_read(body: bytes) -> PersonInformation:
    """The person of a 1101 answer; PersonQueryFailed for an error code or an answer that is not 1101, PersonNotFound
    for a successful answer without a person."""
    try:
        answer = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PersonQueryFailed("国家医保信息平台的答复不是有效的JSON，无法识别。") from None
    if not isinstance(answer, dict) or "infcode" not in answer:
        raise PersonQueryFailed("国家医保信息平台的答复缺少交易状态码（infcode），无法识别。")
    if str(answer["infcode"]).strip() != "0":
        reason = str(answer.get("err_msg") or "").strip() or "未说明原因"
        raise PersonQueryFailed(f"国家医保信息平台返回错误：{reason}")
    output = answer.get("output")
    if not isinstance(output, dict) or not output.get("baseinfo"):
        raise PersonNotFound("国家医保信息平台未查询到该证件号码的人员信息。")
    try:
        return person_information_read({"insuinfo": [], "idetinfo": [], **output}, source=REMOTE_SOURCE)
    except serializers.ValidationError as error:
        raise PersonQueryFailed(f"国家医保信息平台的答复不符合1101接口：{_first_problem(error.detail)}") from None


def _first_problem(detail: Any, path: str = "") -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            return _first_problem(value, f"{path}.{key}" if path else str(key))
    if isinstance(detail, list):
        for index, value in enumerate(detail):
            if value:
                inner = path if not isinstance(value, dict) else f"{path}[{index}]"
                return _first_problem(value, inner)
    return f"{path}：{detail}"


class LocalThenRemotePersonQuery:
    """canbao's own data first; the national platform for a person not found in the user's scope."""

    def __init__(self, *, local: PersonQuery, remote: PersonQuery) -> None:
        self.local = local
        self.remote = remote

    def person_get(self, *, asked: PersonAsked, now: datetime.datetime) -> PersonInformation:
        try:
            return self.local.person_get(asked=asked, now=now)
        except PersonNotFound:
            return self.remote.person_get(asked=asked, now=now)


def person_query_for(*, user: User) -> PersonQuery:
    """The query the settings give: local only, or local then the platform where NATIONAL_PLATFORM_URL is set."""
    local = LocalPersonQuery(user=user)
    if not settings.NATIONAL_PLATFORM_URL:
        return local
    return LocalThenRemotePersonQuery(local=local, remote=RemotePersonQuery(operator=user))
