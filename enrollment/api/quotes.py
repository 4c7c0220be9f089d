"""POST /api/v1/policy/quote/ (参保测算): every rule for a hypothetical payment; writes nothing."""

import datetime

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.serializers import Serializer

from ..models import EnrollmentBasis, HardshipCategory
from ..policy import PolicyNotFound, policy_resolve
from ..rules import (
    EXIT_KIND_LABELS,
    BackPaymentRefused,
    PaymentDateRefused,
    PersonHistory,
    PlaceRefused,
    Quote,
    SpecialStatus,
    enrollment_place_check,
    quote_compute,
    quote_is_newborn,
    quote_placed,
)

UNKNOWN_BIRTH_DATE = datetime.date(1900, 1, 1)  # the birth year then limits no break counting
SPECIAL_STATUS_CHOICES = [
    (SpecialStatus.NEWBORN, "新生儿"),
    (SpecialStatus.EXITED_OTHER_SCHEME, "退出其他制度保障"),
    (SpecialStatus.STUDENT_FIRST_ENROLLMENT, "大中专学生首次参保"),
]


class PaymentSituationRequestFields(Serializer):
    """The request fields the quote and the enrollment share beyond the payment: the kind of exit (R8.1) and the
    basis of the place of enrollment (R13.0a)."""

    special_status = serializers.ChoiceField(choices=SPECIAL_STATUS_CHOICES, required=False, allow_null=True)
    special_date = serializers.DateField(required=False, allow_null=True)
    exit_kind = serializers.ChoiceField(
        choices=list(EXIT_KIND_LABELS.items()),
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="退出类别（退出其他制度保障人员，R8.1）；不填时，有职工医保参保年度即按职工医保停保。",
    )
    basis = serializers.ChoiceField(
        choices=EnrollmentBasis.choices,
        required=False,
        allow_null=True,
        help_text="参保依据（R13.0a）：household 户籍地（默认）、residence 居住地（居住证）、employment 就业地、"
        "parent_residence 新生儿随父母常住地；户籍地以外须填写证明编号。",
    )
    basis_document_no = serializers.CharField(
        max_length=64, required=False, allow_null=True, allow_blank=True, help_text="居住证号或就业证明编号。"
    )
    basis_valid_from = serializers.DateField(required=False, allow_null=True, help_text="证明有效期起。")
    basis_valid_to = serializers.DateField(required=False, allow_null=True, help_text="证明有效期止；长期有效不填。")


class QuoteRequestSerializer(PaymentSituationRequestFields):
    region = serializers.RegexField(r"^\d{6}$", help_text="6位县级区划代码")
    insurance_year = serializers.IntegerField(min_value=2000, max_value=2100)
    payment_date = serializers.DateField()
    birth_date = serializers.DateField(required=False, allow_null=True)
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=HardshipCategory.choices), required=False, default=list
    )
    disability_grade = serializers.IntegerField(min_value=1, max_value=4, required=False, allow_null=True)
    enrolled_years = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    zero_claim_years = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    reward_used_years = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    back_paid_years = serializers.IntegerField(min_value=0, required=False, default=0)
    employee_insured_years = serializers.ListField(
        child=serializers.IntegerField(min_value=1900, max_value=2100),
        required=False,
        default=list,
        help_text="参加职工医保的年度（R8.2：不计断保、不扣减限额；R8.1：职工医保停保人员的连续参保年限）。",
    )

    def validate(self, attrs: dict) -> dict:
        if attrs.get("special_status") == SpecialStatus.EXITED_OTHER_SCHEME and not attrs.get("special_date"):
            raise ValidationError({"special_date": ["退出其他制度保障人员须填写退出日期。"]})
        if attrs.get("exit_kind") and attrs.get("special_status") != SpecialStatus.EXITED_OTHER_SCHEME:
            raise ValidationError({"exit_kind": ["只有退出其他制度保障人员才填写退出类别。"]})
        if attrs.get("special_status") == SpecialStatus.NEWBORN:
            birth_date = attrs.get("special_date") or attrs.get("birth_date")
            if birth_date is None:
                raise ValidationError({"special_date": ["新生儿须填写出生日期。"]})
            if attrs.get("birth_date") not in (None, birth_date):
                raise ValidationError({"special_date": ["新生儿的出生日期（special_date）与 birth_date 不一致。"]})
            if attrs["payment_date"] < birth_date:
                raise ValidationError({"payment_date": ["登记日期不能早于出生日期。"]})
            attrs["birth_date"] = attrs["special_date"] = birth_date
        return attrs


class WaitingSerializer(Serializer):
    fixed_months = serializers.IntegerField()
    variable_months = serializers.IntegerField()
    repaired_months = serializers.IntegerField()
    total_months = serializers.IntegerField()


class CatastrophicCapSerializer(Serializer):
    base = serializers.DecimalField(max_digits=12, decimal_places=2)
    continuity_bonus = serializers.DecimalField(max_digits=12, decimal_places=2)
    zero_claim_bonus = serializers.DecimalField(max_digits=12, decimal_places=2)
    break_penalty = serializers.DecimalField(max_digits=12, decimal_places=2)
    effective = serializers.DecimalField(max_digits=12, decimal_places=2)


class ExplanationSerializer(Serializer):
    rule = serializers.CharField()
    text = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]  # the explanation's field, not DRF's Field.source


class QuoteSerializer(Serializer):
    insurance_year = serializers.IntegerField()
    projected = serializers.BooleanField()
    contribution_standard = serializers.DecimalField(max_digits=12, decimal_places=2)
    in_collection_period = serializers.BooleanField()
    continuous = serializers.BooleanField()
    break_years = serializers.IntegerField()
    individual_due = serializers.DecimalField(max_digits=12, decimal_places=2)
    subsidy_amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    subsidy_category = serializers.CharField(allow_null=True)
    back_payment_due = serializers.DecimalField(max_digits=12, decimal_places=2)
    waiting = WaitingSerializer()
    benefit_start = serializers.DateField(allow_null=True)
    benefit_end = serializers.DateField(allow_null=True)
    counts_as_enrolled_year = serializers.BooleanField()
    catastrophic_cap = CatastrophicCapSerializer()
    explanation = ExplanationSerializer(many=True)
    # the parameter sets and versions the quote was computed from, most specific first
    policy_versions = serializers.ListField(child=serializers.CharField())


def quote_for_request(data: dict) -> Quote:
    """Resolve the policy and run the rules, turning refusals into DRF's 400 shape on the field concerned."""
    try:
        policy = policy_resolve(region_code=data["region"], insurance_year=data["insurance_year"])
    except PolicyNotFound as error:
        raise ValidationError({"region": [str(error)]}) from None
    history = PersonHistory(
        birth_date=data.get("birth_date") or UNKNOWN_BIRTH_DATE,
        enrolled_years=frozenset(year for year in data["enrolled_years"] if year < data["insurance_year"]),
        zero_claim_years=frozenset(data["zero_claim_years"]),
        reward_used_years=frozenset(data["reward_used_years"]),
        hardship_categories=frozenset(data["categories"]),
        disability_grade=data.get("disability_grade"),
        employee_insured_years=frozenset(data["employee_insured_years"]),
    )
    try:
        quote = quote_compute(
            policy=policy,
            payment_date=data["payment_date"],
            history=history,
            back_paid_years=data["back_paid_years"],
            special_status=data.get("special_status"),
            special_date=data.get("special_date"),
            exit_kind=data.get("exit_kind") or None,
        )
    except PaymentDateRefused as error:
        raise ValidationError({"payment_date": [str(error)]}) from None
    except BackPaymentRefused as error:
        raise ValidationError({"back_paid_years": [str(error)]}) from None
    # R13.0a: the region is the household county unless another basis is named, as at the window.
    basis = data.get("basis") or EnrollmentBasis.HOUSEHOLD
    try:
        place = enrollment_place_check(
            household_county_code=data["region"] if basis == EnrollmentBasis.HOUSEHOLD else "",
            county_code=data["region"],
            county_name=policy.region_name,
            basis=basis,
            document_no=data.get("basis_document_no") or "",
            valid_from=data.get("basis_valid_from"),
            valid_to=data.get("basis_valid_to"),
            payment_date=data["payment_date"],
            newborn=quote_is_newborn(quote),
            source=policy.standard_source.document,
        )
    except PlaceRefused as error:
        raise ValidationError({error.field: [str(error)]}) from None
    return quote_placed(quote, place)


class PolicyQuoteView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["参保测算"], request=QuoteRequestSerializer, responses={200: QuoteSerializer})
    def post(self, request):
        serializer = QuoteRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        quote = quote_for_request(serializer.validated_data)
        return Response(QuoteSerializer(quote).data)
