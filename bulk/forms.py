from typing import Any, cast

from django import forms

from accounts.models import User
from accounts.scope import scope_queryset, user_scope_code
from divisions.codes import code_level
from divisions.models import Division, DivisionLevel

from .models import BulkImportKind
from .services import KINDS


class BulkImportForm(forms.Form):
    """The upload: the kind, the county, the file, and the fields a kind declares for itself (its loader's
    `form_fields`, an identity list's department and date), which the page shows for that kind only."""

    kind = forms.ChoiceField(label="导入内容", choices=[])
    county = forms.ModelChoiceField(label="区县", queryset=Division.objects.none())
    file = forms.FileField(label="文件（csv 或 xlsx）", help_text="CSV 可为 UTF-8 或 GBK 编码；第一行为表头。")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            (kind.value, kind.label) for kind in BulkImportKind if kind in KINDS
        ]
        # the name of each field a kind declares, and its kind
        self.kind_of_field: dict[str, str] = {}
        for kind in BulkImportKind:
            loader = KINDS.get(kind)
            if loader is None or loader.form_fields is None:
                continue
            for name, field in loader.form_fields().items():
                self.fields[name] = field
                self.kind_of_field[name] = kind.value
        self.order_fields(["kind", "county", *self.kind_of_field, "file"])
        counties = Division.objects.filter(level=DivisionLevel.COUNTY).order_by("code")
        cast(forms.ModelChoiceField, self.fields["county"]).queryset = scope_queryset(
            counties, user=user, code_fields=("code",)
        )
        scope_code = user_scope_code(user=user)
        if scope_code is not None and code_level(scope_code) == DivisionLevel.COUNTY:
            self.fields["county"].initial = scope_code
        self.fields["kind"].widget.attrs["data-kind-select"] = ""
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"

    def fields_with_kind(self) -> list[tuple[forms.BoundField, str]]:
        """Each visible field with the kind it belongs to ("" for every kind), for the page."""
        return [(field, self.kind_of_field.get(field.name, "")) for field in self.visible_fields()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind")
        for name, field_kind in self.kind_of_field.items():
            if field_kind != kind:  # another kind's field: neither checked nor kept
                self.errors.pop(name, None)
                cleaned.pop(name, None)
        return cleaned

    @property
    def kind_parameters(self) -> dict[str, Any]:
        """The values of the chosen kind's own fields, checked by its loader when the job is created."""
        kind = self.cleaned_data["kind"]
        return {
            name: self.cleaned_data.get(name) for name, field_kind in self.kind_of_field.items() if field_kind == kind
        }
