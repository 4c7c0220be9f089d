"""Forms of the uninsured ledger pages (R13.5): they read the parameters; the services decide what may be written."""

import datetime
from typing import cast

from django import forms

from config.forms import SearchableSelect
from divisions.models import Division

from .models import ContactResult, OutreachStep, UninsuredReason, VerificationStatus

MAX_LIST_BYTES = 20 * 1024 * 1024
FIRST_YEAR = 2000
LAST_YEAR = 2100


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.HiddenInput):
            continue
        is_select = isinstance(field.widget, forms.Select)
        field.widget.attrs.setdefault("class", "form-select" if is_select else "form-control")


class ListFileField(forms.FileField):
    def clean(self, *args, **kwargs):
        upload = super().clean(*args, **kwargs)
        if upload is not None:
            if upload.size > MAX_LIST_BYTES:
                raise forms.ValidationError("文件超过20MB，请拆分后分别导入。")
            if not upload.name.lower().endswith((".xlsx", ".csv")):
                raise forms.ValidationError("只能导入 xlsx 或 csv 文件。")
        return upload


def year_field(**kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label="参保年度",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={
            "invalid": "年度应为四位数字。",
            "min_value": f"年度不能早于{FIRST_YEAR}年。",
            "max_value": f"年度不能晚于{LAST_YEAR}年。",
            "required": "请填写年度。",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        **kwargs,
    )


class UninsuredPushForm(forms.Form):
    year = year_field()
    deadline = forms.DateField(
        label="反馈截止日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写反馈截止日期。", "invalid": "日期格式应为2026-12-31。"},
    )
    file = ListFileField(label="名单文件（xlsx 或 csv）", error_messages={"required": "请选择名单文件。"})

    def __init__(self, *args, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["year"].initial = today.year
        _style(self)

    def clean_deadline(self) -> datetime.date:
        deadline = self.cleaned_data["deadline"]
        if deadline < self.today:
            raise forms.ValidationError("反馈截止日期不能早于今天。")
        return deadline


class LedgerFilterForm(forms.Form):
    year = year_field(required=False)
    village = forms.ChoiceField(label="村（社区）", required=False, widget=SearchableSelect)
    step = forms.ChoiceField(label="工作步骤", required=False, choices=[("", "全部步骤"), *OutreachStep.choices])
    q = forms.CharField(label="姓名或身份证号", required=False, max_length=40)

    def __init__(self, *args, villages, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["village"]).choices = [
            ("", "全部村（社区）"),
            *((village.code, village.name) for village in villages),
        ]
        _style(self)


class UninsuredOutcomeForm(forms.Form):
    """The outcome of the visits to one person, in the order an official fills it in."""

    reason = forms.ChoiceField(
        label="未参保原因", required=False, choices=[("", "（尚未查明）"), *UninsuredReason.choices]
    )
    insured_elsewhere_place = forms.CharField(
        label="异地参保地",
        required=False,
        max_length=100,
        help_text="原因为「已在外地参保」时必填，如：北京市朝阳区。",
    )
    verification_status = forms.ChoiceField(label="核实状态", choices=VerificationStatus.choices)
    contact_result = forms.ChoiceField(label="联系结果", choices=ContactResult.choices)
    outreach_note = forms.CharField(label="动员情况", required=False, max_length=200)
    enrollment_date = forms.DateField(
        label="参保日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="已动员参保的，填写缴费日期；工作步骤须为「动员参保」或「汇总反馈」。",
        error_messages={"invalid": "日期格式应为2026-11-20。"},
    )
    step = forms.ChoiceField(label="工作步骤", choices=OutreachStep.choices)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["reason"].widget.attrs["autofocus"] = True


class UninsuredPersonForm(forms.Form):
    """A person the township found itself."""

    name = forms.CharField(label="姓名", max_length=64, error_messages={"required": "请填写姓名。"})
    id_number = forms.CharField(
        label="身份证号", max_length=18, min_length=18, error_messages={"required": "请填写身份证号。"}
    )
    phone = forms.CharField(label="联系电话", required=False, max_length=20)
    village = forms.ModelChoiceField(
        label="村（社区）",
        required=False,
        queryset=Division.objects.none(),
        empty_label="（未分村）",
        widget=SearchableSelect,
    )
    year = year_field()
    step = forms.ChoiceField(label="工作步骤", choices=OutreachStep.choices, initial=OutreachStep.DOOR_TO_DOOR)

    def __init__(self, *args, villages, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        village_field = cast(forms.ModelChoiceField, self.fields["village"])
        village_field.queryset = villages
        # Django's way of labelling a model choice: replace the field's method.
        village_field.label_from_instance = lambda village: village.name  # type: ignore[method-assign,assignment]
        self.fields["id_number"].error_messages["min_length"] = "身份证号应为18位。"
        self.fields["id_number"].error_messages["max_length"] = "身份证号应为18位。"
        _style(self)
        self.fields["name"].widget.attrs["autofocus"] = True


class LedgerImportForm(forms.Form):
    file = ListFileField(
        label="台账文件（导出的 xlsx，或同样列的 csv）", error_messages={"required": "请选择台账文件。"}
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
