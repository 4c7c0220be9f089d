"""A campaign as files: its messages as an Excel ledger (core.reports.Report), and the file for the SMS platform."""

from collections.abc import Iterator

from django.utils import timezone

from accounts.models import User
from accounts.personal_data import id_number_for
from core.formatting import date_table_text
from core.reports import Report, Summary, columns_of

from .channels import messages_file_csv
from .models import Campaign, Outcome
from .selectors import campaign_messages, campaign_outcome_counts

MESSAGE_HEADERS = [
    "姓名",
    "公民身份号码",
    "村（社区）",
    "手机号",
    "动员原因",
    "缴费截止日期",
    "应缴金额（元）",
    "短信内容",
    "结果",
    "发送时间",
    "错误信息",
    "计算说明",
]
MESSAGE_WIDTHS = [10, 22, 18, 14, 24, 14, 12, 50, 12, 18, 24, 60]


def _message_rows(*, user: User, campaign: Campaign) -> Iterator[list[object]]:
    for message in campaign_messages(campaign=campaign).iterator(chunk_size=2000):
        yield [
            message.name,
            id_number_for(user=user, id_number=message.id_number),
            message.village.name if message.village else "",
            message.phone,
            message.reason,
            message.deadline,
            message.amount,
            message.text,
            message.get_outcome_display(),
            date_table_text(message.sent_at) if message.sent_at else "",
            message.error,
            message.explanation,
        ]


def campaign_messages_report(*, user: User, campaign: Campaign) -> Report:
    """The campaign's messages, one row per person, the counts per outcome above them."""
    counts = campaign_outcome_counts(campaign=campaign)
    return Report(
        title=f"{campaign.name}发送情况",
        unit=f"{campaign.division.name}",
        as_of=timezone.localdate(),
        columns=columns_of(MESSAGE_HEADERS, MESSAGE_WIDTHS),
        rows=_message_rows(user=user, campaign=campaign),
        summaries=[
            Summary(
                title="发送结果",
                headers=["结果", "人数"],
                rows=[[count.label, count.messages] for count in counts],
            )
        ],
    )


def campaign_file_content(*, campaign: Campaign) -> bytes:
    """The file for the SMS platform: the campaign's generated messages (编号, 手机号, 短信内容)."""
    messages = campaign_messages(campaign=campaign, outcome=Outcome.EXPORTED).exclude(phone="")
    return messages_file_csv((message.pk, message.phone, message.text) for message in messages.order_by("id"))
