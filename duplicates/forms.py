from django import forms

from .models import CaseStatus, DuplicateKind, Resolution


class CaseFilterForm(forms.Form):
    kind = forms.ChoiceField(label="重复类型", choices=[("", "全部"), *DuplicateKind.choices], required=False)
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *CaseStatus.choices], required=False)
    county = forms.CharField(label="区县代码", max_length=6, required=False)
    year = forms.IntegerField(label="保险年度", min_value=2000, max_value=2100, required=False)


class ResolutionForm(forms.Form):
    resolution = forms.ChoiceField(
        label="处理方式",
        choices=[(value, label) for value, label in Resolution.choices if value != Resolution.HANDLED_ELSEWHERE],
    )
    note = forms.CharField(label="处理说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    date = forms.DateField(label="退费日期", required=False, help_text="退费时填写，默认今天。")
