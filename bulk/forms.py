from typing import cast

from django import forms
from django.utils import timezone

from accounts.models import User
from accounts.scope import scope_queryset, user_scope_code
from config.forms import DateInput
from divisions.codes import code_level
from divisions.models import Division, DivisionLevel
from subsidies.models import CertifyingDepartment, IdentityListBatch

from .models import BulkImportKind
from .rules import DEPARTMENT_REQUIRED, LIST_DATE_REQUIRED
from .services import KINDS


class BulkImportForm(forms.Form):
    # Only an identity list has a department and a date; the page shows them for that kind alone.
    IDENTITY_LIST_FIELDS = ("department", "list_date")

    kind = forms.ChoiceField(label="导入内容", choices=[])
    county = forms.ModelChoiceField(label="区县", queryset=Division.objects.none())
    department = forms.ChoiceField(
        label="认定部门", choices=[("", "请选择（仅困难身份名单）"), *CertifyingDepartment.choices], required=False
    )
    list_date = forms.DateField(
        label="名单日期",
        help_text=IdentityListBatch._meta.get_field("list_date").help_text,
        widget=DateInput(),
        required=False,
    )
    file = forms.FileField(label="文件（csv 或 xlsx）", help_text="CSV 可为 UTF-8 或 GBK 编码；第一行为表头。")

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            (kind.value, kind.label) for kind in BulkImportKind if kind in KINDS
        ]
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

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("kind") != BulkImportKind.IDENTITY_LIST:
            for name in self.IDENTITY_LIST_FIELDS:
                self.errors.pop(name, None)
            cleaned["department"], cleaned["list_date"] = "", None
            return cleaned
        if not cleaned.get("department") and "department" not in self.errors:
            self.add_error("department", DEPARTMENT_REQUIRED)
        list_date = cleaned.get("list_date")
        if list_date is None and "list_date" not in self.errors:
            self.add_error("list_date", LIST_DATE_REQUIRED)
        elif list_date is not None and list_date > timezone.localdate():
            self.add_error("list_date", "名单日期不能晚于今天。")
        return cleaned
