from typing import cast

from django import forms

from divisions.models import Division
from subsidies.forms import MAX_LIST_BYTES


class BirthImportUploadForm(forms.Form):
    county = forms.ModelChoiceField(label="区县", queryset=Division.objects.none())
    file = forms.FileField(label="出生登记文件（xlsx 或 csv）")

    def __init__(self, *args, counties, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["county"]).queryset = counties
        if len(counties) == 1:
            self.fields["county"].initial = counties[0].pk
            self.fields["county"].widget = forms.HiddenInput()
        else:
            self.fields["county"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs["class"] = "form-control"

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_LIST_BYTES:
            raise forms.ValidationError("文件超过20MB，请按乡镇拆分后分别导入。")
        return upload
