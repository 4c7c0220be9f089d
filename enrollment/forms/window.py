"""The forms of the window (窗口办理): one search box, and the quote-and-payment form, ordered for the keyboard."""

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from django import forms

from config.forms import DateInput

from ..api.quotes import SPECIAL_STATUS_CHOICES
from ..models import EnrollmentBasis, PayerRelation, PaymentChannel
from ..policy import insurance_year_collecting
from ..rules import EXIT_KIND_LABELS, IdNumberError, id_number_read

# Digits of an ID number or a phone number that a search for "the last digits" takes at least, and the length from
# which a string of digits is taken for a whole ID number typed or scanned (a first-generation number has 15).
SEARCH_DIGITS_MIN = 4
WHOLE_ID_NUMBER_MIN = 15
SEARCH_TOO_SHORT = f"按身份证号后几位或电话查询请至少输入{SEARCH_DIGITS_MIN}位数字；完整的身份证号为18位。"


class SearchKind:
    ID_NUMBER = "id_number"
    DIGITS = "digits"  # the last digits of an ID number, or a phone number
    NAME = "name"


@dataclass(frozen=True)
class WindowQuery:
    """What the clerk typed in the window's search box, read as a whole ID number, digits or a name."""

    kind: str
    text: str


class WindowSearchForm(forms.Form):
    """The window's one search box: a whole ID number (checked before any search, R13.4), the last 4 or more digits of
    one, a phone number, or a name."""

    q = forms.CharField(label="身份证号、姓名或电话", max_length=40, strip=True)

    def clean_q(self) -> WindowQuery:
        # spaces and hyphens are how numbers are written down (138-1234-5678), never part of one
        text = re.sub(r"[\s\-－]+", "", self.cleaned_data["q"]).upper()
        if not re.search(r"\d", text):
            return WindowQuery(kind=SearchKind.NAME, text=text)
        if re.fullmatch(r"[0-9]+X?", text) and len(text) < WHOLE_ID_NUMBER_MIN:
            if len(text) < SEARCH_DIGITS_MIN:
                raise forms.ValidationError(SEARCH_TOO_SHORT)
            return WindowQuery(kind=SearchKind.DIGITS, text=text)
        # a newborn still without an ID number has its mother's with B, B1, B2 … after it (R7.5)
        placeholder = re.fullmatch(r"(.{18})(B[0-9]*)", text)
        try:
            id_number, _birth_date, _sex = id_number_read(placeholder[1] if placeholder else text)
        except IdNumberError as error:
            raise forms.ValidationError(str(error)) from None
        return WindowQuery(kind=SearchKind.ID_NUMBER, text=id_number + (placeholder[2] if placeholder else ""))


def id_number_problem(text: str) -> str:
    """What is wrong with digits taken for a whole ID number, for the answer to a search that found no one."""
    try:
        id_number_read(text)
    except IdNumberError as error:
        return str(error)
    return ""


class WindowPaymentForm(forms.Form):
    """The quote-and-payment form, in the order of the keyboard: the fields every payment fills first, the rarely used
    ones after (the page folds them away unless one is filled or refused). A year the person has already paid for
    (R13.0a: one active enrollment per person and year) is not offered and is refused before any quote."""

    COMMON_FIELDS = ("insurance_year", "payment_date", "channel")

    insurance_year = forms.IntegerField(label="保险年度", min_value=2000, max_value=2100)
    payment_date = forms.DateField(label="缴费日期", widget=DateInput())
    channel = forms.ChoiceField(label="缴费渠道", choices=PaymentChannel.choices, initial=PaymentChannel.WINDOW)
    back_paid_years = forms.IntegerField(label="补缴年数", min_value=0, initial=0, required=False)
    accident_topup = forms.DecimalField(label="意外伤害补充保险（元）", required=False, decimal_places=2)
    special_status = forms.ChoiceField(label="特殊群体", choices=[("", "无"), *SPECIAL_STATUS_CHOICES], required=False)
    special_date = forms.DateField(label="退出其他制度日期", required=False, widget=DateInput())
    exit_kind = forms.ChoiceField(label="退出类别", choices=[("", "—"), *EXIT_KIND_LABELS.items()], required=False)
    employee_years = forms.CharField(
        label="职工医保参保年度",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "如 2024,2025 或 2023-2025"}),
    )
    payer_id_number = forms.CharField(label="代缴人身份证号（家庭共济）", max_length=18, required=False)
    payer_relation = forms.ChoiceField(
        label="与代缴人关系", choices=[("", "—"), *PayerRelation.choices], required=False
    )
    # R13.0a: where the person enrolls and why; the household county needs no proof
    enrolling_county = forms.ChoiceField(label="参保地", required=False)
    enrollment_basis = forms.ChoiceField(
        label="参保依据", choices=EnrollmentBasis.choices, initial=EnrollmentBasis.HOUSEHOLD, required=False
    )
    basis_document_no = forms.CharField(label="居住证号/证明编号", max_length=64, required=False)
    basis_valid_from = forms.DateField(label="有效期起", required=False, widget=DateInput())
    basis_valid_to = forms.DateField(label="有效期止（长期不填）", required=False, widget=DateInput())

    def clean_employee_years(self) -> list[int]:
        """R8.1: the years insured under employee insurance, as "2023,2024,2025" or "2023-2025"."""
        text = self.cleaned_data["employee_years"].strip()
        years: set[int] = set()
        for part in filter(None, re.split(r"[，,、\s]+", text)):
            match = re.fullmatch(r"(\d{4})(?:[-－—~至](\d{4}))?", part)
            if match is None:
                raise forms.ValidationError(
                    "职工医保参保年度请填写四位年份，用逗号分隔（如 2024,2025）或写起止年度（如 2023-2025）。"
                )
            first, last = int(match[1]), int(match[2] or match[1])
            if last < first or last - first > 100:
                raise forms.ValidationError(f"职工医保参保年度 {part} 的起止年度不正确。")
            years.update(range(first, last + 1))
        return sorted(years)

    def __init__(
        self,
        *args,
        today: datetime.date,
        region_code: str,
        county_choices: list[tuple[str, str]] | None = None,
        paid_years: Mapping[int, str] | None = None,
        **kwargs,
    ) -> None:
        """`paid_years`: the years the person holds an active enrollment for, each with where and when it was paid."""
        super().__init__(*args, **kwargs)
        self.paid_years = dict(paid_years or {})
        # the household county first: the default place of enrollment
        choices = county_choices or []
        household = [choice for choice in choices if choice[0] == region_code]
        county_field = cast(forms.ChoiceField, self.fields["enrolling_county"])
        county_field.choices = [
            *((code, f"{name}（户籍地）") for code, name in household),
            *(choice for choice in choices if choice[0] != region_code),
        ]
        self.fields["enrolling_county"].initial = region_code
        year = insurance_year_collecting(region_code=region_code, today=today)
        while year in self.paid_years:
            year += 1
        year_field = self.fields["insurance_year"]
        year_field.initial = year
        if self.paid_years:
            year_field.help_text = "已参保：" + "、".join(
                f"{paid}年度（{where}）" for paid, where in sorted(self.paid_years.items())
            )
            year_field.widget.attrs["data-paid-years"] = ",".join(str(paid) for paid in sorted(self.paid_years))
        self.fields["payment_date"].initial = today
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"

    def clean_insurance_year(self) -> int:
        """R13.0a: one active enrollment per person and year; a paid year is refused before it is quoted."""
        year: int = self.cleaned_data["insurance_year"]
        if year in self.paid_years:
            raise forms.ValidationError(f"该居民{year}年度已参保（{self.paid_years[year]}），不能重复缴费。")
        return year

    def common_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.COMMON_FIELDS]

    def more_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.COMMON_FIELDS]

    def more_fields_open(self) -> bool:
        """The rarely used fields are shown when one of them is refused, filled, or asked for (a basis of enrollment
        for a person of another county, R13.0a)."""
        more = [name for name in self.fields if name not in self.COMMON_FIELDS]
        changed = self.changed_data if self.is_bound else []
        return bool(self.initial.get("enrollment_basis")) or any(
            name in self.errors or name in changed for name in more
        )

    def focus(self, *, quoted: bool) -> None:
        """Where the cursor is when the page opens: on the first refused field, else on the year; after a quote on
        none of them, for the confirm button takes it."""
        if quoted:
            return
        name = next((name for name in self.fields if name in self.errors), "insurance_year")
        self.fields[name].widget.attrs["autofocus"] = True
