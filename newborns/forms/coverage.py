"""The parameters of the newborn coverage report, read from the query string (subsidies.forms.reports)."""

import datetime

from django import forms
from django.core.validators import RegexValidator

from subsidies.forms import AsOfMixin, ReportParametersForm


class NewbornCoverageForm(AsOfMixin, ReportParametersForm):
    division = forms.CharField(
        label="区划",
        required=False,
        validators=[RegexValidator(r"^(\d{2}|\d{4}|\d{6})$", "区划代码应为2位（省）、4位（市）或6位（区县）数字。")],
    )

    def clean(self):
        cleaned = super().clean()
        year, as_of = cleaned.get("year"), cleaned.get("as_of")
        if year and as_of and as_of < datetime.date(year, 1, 1):
            self.add_error("as_of", f"统计日期不能早于{year}年1月1日。")
        return cleaned
