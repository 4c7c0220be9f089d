"""What a policy change does to a person and to a division, as pure functions (no ORM, no clock).

A person's result under each set of figures is the quote of RULES.md for a payment on the simulation's payment date
(enrollment.rules.quote_compute), so a simulation computes exactly what the window would; the comparison names the
parts a change can move. The enrollment-rate effect is an estimate under an elasticity the user states.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from enrollment.rules import (
    BackPaymentRefused,
    Explanation,
    PaymentDateRefused,
    PersonHistory,
    PolicyFigures,
    quote_compute,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PersonOutcome:
    """The parts of a person's quote a policy change can move; a refused payment has none of them, and its reason."""

    individual_due: Decimal | None
    subsidy_amount: Decimal | None
    subsidy_category: str
    waiting_months: int | None
    benefit_start: datetime.date | None
    cap_effective: Decimal | None
    refusal: str
    explanation: tuple[Explanation, ...]

    @property
    def income(self) -> Decimal:
        """What the fund raises from the person: their own payment and the subsidy paid for them."""
        if self.individual_due is None or self.subsidy_amount is None:
            return ZERO
        return self.individual_due + self.subsidy_amount


def person_outcome(*, policy: PolicyFigures, payment_date: datetime.date, history: PersonHistory) -> PersonOutcome:
    """The person's quote for a payment on `payment_date` under `policy`, or the refusal of that payment."""
    try:
        quote = quote_compute(policy=policy, payment_date=payment_date, history=history)
    except (PaymentDateRefused, BackPaymentRefused) as refusal:
        return PersonOutcome(None, None, "", None, None, None, str(refusal), ())
    return PersonOutcome(
        individual_due=quote.individual_due,
        subsidy_amount=quote.subsidy_amount,
        subsidy_category=quote.subsidy_category or "",
        waiting_months=quote.waiting.total_months,
        benefit_start=quote.benefit_start,
        cap_effective=quote.catastrophic_cap.effective,
        refusal="",
        explanation=quote.explanation,
    )


def _difference(before: Decimal | int | None, after: Decimal | int | None) -> Decimal | int | None:
    if before is None or after is None:
        return None
    return after - before


@dataclass(frozen=True)
class PersonImpact:
    """A person's result under the current figures (before) and under the draft (after)."""

    before: PersonOutcome
    after: PersonOutcome

    @property
    def due_change(self) -> Decimal | None:
        change = _difference(self.before.individual_due, self.after.individual_due)
        return None if change is None else Decimal(change)

    @property
    def waiting_change(self) -> int | None:
        change = _difference(self.before.waiting_months, self.after.waiting_months)
        return None if change is None else int(change)

    @property
    def cap_change(self) -> Decimal | None:
        change = _difference(self.before.cap_effective, self.after.cap_effective)
        return None if change is None else Decimal(change)

    @property
    def due_changed(self) -> bool:
        return self.before.individual_due != self.after.individual_due

    @property
    def subsidy_changed(self) -> bool:
        return self.before.subsidy_amount != self.after.subsidy_amount

    @property
    def waiting_changed(self) -> bool:
        return self.before.waiting_months != self.after.waiting_months

    @property
    def benefit_start_changed(self) -> bool:
        return self.before.benefit_start != self.after.benefit_start

    @property
    def cap_changed(self) -> bool:
        return self.before.cap_effective != self.after.cap_effective

    @property
    def category_changed(self) -> bool:
        return self.before.subsidy_category != self.after.subsidy_category

    @property
    def refusal_changed(self) -> bool:
        return bool(self.before.refusal) != bool(self.after.refusal)

    @property
    def changed(self) -> bool:
        return (
            self.due_changed
            or self.subsidy_changed
            or self.waiting_changed
            or self.benefit_start_changed
            or self.cap_changed
            or self.category_changed
            or self.refusal_changed
        )

    @property
    def severity(self) -> tuple[int, Decimal, int, int, Decimal]:
        """How much the change touches the person, to rank the most affected: a payment newly refused or allowed
        first, then the change of what they pay, of their waiting (months, then days of benefit start), of their
        catastrophic cap."""
        start_days = 0
        if self.before.benefit_start and self.after.benefit_start:
            start_days = abs((self.after.benefit_start - self.before.benefit_start).days)
        elif self.benefit_start_changed:
            start_days = 366
        return (
            int(self.refusal_changed),
            abs(self.due_change or ZERO),
            abs(self.waiting_change or 0),
            start_days,
            abs(self.cap_change or ZERO),
        )


def person_impact_compute(
    *, current: PolicyFigures, draft: PolicyFigures, payment_date: datetime.date, history: PersonHistory
) -> PersonImpact:
    return PersonImpact(
        before=person_outcome(policy=current, payment_date=payment_date, history=history),
        after=person_outcome(policy=draft, payment_date=payment_date, history=history),
    )


@dataclass(frozen=True)
class EnrollmentEffect:
    """The expected enrollment under the draft: last year's enrolled people moved by the elasticity times the
    relative change of the average individual payment; an estimate, and said to be one."""

    enrolled_now: int
    expected_enrolled: int
    due_change_rate: Decimal  # relative change of the individual payments, e.g. 0.05 for +5%
    elasticity: Decimal
    text: str


def enrollment_effect_estimate(
    *, enrolled_now: int, people: int, due_before: Decimal, due_after: Decimal, elasticity: Decimal
) -> EnrollmentEffect:
    """Expected enrolled = enrolled now × (1 + elasticity × relative change of the individual payments), never below
    zero nor above the population; no change in payments, or no payments at all, moves nobody."""
    rate = ZERO if due_before == 0 else (due_after - due_before) / due_before
    expected = Decimal(enrolled_now) * (1 + elasticity * rate)
    expected_people = max(0, min(people, int(expected.quantize(Decimal(1), rounding=ROUND_HALF_UP))))
    percent = (rate * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = (
        f"按参保弹性{elasticity}估算：个人缴费合计变动{percent:+}%，"
        f"参保人数由{enrolled_now}人变为约{expected_people}人（估算值，非政策规定）"
    )
    return EnrollmentEffect(enrolled_now, expected_people, rate, elasticity, text)


def change_key(change: Decimal | int | None) -> str:
    """A histogram's bucket: the exact change (元 to the fen, or months), or 不能缴费 for a refused payment."""
    if change is None:
        return "不能缴费"
    if isinstance(change, Decimal):
        return f"{change:+.2f}"
    return f"{change:+d}"
