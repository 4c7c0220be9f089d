import datetime
import re
from typing import cast

from django import forms

from config.forms import DateInput

from ..api.quotes import SPECIAL_STATUS_CHOICES
from ..models import EnrollmentBasis, PayerRelation, PaymentChannel
from ..policy import insurance_year_collecting
from ..rules import EXIT_KIND_LABELS


class WindowPaymentForm(forms.Form):
    insurance_year = forms.IntegerField(label="保险年度", min_value=2000, max_value=2100)
    payment_date = forms.DateField(label="缴费日期", widget=DateInput())
    back_paid_years = forms.IntegerField(label="补缴年数", min_value=0, initial=0)
    channel = forms.ChoiceField(label="缴费渠道", choices=PaymentChannel.choices, initial=PaymentChannel.WINDOW)
    accident_topup = forms.DecimalField(label="意外伤害补充保险（元）", required=False, decimal_places=2)
    special_status = forms.ChoiceField(label="特殊群体", choices=[("", "无"), *SPECIAL_STATUS_CHOICES], required=False)
    special_date = forms.DateField(label="退出其他制度日期", required=False, widget=DateInput())
    exit_kind = forms.ChoiceField(label="退出类别", choices=[("", "—"), *EXIT_KIND_LABELS.items()], required=False)
    employee_years = forms.CharField(
        label="职工医保参保年度",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "如 2024,2025 或 2023-2025"}),
    )
    payer_id_number = forms.CharField(label="代缴人身份证号（家庭共济）", max_length=18, required=False)
    payer_relation = forms.ChoiceField(
        label="与代缴人关系", choices=[("", "—"), *PayerRelation.choices], required=False
    )
    # R13.0a: where the person enrolls and why; the household county needs no proof
    enrolling_county = forms.ChoiceField(label="参保地", required=False)
    enrollment_basis = forms.ChoiceField(
        label="参保依据", choices=EnrollmentBasis.choices, initial=EnrollmentBasis.HOUSEHOLD, required=False
    )
    basis_document_no = forms.CharField(label="居住证号/证明编号", max_length=64, required=False)
    basis_valid_from = forms.DateField(label="有效期起", required=False, widget=DateInput())
    basis_valid_to = forms.DateField(label="有效期止（长期不填）", required=False, widget=DateInput())

    def clean_employee_years(self) -> list[int]:
        """R8.1: the years insured under employee insurance, as "2023,2024,2025" or "2023-2025"."""
        text = self.cleaned_data["employee_years"].strip()
        years: set[int] = set()
        for part in filter(None, re.split(r"[，,、\s]+", text)):
            match = re.fullmatch(r"(\d{4})(?:[-－—~至](\d{4}))?", part)
            if match is None:
                raise forms.ValidationError(
                    "职工医保参保年度请填写四位年份，用逗号分隔（如 2024,2025）或写起止年度（如 2023-2025）。"
                )
            first, last = int(match[1]), int(match[2] or match[1])
            if last < first or last - first > 100:
                raise forms.ValidationError(f"职工医保参保年度 {part} 的起止年度不正确。")
            years.update(range(first, last + 1))
        return sorted(years)

    def __init__(
        self,
        *args,
        today: datetime.date,
        region_code: str,
        county_choices: list[tuple[str, str]] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        # the household county first: the default place of enrollment
        choices = county_choices or []
        household = [choice for choice in choices if choice[0] == region_code]
        county_field = cast(forms.ChoiceField, self.fields["enrolling_county"])
        county_field.choices = [
            *((code, f"{name}（户籍地）") for code, name in household),
            *(choice for choice in choices if choice[0] != region_code),
        ]
        self.fields["enrolling_county"].initial = region_code
        self.fields["insurance_year"].initial = insurance_year_collecting(region_code=region_code, today=today)
        self.fields["payment_date"].initial = today
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
