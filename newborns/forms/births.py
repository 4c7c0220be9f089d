"""Forms of the newborn pages: what the clerk types, checked for shape only; the rules live in the services."""

import datetime
from typing import cast

from django import forms

from config.forms import DateInput
from enrollment.forms import ResidenceDivisionField
from enrollment.selectors import enrolling_county_choices

AWAITING_ID_DEFAULT_DAYS = 60


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"


class NewbornRegistrationForm(forms.Form):
    """出生一件事 at the window: the fields of the registration API; the ID number may follow later (容缺参保)."""

    birth_certificate_no = forms.CharField(label="出生医学证明编号", max_length=32)
    name = forms.CharField(label="新生儿姓名", max_length=64)
    gender = forms.ChoiceField(label="性别", choices=[("", "请选择"), ("M", "男"), ("F", "女")])
    birth_date = forms.DateField(label="出生日期", widget=DateInput())
    mother_id_number = forms.CharField(label="母亲身份证号", max_length=18)
    id_number = forms.CharField(
        label="身份证号（已落户时填写，未落户可容缺参保）",
        max_length=18,
        required=False,
    )
    division = ResidenceDivisionField(label="户籍所在村（社区）", empty_label="请选择")
    registration_date = forms.DateField(label="参保登记日期", widget=DateInput())
    # R13.0a: the household county, or a parent's county of residence on the parent's residence permit
    enrolling_county = forms.ChoiceField(label="参保地（不选为户籍地）", required=False)
    basis_document_no = forms.CharField(
        label="父（母）居住证号（随父母常住地参保时填写）", max_length=64, required=False
    )
    basis_valid_from = forms.DateField(label="居住证有效期起", widget=DateInput(), required=False)
    basis_valid_to = forms.DateField(label="居住证有效期止（长期有效不填）", widget=DateInput(), required=False)

    def __init__(self, *args, scope_code: str | None, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(ResidenceDivisionField, self.fields["division"]).limit_to_scope(scope_code)
        county_field = cast(forms.ChoiceField, self.fields["enrolling_county"])
        county_field.choices = [
            ("", "户籍地"),
            *((code, f"{name}（随父母常住地）") for code, name in enrolling_county_choices()),
        ]
        self.fields["registration_date"].initial = today
        _style(self)
        self.fields["birth_certificate_no"].widget.attrs["autofocus"] = True
        for name in ("mother_id_number", "id_number"):
            self.fields[name].widget.attrs["class"] += " id-number"


class IdentityCompletionForm(forms.Form):
    """R7.5: the ID number from household registration, completing the placeholder."""

    id_number = forms.CharField(label="身份证号", max_length=18)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["id_number"].widget.attrs["class"] += " id-number"


class PreEnrollmentForm(forms.Form):
    """R7.6: the fields of the 新生儿预参保登记表 (阳江市, 附件2)."""

    mother_id_number = forms.CharField(label="申请人身份证号", max_length=18)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    expected_delivery_date = forms.DateField(label="预产期", widget=DateInput())
    home_address = forms.CharField(label="家庭地址", max_length=200, required=False)
    entrusted_name = forms.CharField(label="被委托人", max_length=64, required=False)
    entrusted_id_number = forms.CharField(label="被委托人身份证号", max_length=18, required=False)
    babies = forms.IntegerField(
        label="胎数",
        min_value=1,
        max_value=9,
        initial=1,
        error_messages={"min_value": "胎数应为1至9。", "max_value": "胎数应为1至9。"},
    )
    application_date = forms.DateField(label="申请日期", widget=DateInput())

    def __init__(self, *args, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application_date"].initial = today
        _style(self)
        self.fields["mother_id_number"].widget.attrs["autofocus"] = True
        for name in ("mother_id_number", "entrusted_id_number"):
            self.fields[name].widget.attrs["class"] += " id-number"


class PregnancyTerminationForm(forms.Form):
    """R7.6, R12: the date of the refund for a terminated pregnancy (流产、引产)."""

    date = forms.DateField(label="退费日期", widget=DateInput())

    def __init__(self, *args, today: datetime.date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = today
        _style(self)


class AwaitingIdForm(forms.Form):
    """The follow-up list's threshold, from the query string: births at least `days` days old."""

    days = forms.IntegerField(
        label="出生满（天）",
        min_value=1,
        max_value=3650,
        error_messages={
            "invalid": "天数应为1至3650之间的整数。",
            "min_value": "天数应为1至3650之间的整数。",
            "max_value": "天数应为1至3650之间的整数。",
        },
    )

    def __init__(self, query, **kwargs) -> None:
        data = query.copy()
        if not data.get("days"):
            data["days"] = str(AWAITING_ID_DEFAULT_DAYS)
        super().__init__(data, **kwargs)
        _style(self)
