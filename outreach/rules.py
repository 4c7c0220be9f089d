"""The reminder's figures and words, as pure functions: the deadline and the amount a person is told (from the one
quote of the policy path, enrollment.rules.quote_compute), the message written from a template, and how many
messages a minute may go to the SMS platform."""

import datetime
import re
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from core.formatting import date_prose_text, yuan_text
from enrollment.rules import (
    BackPaymentRefused,
    PaymentDateRefused,
    PersonHistory,
    PolicyFigures,
    newborn_registration_deadline,
    quote_compute,
)

PLACEHOLDERS = ("{姓名}", "{截止日期}", "{金额}", "{村}")
PLACEHOLDER_PATTERN = re.compile(r"\{[^{}]*\}")
# The rules of a quote that say what a person pays: the standard, a hardship subsidy, a newborn's birth year.
AMOUNT_RULES = ("R1.2", "R6.2", "R7.2", "R7.2a")


@dataclass(frozen=True)
class Due:
    """What a reminder tells a person: pay `amount` by `deadline`, and why, in Chinese with the rule ids."""

    deadline: datetime.date
    amount: Decimal
    explanation: str


def due_compute(*, policy: PolicyFigures, history: PersonHistory) -> Due:
    """The deadline and the amount of a reminder for the insurance year of `policy`.

    The deadline is the end of the year's normal collection part (R2.1: paid by then, the whole year is covered);
    for a baby born in the insurance year it is the end of its registration window (R7.1). The amount is the
    individual due of the quote for a payment on that day (quote_compute, the function of the quote API, the window
    and the enrollment service): the standard (R1.2), or what the person pays after a hardship subsidy (R6.2) or
    nothing for a newborn's birth year (R7.2). A payment the collection rules would refuse on that day is told the
    standard."""
    calendar = policy.calendar
    if history.birth_date.year == policy.insurance_year:
        deadline = newborn_registration_deadline(policy=policy, birth_date=history.birth_date)
        deadline_text = (
            f"R7.1 出生之日起{policy.newborns.registration_days}天内登记参保，截止{date_prose_text(deadline)}"
        )
        deadline_source = str(policy.newborns.source)
    else:
        deadline = calendar.normal_part_ends
        deadline_text = f"R2.1 {policy.insurance_year}年度集中征缴期正常缴费截止{date_prose_text(deadline)}"
        deadline_source = str(calendar.collection_source)
    try:
        quote = quote_compute(policy=policy, payment_date=deadline, history=history)
    except (PaymentDateRefused, BackPaymentRefused):
        amount = policy.contribution_standard
        amount_text = f"R1.2 {policy.insurance_year}年度个人缴费标准{yuan_text(amount)}元（{policy.standard_source}）"
    else:
        amount = quote.individual_due
        amount_text = "；".join(
            f"{item.rule} {item.text}" + (f"（{item.source}）" if item.source else "")
            for item in quote.explanation
            if item.rule in AMOUNT_RULES
        )
    deadline_part = deadline_text + (f"（{deadline_source}）" if deadline_source else "")
    amount_part = f"应缴金额{yuan_text(amount)}元（按参保测算，与窗口和测算接口同一计算）：{amount_text}"
    explanation = f"截止日期：{deadline_part}。{amount_part}。"
    return Due(deadline=deadline, amount=amount, explanation=explanation)


class TemplateInvalid(ValueError):
    """A template with a placeholder that is not one of PLACEHOLDERS; the message is shown to the user."""


def template_check(template: str) -> None:
    unknown = sorted({found for found in PLACEHOLDER_PATTERN.findall(template) if found not in PLACEHOLDERS})
    if unknown:
        raise TemplateInvalid(f"模板中的{'、'.join(unknown)}不是可用的占位符，可用：{' '.join(PLACEHOLDERS)}。")
    if not template.strip():
        raise TemplateInvalid("请填写内容模板。")


def message_render(*, template: str, name: str, deadline: datetime.date, amount: Decimal, village: str) -> str:
    """The template with its placeholders filled: {截止日期} as 2026年12月25日, {金额} as 400.00."""
    values: Mapping[str, str] = {
        "{姓名}": name,
        "{截止日期}": date_prose_text(deadline),
        "{金额}": yuan_text(amount),
        "{村}": village,
    }
    return PLACEHOLDER_PATTERN.sub(lambda match: values.get(match.group(0), match.group(0)), template)


class MinuteRateLimit:
    """At most `per_minute` sends in any 60 seconds: `wait()` before each send sleeps as long as needed. The clock
    and the sleep are passed in, so a test counts without waiting."""

    WINDOW_SECONDS = 60.0

    def __init__(self, *, per_minute: int, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self.sleep = sleep
        self.sent: deque[float] = deque()

    def wait(self) -> None:
        if self.per_minute <= 0:
            return
        now = self.clock()
        while self.sent and now - self.sent[0] >= self.WINDOW_SECONDS:
            self.sent.popleft()
        if len(self.sent) >= self.per_minute:
            self.sleep(self.WINDOW_SECONDS - (now - self.sent[0]))
            now = self.clock()
            while self.sent and now - self.sent[0] >= self.WINDOW_SECONDS:
                self.sent.popleft()
        self.sent.append(now)
