"""The parameters of the reconciliation page, its file and the re-match (subsidies.forms.reports)."""

from django import forms

from subsidies.forms import CountyReportForm

from .models import TaxPaymentMatch


class TaxPaymentQueryForm(CountyReportForm):
    """County and year; the list is filtered by match status and searched by ID number."""

    status = forms.ChoiceField(
        label="对账结果",
        required=False,
        choices=[("", "全部"), *TaxPaymentMatch.choices],
        error_messages={"invalid_choice": "对账结果「%(value)s」不是可选的值。"},
    )
    id_number = forms.CharField(
        label="身份证号", required=False, max_length=18, error_messages={"max_length": "身份证号最多18位。"}
    )
