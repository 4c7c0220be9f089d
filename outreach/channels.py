"""How messages leave: one interface, `Channel.send(messages) -> outcomes`, and its kinds.

- `SmsGatewayChannel` posts each message as JSON to the SMS platform (SMS_GATEWAY_URL, the key SMS_GATEWAY_KEY in
  the Authorization header) at most OUTREACH_SMS_PER_MINUTE a minute; the platform answers each with its result.
  A refusal, an error or a platform that cannot be reached is that message's failure, recorded, never raised.
- `FileChannel` (no platform configured, or the file channel chosen) only marks the messages generated: the file
  for the platform is written from them on download (`messages_file_csv`).
- `NoticeChannel` marks them generated too: the notices are printed from the village page.
"""

import csv
import io
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

from .models import Channel as ChannelKind
from .models import Outcome
from .rules import MinuteRateLimit

GATEWAY_TIMEOUT_SECONDS = 10
FILE_HEADERS = ("编号", "手机号", "短信内容")


@dataclass(frozen=True)
class OutgoingMessage:
    reference: int  # our message's id, sent along so the platform's answer and its reports name it
    phone: str
    text: str


@dataclass(frozen=True)
class SendOutcome:
    reference: int
    outcome: str
    gateway_message_id: str = ""
    error: str = ""


class Channel(Protocol):
    def send(self, messages: Sequence[OutgoingMessage]) -> list[SendOutcome]: ...


class SmsGatewayChannel:
    def __init__(
        self,
        *,
        url: str,
        key: str,
        per_minute: int,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.url = url
        self.key = key
        self.rate_limit = MinuteRateLimit(per_minute=per_minute, clock=clock, sleep=sleep)

    def send(self, messages: Sequence[OutgoingMessage]) -> list[SendOutcome]:
        outcomes = []
        for message in messages:
            self.rate_limit.wait()
            outcomes.append(self._send_one(message))
        return outcomes

    def _send_one(self, message: OutgoingMessage) -> SendOutcome:
        body = json.dumps(
            {"reference": str(message.reference), "phone": message.phone, "text": message.text}, ensure_ascii=False
        ).encode("utf-8")
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.key}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=GATEWAY_TIMEOUT_SECONDS) as response:
                answer = json.loads(response.read().decode("utf-8") or "{}")
        except urllib.error.HTTPError as error:
            detail = _error_detail(error)
            return SendOutcome(message.reference, Outcome.FAILED, error=f"短信平台拒绝（HTTP {error.code}）{detail}")
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            return SendOutcome(message.reference, Outcome.FAILED, error=f"短信平台无法连接：{reason}"[:500])
        if not isinstance(answer, dict):
            return SendOutcome(message.reference, Outcome.FAILED, error="短信平台的回复无法识别。")
        gateway_id = str(answer.get("message_id") or "")[:64]
        if answer.get("status") == "sent":
            return SendOutcome(message.reference, Outcome.SENT, gateway_message_id=gateway_id)
        error_text = str(answer.get("error") or "短信平台未发送")
        return SendOutcome(message.reference, Outcome.FAILED, gateway_message_id=gateway_id, error=error_text[:500])


def _error_detail(error: urllib.error.HTTPError) -> str:
    try:
        answer = json.loads(error.read().decode("utf-8") or "{}")
    except (ValueError, OSError):
        return ""
    return f"：{answer.get('error')}" if isinstance(answer, dict) and answer.get("error") else ""


class FileChannel:
    """No platform to call: the messages are generated into the file the SMS platform imports."""

    def send(self, messages: Sequence[OutgoingMessage]) -> list[SendOutcome]:
        return [SendOutcome(message.reference, Outcome.EXPORTED) for message in messages]


class NoticeChannel(FileChannel):
    """Printed notices (告知书), one per person, from the village print page."""


def channel_for(kind: str) -> Channel:
    """The channel of a campaign's kind: SMS by the platform when one is configured, else by file."""
    if kind == ChannelKind.NOTICE:
        return NoticeChannel()
    if kind == ChannelKind.SMS and settings.SMS_GATEWAY_URL:
        return SmsGatewayChannel(
            url=settings.SMS_GATEWAY_URL,
            key=settings.SMS_GATEWAY_KEY,
            per_minute=settings.OUTREACH_SMS_PER_MINUTE,
        )
    return FileChannel()


def messages_file_csv(rows: Iterable[tuple[int, str, str]]) -> bytes:
    """The file for the SMS platform: 编号, 手机号, 短信内容, UTF-8 with its byte-order mark (Excel opens it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FILE_HEADERS)
    for reference, phone, text in rows:
        writer.writerow([reference, phone, text])
    return buffer.getvalue().encode("utf-8-sig")
