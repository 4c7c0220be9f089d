"""Forms of the fiscal pages (R11): what the user types, checked for shape only; the rules live in the services."""

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db.models import QuerySet
from django.http import QueryDict

from divisions.models import Division
from enrollment.forms import DivisionChoiceField

from .models import FiscalLevel, FiscalTier

DATE_INPUT = {"type": "date"}
ISO_DATE = "%Y-%m-%d"  # what <input type="date"> reads
FIRST_YEAR = 2026  # the newborn programme starts in 2026
SHARE_MESSAGES = {
    "required": "请填写负担比例。",
    "invalid": "负担比例应为0至1之间的小数，如0.25。",
    "min_value": "负担比例不能为负数。",
    "max_value": "负担比例不能大于1。",
    "max_digits": "负担比例最多保留4位小数。",
    "max_decimal_places": "负担比例最多保留4位小数。",
}
YEAR_MESSAGES = {"required": "请填写年度。", "invalid": "年度应为四位数字，如2026。"}


class FieldsMarkedForm(forms.Form):
    """A form whose fields with errors are marked (Bootstrap's is-invalid) once it has been submitted and checked;
    a form not yet submitted marks nothing."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs["class"] = "form-check-input"
        elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            field.widget.attrs["class"] = "form-select"
        else:
            field.widget.attrs["class"] = "form-control"


def _year_field(*, today: datetime.date) -> forms.IntegerField:
    message = f"年度应在{FIRST_YEAR}年至{today.year + 1}年之间。"
    return forms.IntegerField(
        label="年度",
        error_messages=YEAR_MESSAGES,
        validators=[MinValueValidator(FIRST_YEAR, message), MaxValueValidator(today.year + 1, message)],
    )


def _choice_field(
    label: str, *, required: str, invalid: str, queryset: QuerySet[Any] | None = None, divisions: bool = False
) -> forms.ModelChoiceField:
    """A list to choose from, "请选择" first; the view narrows `queryset` to what the user may choose."""
    field_class = DivisionChoiceField if divisions else forms.ModelChoiceField
    return field_class(
        label=label,
        queryset=Division.objects.none() if queryset is None else queryset,
        empty_label="请选择",
        error_messages={"required": required, "invalid_choice": invalid},
    )


def _share_field(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=5,
        decimal_places=4,
        min_value=Decimal("0"),
        max_value=Decimal("1"),
        error_messages=SHARE_MESSAGES,
    )


class FiscalPageForm(forms.Form):
    """The query string of the settlement page and its Excel files; a parameter not given takes its default."""

    city = forms.CharField(
        label="设区市",
        required=False,
        validators=[RegexValidator(r"^\d{4}(00)?$", "设区市代码应为4位或6位数字，如1406。")],
    )
    as_of = forms.DateField(
        label="统计日期",
        input_formats=[ISO_DATE],
        error_messages={"invalid": "统计日期应为“年-月-日”，如2026-11-26。"},
    )

    def __init__(self, query: QueryDict, *, today: datetime.date, default_city: str | None) -> None:
        data = query.copy()
        defaults = {"year": str(today.year), "city": default_city or "", "as_of": today.isoformat()}
        for name, value in defaults.items():
            if not data.get(name):
                data[name] = value
        super().__init__(data)
        self.fields["year"] = _year_field(today=today)


class FiscalTransferForm(FieldsMarkedForm):
    """R11.3: one transfer into the city's social-security fund account."""

    year = forms.IntegerField(label="年度", error_messages=YEAR_MESSAGES)
    county = _choice_field("区县", required="请选择区县。", invalid="只能录入本辖区区县的拨付。", divisions=True)
    level = forms.ChoiceField(
        label="层级",
        choices=[("", "请选择"), *FiscalLevel.choices],
        error_messages={"required": "请选择财政层级。", "invalid_choice": "请选择省级、市级或县级。"},
    )
    date = forms.DateField(
        label="拨付日期",
        input_formats=[ISO_DATE, "%Y/%m/%d"],
        widget=forms.DateInput(attrs=DATE_INPUT, format=ISO_DATE),
        error_messages={"required": "请填写拨付日期。", "invalid": "拨付日期应为“年-月-日”，如2026-10-20。"},
    )
    amount = forms.DecimalField(
        label="金额（元）",
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": "请填写金额。",
            "invalid": "金额应为数字，最多两位小数。",
            "max_decimal_places": "金额最多两位小数（到分）。",
            "max_digits": "金额过大。",
        },
    )
    voucher_no = forms.CharField(label="凭证号", max_length=64, error_messages={"required": "请填写凭证号。"})
    note = forms.CharField(label="说明（冲正时必填）", max_length=200, required=False)

    def __init__(self, *args, counties: QuerySet[Division], today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties  # type: ignore[attr-defined]
        self.fields["date"].initial = today
        _style(self)


class TierSharesForm(FieldsMarkedForm):
    """R11.1: the province's, the city's and the county's share of a tier."""

    province_share = _share_field("省级负担比例")
    city_share = _share_field("市级负担比例")
    county_share = _share_field("县级负担比例")

    @property
    def shares(self) -> tuple[Decimal, Decimal, Decimal]:
        return (
            self.cleaned_data["province_share"],
            self.cleaned_data["city_share"],
            self.cleaned_data["county_share"],
        )


class FiscalTierForm(TierSharesForm):
    """R11.1: a tier's shares and the document they come from."""

    source_document = forms.CharField(label="依据文件", max_length=200, error_messages={"required": "请填写依据文件。"})
    provisional = forms.BooleanField(label="暂定（依据文件未到）", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class CountyTierAssignForm(FieldsMarkedForm):
    """R11.1: the tier a county is in from a date."""

    county = _choice_field("区县", required="请选择区县。", invalid="只能指定本辖区区县的财政分档。", divisions=True)
    tier = _choice_field(
        "财政分档",
        required="请选择财政分档。",
        invalid="只能把区县归入由您管理的分档。",
        queryset=FiscalTier.objects.all(),
    )
    valid_from = forms.DateField(
        label="生效日期",
        input_formats=[ISO_DATE, "%Y/%m/%d"],
        widget=forms.DateInput(attrs=DATE_INPUT, format=ISO_DATE),
        error_messages={"required": "请填写生效日期。", "invalid": "生效日期应为“年-月-日”，如2027-01-01。"},
    )
    provisional = forms.BooleanField(label="暂定", required=False)

    def __init__(self, *args, counties: QuerySet[Division], tiers: QuerySet[FiscalTier], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties  # type: ignore[attr-defined]
        self.fields["tier"].queryset = tiers  # type: ignore[attr-defined]
        _style(self)


class WhatIfForm(TierSharesForm):
    """R11.2 what-if: other shares for one tier, for one city and year; nothing is saved."""

    field_order = ["city", "tier"]  # before the shares; the year goes first
    city = _choice_field("设区市", required="请选择设区市。", invalid="没有找到该设区市，或不在您的管辖范围内。")
    tier = _choice_field(
        "财政分档", required="请选择财政分档。", invalid="请选择列表中的财政分档。", queryset=FiscalTier.objects.all()
    )

    def __init__(self, *args, cities: QuerySet[Division], today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"year": _year_field(today=today), **self.fields}
        self.fields["year"].initial = today.year
        self.fields["city"].queryset = cities  # type: ignore[attr-defined]
        _style(self)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        province, city, county = (cleaned.get(name) for name in ("province_share", "city_share", "county_share"))
        if province is not None and city is not None and county is not None:
            try:
                FiscalTier(province_share=province, city_share=city, county_share=county).clean()
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned
