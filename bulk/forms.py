from django import forms

from divisions.models import Division, DivisionLevel

from .models import BulkImportKind
from .services import KINDS


class BulkImportForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=[])
    county = forms.ModelChoiceField(label="区县", queryset=Division.objects.none())
    file = forms.FileField(label="文件（csv 或 xlsx）", help_text="CSV 可为 UTF-8 或 GBK 编码；第一行为表头。")

    def __init__(self, *args, scope_code: str | None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.value, kind.label) for kind in BulkImportKind if kind in KINDS]
        counties = Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code")
        if scope_code is not None:
            counties = counties.filter(code__startswith=scope_code)
        self.fields["county"].queryset = counties
        if scope_code is not None and len(scope_code) == 6:
            self.fields["county"].initial = scope_code
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
