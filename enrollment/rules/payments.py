"""Payment details and refunds (R12, R13.1, R13.2), balances and the employee-years credit (R13.3)."""

import datetime
from collections.abc import Sequence
from decimal import Decimal

from .base import Explanation, money
from .id_numbers import IdNumberError, id_number_parse
from .quotes import PolicyFigures
from .record_dates import RecordDateRefused, date_not_in_future_check

FAMILY_ACCOUNT_RELATIONS = frozenset({"spouse", "parent", "child", "sibling", "grandparent", "grandchild"})
REFUND_REASON_LABELS = {
    "duplicate_payment": "重复缴纳本县城乡居民医保",
    "employee_insured": "已缴纳省内职工医保",
    "multi_channel": "同一人不同渠道重复缴费",
    "died_before_benefit": "待遇享受期前死亡",
    "pregnancy_terminated": "预参保后终止妊娠（流产、引产）",
}


class PaymentDetailRefused(ValueError):
    """A payer, relation or top-up the rules refuse; `field` names the request field concerned."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def payment_details_check(
    *,
    policy: PolicyFigures,
    channel: str,
    payer_id_number: str,
    payer_relation: str,
    accident_topup: Decimal | None,
) -> None:
    """R13.1: a family-account payment names an eligible relative; R13.2: a top-up is one of the region's options."""
    if channel == "family_account":
        if not payer_id_number:
            raise PaymentDetailRefused("payer_id_number", "家庭共济缴费须填写代缴人（职工医保参保人）身份证号。")
        try:
            id_number_parse(payer_id_number)
        except IdNumberError as error:
            raise PaymentDetailRefused("payer_id_number", str(error)) from None
        if payer_relation not in FAMILY_ACCOUNT_RELATIONS:
            raise PaymentDetailRefused(
                "payer_relation",
                "家庭共济仅限配偶、父母、子女、兄弟姐妹、祖父母、外祖父母、孙子女、外孙子女代缴。",
            )
    elif payer_id_number or payer_relation:
        raise PaymentDetailRefused("payer_id_number", "只有家庭共济缴费才填写代缴人。")
    if accident_topup is not None and money(accident_topup) not in policy.accident_topup_options:
        offered = "、".join(f"{option:.0f}元" for option in policy.accident_topup_options) or "无"
        raise PaymentDetailRefused("accident_topup", f"意外伤害补充保险可选档次为：{offered}。")


class RefundRefused(ValueError):
    """A refund the rules refuse (R12.1); `field` names the request field concerned."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


PREGNANCY_TERMINATED = "pregnancy_terminated"
DIED_BEFORE_BENEFIT = "died_before_benefit"
EMPLOYEE_INSURED = "employee_insured"  # R12.2: the year is recorded as insured under employee insurance (R8.2)
# R12.2: reasons that return an extra payment and leave the enrollment and its cover as they are.
EXTRA_PAYMENT_REASONS = frozenset({"duplicate_payment", "multi_channel"})


def refund_check(
    *,
    policy: PolicyFigures,
    reason: str,
    date: datetime.date,
    today: datetime.date,
    paid_on: datetime.date,
    unborn_placeholder: bool,
    death_date: datetime.date | None = None,
    benefit_start: datetime.date | None = None,
) -> Explanation:
    """R12.1: only the listed reasons, each on an enrollment it fits, only inside the collection period of the year
    paid (a reason of `refund_anytime_reasons` at any time), never before the last payment it returns (`paid_on`)
    and never after today (R13.0).

    A terminated pregnancy (R7.6) fits only the enrollment of a pre-enrolled baby not yet born
    (`unborn_placeholder`, which the caller knows from the person's record). A death (R12.2) needs the date of death,
    not after today and before the enrollment's `benefit_start` (an empty benefit period has no start to reach).
    """
    if reason not in policy.refund_reasons:
        accepted = "、".join(REFUND_REASON_LABELS.get(code, code) for code in sorted(policy.refund_reasons)) or "无"
        raise RefundRefused("reason", f"不予退费：仅受理以下情形：{accepted}。")
    if reason == PREGNANCY_TERMINATED and not unborn_placeholder:
        raise RefundRefused("reason", "不予退费：终止妊娠退费仅适用于尚未出生的预参保新生儿（临时身份）的参保记录。")
    if reason == DIED_BEFORE_BENEFIT:
        _death_date_check(death_date=death_date, benefit_start=benefit_start, today=today)
    elif death_date is not None:
        raise RefundRefused("death_date", "只有“待遇享受期前死亡”退费才填写死亡日期。")
    try:
        date_not_in_future_check(value=date, today=today, field="date", label="退费日期")
    except RecordDateRefused as error:
        raise RefundRefused(error.field, str(error)) from None
    if date < paid_on:
        raise RefundRefused("date", f"不予退费：退费日期不能早于缴费日期（{paid_on:%Y年%-m月%-d日}）。")
    calendar = policy.calendar
    if (
        reason not in policy.refund_anytime_reasons
        and not calendar.collection_opens <= date <= calendar.extended_part_ends
    ):
        raise RefundRefused(
            "date",
            f"不予退费：退费申请仅在{policy.insurance_year}年度集中征缴期"
            f"（{calendar.collection_opens:%Y年%-m月%-d日}至{calendar.extended_part_ends:%Y年%-m月%-d日}）内受理。",
        )
    label = REFUND_REASON_LABELS.get(reason, reason)
    if reason in EXTRA_PAYMENT_REASONS:
        text = f"因{label}退费，退还多缴的一笔个人缴费；本年度参保记录和待遇期保持不变"
    elif reason == DIED_BEFORE_BENEFIT and death_date is not None:
        text = (
            f"因{label}退费（死亡日期{death_date:%Y年%-m月%-d日}），作废本年度待遇期，"
            "个人缴费退还缴费人、资助退回原资金，人员状态记为死亡"
        )
    else:
        text = f"因{label}退费，作废本年度待遇期，个人缴费退还缴费人、资助退回原资金"
    return Explanation("R12.2", text, str(policy.refund_source))


def _death_date_check(
    *, death_date: datetime.date | None, benefit_start: datetime.date | None, today: datetime.date
) -> None:
    if death_date is None:
        raise RefundRefused("death_date", "因待遇享受期前死亡退费须填写死亡日期。")
    try:
        date_not_in_future_check(value=death_date, today=today, field="death_date", label="死亡日期")
    except RecordDateRefused as error:
        raise RefundRefused(error.field, str(error)) from None
    if benefit_start is not None and death_date >= benefit_start:
        raise RefundRefused(
            "death_date",
            f"不予退费：死亡日期（{death_date:%Y年%-m月%-d日}）不早于待遇开始日期"
            f"（{benefit_start:%Y年%-m月%-d日}），不属于待遇享受期前死亡。",
        )


def refund_extra_payment(*, contributions: Sequence[Decimal], individual_due: Decimal, returned: Decimal) -> Decimal:
    """R12.2: what a duplicate or two-channel refund returns: the individual contributions beyond what the year is
    due, less what such refunds returned before (`returned`, negative). The enrollment stays paid once; a refund
    for a duplicate that does not exist is refused."""
    extra = money(sum(contributions, Decimal("0")) - individual_due + returned)
    if extra <= 0:
        raise RefundRefused(
            "reason", "不予退费：本年度只有一笔个人缴费（或多缴的缴费已退还），不存在重复缴费，无可退还的多缴金额。"
        )
    return extra


def contribution_balance(*, individual_due: Decimal, contributions: Sequence[Decimal]) -> Decimal:
    """What is still owed of the year's individual part: a pre-enrolled baby born before its placeholder's year
    pays that year as its second (R7.6, R7.4), though the pre-enrollment collected the birth year's nothing."""
    return max(Decimal("0.00"), money(individual_due - sum(contributions, Decimal("0"))))


def employee_years_credit(*, policy: PolicyFigures, resident_years_paid: int) -> tuple[Decimal, Explanation]:
    """R13.3: resident years paid, converted to employee-insurance years on transfer (每5年折算1年)."""
    per_year = policy.resident_years_per_employee_year
    credit = money(Decimal(resident_years_paid) / per_year)
    text = f"居民医保实际缴费{resident_years_paid}年，按每{per_year}年折算1年，可折算职工医保缴费年限{credit}年"
    return credit, Explanation("R13.3", text, str(policy.cap.source))
