"""A simulation's ledgers (core.reports): the totals of a division and of each division below it, which its page
shows and its Excel file carries, and the people most affected, with masked ID numbers as on the page."""

import datetime
from collections.abc import Iterable, Sequence

from accounts.personal_data import id_number_mask
from core.reports import Report, RowLink, columns_of
from enrollment.models import HardshipCategory

from .models import ImpactPerson
from .selectors import DivisionImpact

TOTAL_HEADERS = [
    "区划",
    "测算人数",
    "受影响人数",
    "个人缴费合计（现行）",
    "个人缴费合计（草案）",
    "个人缴费变化",
    "资助合计（现行）",
    "资助合计（草案）",
    "基金筹资（现行）",
    "基金筹资（草案）",
    "等待期变化人数",
    "待遇开始日变化人数",
    "大病限额变化人数",
    "资助类别变化人数",
    "不能缴费人数（现行）",
    "不能缴费人数（草案）",
    "预计参保",
]
TOTAL_WIDTHS = [14, 10, 10, 16, 16, 14, 14, 14, 14, 14, 10, 10, 10, 10, 10, 10, 60]
PEOPLE_HEADERS = [
    "区县",
    "影响排名",
    "姓名",
    "公民身份号码",
    "个人缴费（现行）",
    "个人缴费（草案）",
    "资助（现行）",
    "资助（草案）",
    "等待期（现行，月）",
    "等待期（草案，月）",
    "待遇开始（现行）",
    "待遇开始（草案）",
    "大病限额（现行）",
    "大病限额（草案）",
    "资助类别（现行）",
    "资助类别（草案）",
]
PEOPLE_WIDTHS = [12, 8, 10, 22, 12, 12, 12, 12, 10, 10, 12, 12, 12, 12, 16, 16]


def category_label(category: str) -> str:
    """A subsidy category as people read it (低保对象); none is blank."""
    return dict(HardshipCategory.choices).get(category, category)


def impact_total_values(impact: DivisionImpact, *, name: str | None = None) -> list[object]:
    return [
        impact.name if name is None else name,
        impact.people,
        impact.people_changed,
        impact.due_before,
        impact.due_after,
        impact.due_change,
        impact.subsidy_before,
        impact.subsidy_after,
        impact.income_before,
        impact.income_after,
        impact.waiting_changed,
        impact.benefit_start_changed,
        impact.cap_changed,
        impact.category_changed,
        impact.refused_before,
        impact.refused_after,
        impact.effect.text,
    ]


def impact_totals_report(
    *,
    whole: DivisionImpact,
    children: Sequence[DivisionImpact],
    links: Sequence[RowLink | None] | None,
    title: str,
    unit: str,
    as_of: datetime.date,
) -> Report:
    """One row per division below the division, the division's own totals in the 合计 row."""
    return Report(
        title=title,
        unit=unit,
        as_of=as_of,
        columns=columns_of(TOTAL_HEADERS, TOTAL_WIDTHS),
        rows=[impact_total_values(child) for child in children],
        totals=impact_total_values(whole, name=whole.name),
        row_links=links,
        row_keys=[{"division": child.code} for child in children],
    )


def impact_people_report(*, people: Iterable[ImpactPerson], title: str, unit: str, as_of: datetime.date) -> Report:
    def values(person: ImpactPerson) -> list[object]:
        return [
            person.county.name,
            person.rank,
            person.resident.name,
            id_number_mask(person.resident.id_number),
            person.due_before,
            person.due_after,
            person.subsidy_before,
            person.subsidy_after,
            person.waiting_before,
            person.waiting_after,
            person.benefit_start_before,
            person.benefit_start_after,
            person.cap_before,
            person.cap_after,
            category_label(person.category_before),
            category_label(person.category_after),
        ]

    return Report(
        title=title, unit=unit, as_of=as_of, columns=columns_of(PEOPLE_HEADERS, PEOPLE_WIDTHS), rows=map(values, people)
    )
