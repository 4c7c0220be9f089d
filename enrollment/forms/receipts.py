"""The forms of the receipt pages: a refund requested at the window (R12) and the day of a clerk's 日结."""

from django import forms

from config.forms import DateInput

from ..rules import DIED_BEFORE_BENEFIT, REFUND_REASON_LABELS


class RefundForm(forms.Form):
    reason = forms.ChoiceField(label="退费原因", choices=[("", "请选择"), *REFUND_REASON_LABELS.items()])
    date = forms.DateField(label="退费日期", widget=DateInput())
    death_date = forms.DateField(
        label="死亡日期", required=False, widget=DateInput(), help_text="退费原因为待遇享受期前死亡时填写。"
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("reason") == DIED_BEFORE_BENEFIT and not data.get("death_date"):
            self.add_error("death_date", "待遇享受期前死亡退费，请填写死亡日期。")
        return data


class ClerkDayForm(forms.Form):
    date = forms.DateField(label="日期", widget=DateInput())
