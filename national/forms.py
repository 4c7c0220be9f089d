from django import forms

from enrollment.rules import IdNumberError, id_number_read


class PersonQueryForm(forms.Form):
    """The clerks' 1101 query: the ID number, and the name when the caller wants it checked."""

    certno = forms.CharField(label="证件号码（居民身份证）", max_length=20)
    psn_name = forms.CharField(label="姓名（选填，须与证件号码一致）", max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
        self.fields["certno"].widget.attrs["autofocus"] = True

    def clean_certno(self) -> str:
        try:
            id_number, _, _ = id_number_read(self.cleaned_data["certno"])
        except IdNumberError as error:
            raise forms.ValidationError(str(error)) from None
        return id_number

    def clean_psn_name(self) -> str:
        return self.cleaned_data["psn_name"].strip()
