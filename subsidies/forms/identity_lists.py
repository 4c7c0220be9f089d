import datetime
from typing import cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from accounts.models import User
from accounts.scope import user_scope_code_at
from config.forms import DateInput
from core.list_files import list_upload_size_check
from divisions.models import Division, DivisionLevel

from ..models import CertifyingDepartment
from ..selectors import report_counties


class IdentityListUploadForm(forms.Form):
    department = forms.ChoiceField(label="认定部门", choices=CertifyingDepartment.choices)
    list_date = forms.DateField(
        label="名单日期",
        help_text="名单中未写有效期起的人员自此日起享受身份；已不在名单中的人员，身份于前一日终止。",
        widget=DateInput(),
    )
    county = forms.ModelChoiceField(label="区县", queryset=Division.objects.none())
    file = forms.FileField(label="名单文件（xlsx 或 csv）")

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["list_date"].initial = timezone.localdate
        cast(forms.ModelChoiceField, self.fields["county"]).queryset = report_counties(user=user).order_by("code")
        own_county = user_scope_code_at(user=user, levels=(DivisionLevel.COUNTY,))
        if own_county is not None:
            self.fields["county"].initial = own_county
            self.fields["county"].widget = forms.HiddenInput()
        for field in self.fields.values():
            if not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"

    def clean_file(self) -> UploadedFile:
        return list_upload_size_check(self.cleaned_data["file"])

    def clean_list_date(self) -> datetime.date:
        list_date = self.cleaned_data["list_date"]
        if list_date > timezone.localdate():
            raise forms.ValidationError("名单日期不能晚于今天。")
        return list_date
