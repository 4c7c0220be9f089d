"""Enrollments (参保缴费) and claim summaries over the API (API.md)."""

from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import AuthenticatedRequest
from core.serializers import ModelSerializer, Serializer

from ..models import ClaimSummary, Enrollment, PayerRelation, PaymentChannel
from ..rules import REFUND_REASON_LABELS
from ..selectors import (
    enrollment_get,
    enrollment_held_elsewhere_message,
    enrollment_held_for_user,
    enrollment_list,
    resident_for_enrollment,
)
from ..serializers import EnrollmentSerializer
from ..services.enrollments import (
    PaymentDetails,
    back_payment_add,
    claim_summary_upsert,
    contribution_payment_add,
    enrollment_create,
    refund_request,
)
from .base import ReadRequiresViewPermission, api_validation_error, resident_in_scope, resident_record_create
from .quotes import PaymentSituationRequestFields


class EnrollmentCreateSerializer(PaymentSituationRequestFields):
    id_number = serializers.CharField(max_length=18)
    insurance_year = serializers.IntegerField(min_value=2000, max_value=2100)
    payment_date = serializers.DateField()
    back_paid_years = serializers.IntegerField(min_value=0, default=0)
    channel = serializers.ChoiceField(choices=PaymentChannel.choices, default=PaymentChannel.WINDOW)
    accident_topup = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    payer_id_number = serializers.CharField(max_length=18, required=False, allow_null=True, allow_blank=True)
    payer_relation = serializers.ChoiceField(
        choices=PayerRelation.choices, required=False, allow_null=True, allow_blank=True
    )
    employee_years = serializers.ListField(
        child=serializers.IntegerField(min_value=1900, max_value=2100),
        required=False,
        default=list,
        help_text="随退出登记的职工医保参保年度，登记后计算（R8.1 连续参保年限，R8.2 不计断保）。",
    )
    county = serializers.RegexField(
        r"^[0-9]{6}$",
        required=False,
        allow_null=True,
        help_text="参保地：6位县级区划代码；不填为户籍所在县（R13.0a）。",
        error_messages={"invalid": "参保地应为6位县级区划代码。"},
    )


# The request fields of the place of enrollment and the service's names for them (R13.0a).
PLACE_FIELDS = {
    "county": "enrolling_county",
    "basis": "enrollment_basis",
    "basis_document_no": "basis_document_no",
    "basis_valid_from": "basis_valid_from",
    "basis_valid_to": "basis_valid_to",
}


def _place_fields_named(error: serializers.ValidationError) -> serializers.ValidationError:
    """A refusal on a place-of-enrollment argument answered on the request field it came from."""
    if not isinstance(error.detail, dict):
        return error
    request_field = {argument: field for field, argument in PLACE_FIELDS.items()}
    return serializers.ValidationError(
        {request_field.get(str(name), str(name)): messages for name, messages in error.detail.items()}
    )


class BackPaymentSerializer(Serializer):
    years = serializers.IntegerField(min_value=1)
    payment_date = serializers.DateField()


class ContributionPaymentSerializer(Serializer):
    payment_date = serializers.DateField()
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="不填：收取尚欠的个人缴费；填写：登记同一人再次缴纳（如另一渠道）的金额，可按重复缴费退还（R12.2）。",
    )


class RefundSerializer(Serializer):
    reason = serializers.ChoiceField(choices=list(REFUND_REASON_LABELS.items()))
    date = serializers.DateField()
    death_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="死亡日期：仅“待遇享受期前死亡”（died_before_benefit）退费填写且必填，须早于待遇开始日期。",
    )


class EnrollmentPermission(ReadRequiresViewPermission):
    def get_required_permissions(self, method, model_cls):
        if method == "POST":
            return ["enrollment.add_enrollment"]
        return super().get_required_permissions(method, model_cls)


@extend_schema(tags=["参保缴费"])
class EnrollmentViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = "[0-9]+"
    serializer_class = EnrollmentSerializer
    permission_classes = [IsAuthenticated, EnrollmentPermission]
    queryset = Enrollment.objects.none()
    request: AuthenticatedRequest

    def get_queryset(self):
        return enrollment_list(user=self.request.user).order_by("-id")

    def get_object(self):
        enrollment = enrollment_get(user=self.request.user, pk=self.kwargs["pk"])
        if enrollment is None:
            raise Http404
        return enrollment

    def _respond(self, enrollment: Enrollment, code: int = status.HTTP_200_OK) -> Response:
        return Response(EnrollmentSerializer(enrollment, context=self.get_serializer_context()).data, status=code)

    def _change(
        self,
        request,
        request_serializer: type[serializers.Serializer],
        service: Callable[..., Enrollment],
        *,
        doing: str,
    ) -> Response:
        """A POST on one enrollment (back-payment, refund): the request checked, `service` called with its fields;
        `doing` names it in the refusal of a county not holding the enrollment."""
        enrollment = self.get_object()
        if not enrollment_held_for_user(user=request.user, enrollment=enrollment):
            message = enrollment_held_elsewhere_message(enrollment=enrollment, doing=doing)
            raise serializers.ValidationError({"non_field_errors": [message]})
        serializer = request_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            enrollment = service(actor=request.user, enrollment=enrollment, **serializer.validated_data)
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        return self._respond(enrollment)

    @extend_schema(request=EnrollmentCreateSerializer, responses={201: EnrollmentSerializer})
    def create(self, request):
        serializer = EnrollmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        resident = resident_for_enrollment(
            user=request.user,
            id_number=data["id_number"],
            county_code=data.get("county") or "",
            basis=data.get("basis") or "",
        )
        if resident is None:
            resident = resident_in_scope(request, data["id_number"])  # answers as for a person who does not exist
        place = {argument: data.get(field) for field, argument in PLACE_FIELDS.items()}
        try:
            enrollment = enrollment_create(
                actor=request.user,
                resident=resident,
                details=PaymentDetails(
                    insurance_year=data["insurance_year"],
                    payment_date=data["payment_date"],
                    channel=data["channel"],
                    back_paid_years=data["back_paid_years"],
                    special_status=data.get("special_status") or "",
                    special_date=data.get("special_date"),
                    accident_topup=data.get("accident_topup"),
                    payer_id_number=data.get("payer_id_number") or "",
                    payer_relation=data.get("payer_relation") or "",
                    exit_kind=data.get("exit_kind") or "",
                    employee_years=data["employee_years"],
                    enrolling_county=place["enrolling_county"],
                    enrollment_basis=place["enrollment_basis"] or "",
                    basis_document_no=place["basis_document_no"] or "",
                    basis_valid_from=place["basis_valid_from"],
                    basis_valid_to=place["basis_valid_to"],
                ),
            )
        except DjangoValidationError as error:
            raise _place_fields_named(api_validation_error(error)) from None
        return self._respond(enrollment, status.HTTP_201_CREATED)

    @extend_schema(request=BackPaymentSerializer, responses={200: EnrollmentSerializer})
    @action(detail=True, methods=["post"], url_path="back-payment")
    def back_payment(self, request, pk=None):
        return self._change(request, BackPaymentSerializer, back_payment_add, doing="补缴")

    @extend_schema(request=ContributionPaymentSerializer, responses={200: EnrollmentSerializer})
    @action(detail=True, methods=["post"])
    def payments(self, request, pk=None):
        return self._change(request, ContributionPaymentSerializer, contribution_payment_add, doing="缴费")

    @extend_schema(request=RefundSerializer, responses={200: EnrollmentSerializer})
    @action(detail=True, methods=["post"])
    def refund(self, request, pk=None):
        return self._change(request, RefundSerializer, refund_request, doing="申请退费")


class ClaimSummaryCreateSerializer(Serializer):
    id_number = serializers.CharField(max_length=18)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    fund_paid_total = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    reward_used = serializers.BooleanField()


class ClaimSummarySerializer(ModelSerializer):
    class Meta:
        model = ClaimSummary
        fields = ["year", "fund_paid_total", "reward_used"]


class ClaimSummaryView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["结算汇总"], request=ClaimSummaryCreateSerializer, responses={201: ClaimSummarySerializer})
    def post(self, request):
        return resident_record_create(
            self,
            request,
            permission="enrollment.add_claimsummary",
            request_serializer=ClaimSummaryCreateSerializer,
            service=claim_summary_upsert,
            response_serializer=ClaimSummarySerializer,
        )
