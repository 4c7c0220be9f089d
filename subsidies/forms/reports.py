"""The parameters of the subsidy reports, read from the query string, with their defaults and Chinese messages."""

import datetime
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.http import QueryDict

FIRST_REPORT_YEAR = 2000

county_code_validator = RegexValidator(r"^\d{6}$", "区县代码应为6位数字。")
division_code_validator = RegexValidator(r"^(\d{6}|\d{9})$", "区划代码应为6位（区县）或9位（乡镇）数字。")


class ReportParametersForm(forms.Form):
    """Year of the report; a parameter missing from the query string takes its default (`defaults`)."""

    year = forms.IntegerField(
        label="年度",
        error_messages={"required": "请填写年度。", "invalid": "年度应为四位数字，如2026。"},
    )

    def __init__(self, query: QueryDict, *, today: datetime.date, defaults: dict[str, str]) -> None:
        data = query.copy()
        for name, value in {"year": str(today.year), **defaults}.items():
            if name not in data:
                data[name] = value
        super().__init__(data)
        self.today = today
        last_year = today.year + 1  # the collection for next year runs at the end of this one
        message = f"年度应在{FIRST_REPORT_YEAR}年至{last_year}年之间。"
        self.fields["year"].validators += [
            MinValueValidator(FIRST_REPORT_YEAR, message),
            MaxValueValidator(last_year, message),
        ]

    def default_as_of(self, year: int) -> datetime.date:
        """The report's date when none is given: today, or the last day of a year already past."""
        return min(self.today, datetime.date(year, 12, 31))


class CountyReportForm(ReportParametersForm):
    county = forms.CharField(
        label="区县",
        required=False,
        validators=[county_code_validator],
        error_messages={"invalid": "区县代码应为6位数字。"},
    )


class LedgerPeopleForm(CountyReportForm):
    category = forms.CharField(label="资助类别", max_length=32, error_messages={"required": "请指定资助类别。"})


class AsOfMixin(forms.Form):
    """The date the identities are judged on; by default today, or the last day of a year already past."""

    as_of = forms.DateField(
        label="统计日期",
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "统计日期应为“年-月-日”，如2026-11-26。"},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("year") and not cleaned.get("as_of"):
            cleaned["as_of"] = self.default_as_of(cleaned["year"])  # type: ignore[attr-defined]
        return cleaned


class CoverageForm(AsOfMixin, CountyReportForm):
    city = forms.CharField(
        label="市",
        required=False,
        validators=[RegexValidator(r"^\d{4}$", "市级区划代码应为4位数字。")],
    )


class UnenrolledForm(AsOfMixin, ReportParametersForm):
    division = forms.CharField(label="乡镇或区县", required=False, validators=[division_code_validator])
