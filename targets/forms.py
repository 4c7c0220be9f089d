"""The parameters and inputs of the progress dashboards, the refresh button, the target split and the imports."""

import datetime
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.http import QueryDict

from divisions.models import Division

from .models import TargetMetric
from .rules import AS_OF_OUT_OF_REACH, as_of_in_reach
from .selectors.progress import DASHBOARD_METRICS

FIRST_YEAR = 2000
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
UPLOAD_EXTENSIONS = ("xlsx", "csv")

YEAR_MESSAGES = {"required": "请填写年度。", "invalid": "年度应为四位数字，如2026。"}
DATE_MESSAGES = {"required": "请填写统计截止日。", "invalid": "统计截止日应为“年-月-日”，如2026-11-26。"}


def _year_validators(today: datetime.date) -> list:
    last_year = today.year + 1
    message = f"年度应在{FIRST_YEAR}年至{last_year}年之间。"
    return [MinValueValidator(FIRST_YEAR, message), MaxValueValidator(last_year, message)]


def _as_of_check(form: forms.Form, *, today: datetime.date | None = None) -> dict[str, Any]:
    """The statistics date lies in the year asked for and, when `today` is given, not after it."""
    cleaned = form.cleaned_data
    as_of, year = cleaned.get("as_of"), cleaned.get("year")
    if as_of and year and not as_of_in_reach(as_of=as_of, year=year):
        form.add_error("as_of", AS_OF_OUT_OF_REACH)
    elif as_of and today and as_of > today:
        form.add_error("as_of", "统计截止日不能晚于今天。")
    return cleaned


class DashboardForm(forms.Form):
    """The query string of a dashboard; what is missing takes its default (the year of today, the metric of the
    first tab, the user's own division, the latest snapshot date)."""

    year = forms.IntegerField(label="年度", error_messages=YEAR_MESSAGES)
    metric = forms.ChoiceField(
        label="指标",
        choices=[(metric.value, metric.label) for metric in DASHBOARD_METRICS],
        error_messages={"invalid_choice": "没有该指标的进度。"},
    )
    division = forms.CharField(
        label="区划",
        validators=[RegexValidator(r"^\d{2}(\d{2}){0,2}$", "区划代码应为省（2位）、市（4位）或县区（6位）代码。")],
    )
    as_of = forms.DateField(
        label="统计截止日", required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_MESSAGES
    )

    def __init__(self, query: QueryDict, *, today: datetime.date, default_division: str) -> None:
        data = query.copy()
        defaults = {
            "year": str(today.year),
            "metric": TargetMetric.SUBSIDISED_NEWBORNS.value,
            "division": default_division,
        }
        for name, value in defaults.items():
            if not data.get(name):
                data[name] = value
        super().__init__(data)
        self.fields["year"].validators += _year_validators(today)

    def clean(self) -> dict[str, Any]:
        super().clean()
        return _as_of_check(self)


class RefreshForm(forms.Form):
    """The refresh button: recompute every level as of a date of the year, today at the latest."""

    year = forms.IntegerField(label="年度", error_messages=YEAR_MESSAGES)
    as_of = forms.DateField(label="统计截止日", input_formats=["%Y-%m-%d"], error_messages=DATE_MESSAGES)

    def __init__(self, *args, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["year"].validators += _year_validators(today)

    def clean(self) -> dict[str, Any]:
        super().clean()
        return _as_of_check(self, today=self.today)


def default_refresh_date(*, year: int, today: datetime.date) -> datetime.date:
    """Today for the current year, the last day of a year already past."""
    return min(today, datetime.date(year, 12, 31))


class SplitParametersForm(forms.Form):
    """The year of a page (by default this year) and, for the split, the city (by default the user's own)."""

    year = forms.IntegerField(label="年度", error_messages=YEAR_MESSAGES)
    city = forms.CharField(
        label="市", required=False, validators=[RegexValidator(r"^\d{4}$", "市的区划代码应为4位数字。")]
    )

    def __init__(self, query: QueryDict, *, today: datetime.date, default_city: str) -> None:
        data = query.copy()
        for name, value in {"year": str(today.year), "city": default_city}.items():
            if not data.get(name):
                data[name] = value
        super().__init__(data)
        self.fields["year"].validators += _year_validators(today)


class SplitForm(forms.Form):
    """One whole number per county of the city; whether they add up to the city's target is the service's check."""

    def __init__(self, *args, counties: list[Division], initial_values: dict[str, int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.counties = counties
        for county in counties:
            self.fields[self.field_name(county.code)] = forms.IntegerField(
                label=county.name,
                min_value=0,
                initial=initial_values.get(county.code),
                error_messages={
                    "required": f"请填写{county.name}的目标人数。",
                    "invalid": f"{county.name}的目标人数应为整数。",
                    "min_value": f"{county.name}的目标人数不能为负数。",
                },
            )

    @staticmethod
    def field_name(code: str) -> str:
        return f"county_{code}"

    def rows(self) -> list[tuple[Division, forms.BoundField]]:
        return [(county, self[self.field_name(county.code)]) for county in self.counties]

    def values(self) -> dict[str, int]:
        return {county.code: self.cleaned_data[self.field_name(county.code)] for county in self.counties}


class ListUploadForm(forms.Form):
    file = forms.FileField(label="文件（xlsx 或 csv）", error_messages={"required": "请选择要导入的文件。"})

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in UPLOAD_EXTENSIONS:
            raise forms.ValidationError("只能导入 xlsx 或 csv 文件。")
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError("文件超过5MB，请分批导入。")
        return upload


class ConfirmForm(forms.Form):
    """The previewed batch a confirmation names."""

    batch = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def batch_id(cls, data: QueryDict) -> int | None:
        """The id of the batch posted; None when there is none."""
        form = cls(data)
        return form.cleaned_data["batch"] if form.is_valid() else None
