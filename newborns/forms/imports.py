from typing import cast

from django import forms
from django.core.files.uploadedfile import UploadedFile

from core.list_files import list_upload_size_check
from divisions.models import Division


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

    def clean_file(self) -> UploadedFile:
        return list_upload_size_check(self.cleaned_data["file"])
