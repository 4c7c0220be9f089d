from typing import cast

from django import forms
from django.urls import reverse_lazy

from config.forms import SearchableSelect
from divisions.models import Division
from divisions.selectors import division_label_with_parent, residence_divisions_under

from ..models import ResidentStatus


class DivisionChoiceField(forms.ModelChoiceField):
    """A division, named after the division above it."""

    def label_from_instance(self, obj: Division) -> str:
        return division_label_with_parent(obj)


class ResidenceDivisionField(DivisionChoiceField):
    """A township or village of residence. The form narrows it to the user's scope (`limit_to_scope`); past a city's
    worth of villages, the page asks `division_search` for them."""

    def __init__(self, **kwargs) -> None:
        widget = SearchableSelect(search_url=reverse_lazy("division_search"))
        super().__init__(queryset=Division.objects.none(), widget=widget, **kwargs)

    def limit_to_scope(self, scope_code: str | None) -> None:
        """The townships and villages of the user's scope, as `division_search` answers them (None: all of them)."""
        self.queryset = residence_divisions_under(root_code=scope_code or "")


class ResidentForm(forms.Form):
    id_number = forms.CharField(label="公民身份号码", max_length=18)
    name = forms.CharField(label="姓名", max_length=64)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    household_division = ResidenceDivisionField(label="户籍所在村（社区）")
    residence_division = ResidenceDivisionField(label="居住地", required=False)

    def __init__(self, *args, scope_code: str | None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(ResidenceDivisionField, self.fields["household_division"]).limit_to_scope(scope_code)
        cast(ResidenceDivisionField, self.fields["residence_division"]).limit_to_scope(scope_code)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"


class ResidentEditForm(ResidentForm):
    status = forms.ChoiceField(label="人员状态", choices=ResidentStatus.choices)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["id_number"]
