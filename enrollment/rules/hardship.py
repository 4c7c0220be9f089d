"""R6: hardship contribution subsidies, as pure functions (no ORM, no clock). They are part of what a person owes
(enrollment.rules.quote_compute); the subsidies app records who holds which identity.

The table itself (categories, amounts, departments, the combination rules) is policy data of a region and year:
`PolicyParameterSet.hardship_tiers`, resolved into `HardshipTier` rows by `enrollment.policy`.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# The code an identity carries when a department (残联) certifies only a disability grade; the tiers say which
# grades, alone or together with another category, give a subsidy.
DISABILITY = "disability"


@dataclass(frozen=True)
class HardshipTier:
    """One row of a region's subsidy table: who falls in it and what they pay themselves.

    A person falls in the tier when they hold its category, or when their disability grade is one of
    `disability_grades` and they also hold every category of `requires_categories` (dibao with grade 3 or 4).
    """

    category: str
    name: str
    individual_payment: Decimal
    subsidy_amount: Decimal
    department: str
    source: str
    fund: str = ""
    disability_grades: frozenset[int] = frozenset()
    requires_categories: frozenset[str] = frozenset()
    aliases: tuple[str, ...] = ()

    def applies_to(self, *, categories: frozenset[str], disability_grade: int | None) -> bool:
        if self.category in categories:
            return True
        return (
            disability_grade is not None
            and disability_grade in self.disability_grades
            and self.requires_categories <= categories
        )


@dataclass(frozen=True)
class HardshipSubsidy:
    individual_due: Decimal
    subsidy_amount: Decimal
    category: str | None
    name: str
    rule: str
    text: str
    source: str


def hardship_tiers_held(
    *, tiers: tuple[HardshipTier, ...], categories: frozenset[str], disability_grade: int | None
) -> list[HardshipTier]:
    """The tiers a person falls in (R6 table with its combination rules), in the table's order."""
    return [tier for tier in tiers if tier.applies_to(categories=categories, disability_grade=disability_grade)]


def hardship_subsidy_compute(
    *,
    tiers: tuple[HardshipTier, ...],
    standard: Decimal,
    categories: frozenset[str],
    disability_grade: int | None,
) -> HardshipSubsidy | None:
    """R6.2: of the person's identities valid on the payment date, the one with the lowest payment applies.

    None when the person holds no tier at all: they pay the full standard.
    """
    held = hardship_tiers_held(tiers=tiers, categories=categories, disability_grade=disability_grade)
    if not held:
        return None
    best = min(held, key=lambda tier: tier.individual_payment)  # min keeps the first of equals: the table's order
    individual = min(best.individual_payment, standard)
    subsidy = standard - individual
    if subsidy == 0:
        text = f"{best.name}：个人全额缴纳{individual:.2f}元，不享受资助"
        return HardshipSubsidy(individual, subsidy, None, best.name, "R6.2", text, best.source)
    others = f"（另有{len(held) - 1}项身份，按个人缴费最低的一项）" if len(held) > 1 else ""
    text = f"{best.name}：个人缴费{individual:.2f}元，医疗救助基金资助{subsidy:.2f}元{others}"
    return HardshipSubsidy(individual, subsidy, best.category, best.name, "R6.2", text, best.source)


class HardshipTableInvalid(ValueError):
    """A subsidy table row that cannot be read; the message is shown to the administrator."""


TIER_REQUIRED_KEYS = ("category", "name", "individual_payment", "subsidy_amount", "department")


def hardship_tiers_from_rows(
    rows: list[dict[str, Any]], *, source: str, standard: Decimal | None = None
) -> tuple[HardshipTier, ...]:
    """Reads the table as stored in the policy parameters; with `standard`, each row's two amounts must add up to it."""
    tiers = []
    for number, row in enumerate(rows, start=1):
        missing = [key for key in TIER_REQUIRED_KEYS if key not in row]
        if missing:
            raise HardshipTableInvalid(f"资助档次第{number}行缺少：{'、'.join(missing)}。")
        try:
            individual = Decimal(str(row["individual_payment"]))
            subsidy = Decimal(str(row["subsidy_amount"]))
            grades = frozenset(int(grade) for grade in row.get("disability_grades", ()))
        except (ArithmeticError, ValueError, TypeError):
            raise HardshipTableInvalid(f"资助档次第{number}行的金额或残疾等级不是数字。") from None
        if standard is not None and individual + subsidy != standard:
            raise HardshipTableInvalid(
                f"资助档次第{number}行（{row['name']}）：个人缴费{individual}元与资助{subsidy}元之和不等于缴费标准{standard}元。"
            )
        tiers.append(
            HardshipTier(
                category=row["category"],
                name=row["name"],
                individual_payment=individual,
                subsidy_amount=subsidy,
                department=row["department"],
                source=f"{source} {row.get('clause', '')}".strip(),
                fund=row.get("fund", ""),
                disability_grades=grades,
                requires_categories=frozenset(row.get("requires_categories", ())),
                aliases=tuple(row.get("aliases", ())),
            )
        )
    return tuple(tiers)
