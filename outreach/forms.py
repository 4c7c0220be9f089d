"""Forms of the outreach pages: they read the parameters; the services decide what may be written."""

import datetime
from typing import cast

from django import forms

from accounts.models import User
from accounts.scope import scope_queryset
from config.forms import SearchableSelect
from divisions.models import Division, DivisionLevel
from divisions.selectors import division_label_with_parent

from .models import Channel, Outcome
from .services import DEFAULT_TEMPLATE
from .sources import sources_all


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        is_select = isinstance(field.widget, forms.Select)
        field.widget.attrs.setdefault("class", "form-select" if is_select else "form-control")


def campaign_divisions(*, user: User) -> list[Division]:
    """The divisions a campaign of the user may address: their own, and the counties and townships of their scope."""
    divisions = Division.objects.filter(level__in=(DivisionLevel.COUNTY, DivisionLevel.TOWNSHIP))
    found = list(scope_queryset(divisions, user=user, code_fields=("code",)).select_related("parent").order_by("code"))
    if user.division is not None and user.division not in found:
        found.insert(0, user.division)
    return found


class CampaignForm(forms.Form):
    name = forms.CharField(label="活动名称", max_length=100, required=False, help_text="不填时按区划和年度命名")
    source = forms.ChoiceField(label="人员来源")
    division = forms.ChoiceField(label="区划", widget=SearchableSelect)  # a province's 1,400-odd counties and townships
    year = forms.IntegerField(
        label="参保年度",
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": "年度应为四位数字。", "required": "请填写年度。"},
    )
    channel = forms.ChoiceField(label="发送方式", choices=Channel.choices)
    template = forms.CharField(
        label="内容模板",
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=DEFAULT_TEMPLATE,
        help_text="可用占位符：{姓名} {截止日期} {金额} {村}；截止日期和金额按参保年度的政策参数计算。",
        error_messages={"required": "请填写内容模板。"},
    )

    def __init__(self, *args, user: User, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["source"]).choices = [
            (source.key, source.label) for source in sources_all()
        ]
        cast(forms.ChoiceField, self.fields["division"]).choices = [
            (division.code, division_label_with_parent(division)) for division in campaign_divisions(user=user)
        ]
        self.fields["year"].initial = today.year + 1 if today.month >= 9 else today.year
        _style(self)


class MessageFilterForm(forms.Form):
    outcome = forms.ChoiceField(label="结果", required=False, choices=[("", "全部结果"), *Outcome.choices])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class PhoneOptOutForm(forms.Form):
    phone = forms.CharField(label="手机号", max_length=20, error_messages={"required": "请填写手机号。"})
    reason = forms.CharField(label="原因", max_length=200, required=False)
    date = forms.DateField(
        label="登记日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写登记日期。", "invalid": "日期格式应为2026-12-31。"},
    )

    def __init__(self, *args, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = today
        _style(self)
