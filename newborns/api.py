"""Newborns over the API (API.md "Newborns"): the birth platform's posts, identity completion, pre-enrollment, and the
check of a newborn's 医保码."""

from typing import cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import ADD_PRE_ENROLLMENT, VIEW_BIRTH_RECORD
from accounts.requests import AuthenticatedRequest
from enrollment.api import ReadRequiresViewPermission, api_validation_error

from .models import BirthRecord, RegistrationChannel
from .selectors.births import birth_record_get, birth_record_list
from .selectors.medical_codes import medical_code_get
from .serializers import (
    BirthRecordSerializer,
    IdentityCompletionSerializer,
    MedicalCodeCheckSerializer,
    NewbornRegisterSerializer,
    PreEnrollmentCreateSerializer,
    PreEnrollmentSerializer,
)
from .services.births import newborn_identity_complete, newborn_register, pre_enrollment_create


@extend_schema(tags=["新生儿参保"])
class NewbornViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = BirthRecordSerializer
    permission_classes = [IsAuthenticated, ReadRequiresViewPermission]
    queryset = BirthRecord.objects.none()  # for the schema; requests use get_queryset()
    request: AuthenticatedRequest
    lookup_field = "birth_certificate_no"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return birth_record_list(user=self.request.user).order_by("-id")

    def get_object(self):
        record = birth_record_get(user=self.request.user, birth_certificate_no=self.kwargs["birth_certificate_no"])
        if record is None:
            raise Http404
        return record

    def _respond(self, record: BirthRecord, code: int) -> Response:
        return Response(BirthRecordSerializer(record, context=self.get_serializer_context()).data, status=code)

    @extend_schema(
        request=NewbornRegisterSerializer,
        responses={201: BirthRecordSerializer, 200: BirthRecordSerializer},
        description="同一出生医学证明编号再次提交时返回已有记录（200），不会重复参保。",
    )
    def create(self, request):
        serializer = NewbornRegisterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            record, created = newborn_register(
                actor=request.user,
                birth_certificate_no=data["birth_certificate_no"],
                name=data["name"],
                gender=data["gender"],
                birth_date=data["birth_date"],
                mother_id_number=data["mother_id_number"],
                id_number=data.get("id_number") or "",
                division=data["division"],
                registration_date=data["registration_date"],
                channel=RegistrationChannel.BIRTH_PLATFORM,
                enrolling_county=data.get("county"),
                basis_document_no=data.get("basis_document_no") or "",
                basis_valid_from=data.get("basis_valid_from"),
                basis_valid_to=data.get("basis_valid_to"),
            )
        except DjangoValidationError as error:
            error_fields = getattr(error, "error_dict", {})
            if "enrolling_county" in error_fields:
                error_fields["county"] = error_fields.pop("enrolling_county")
            raise api_validation_error(error) from None
        return self._respond(record, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=IdentityCompletionSerializer, responses={200: BirthRecordSerializer})
    def partial_update(self, request, birth_certificate_no=None):
        record = self.get_object()
        serializer = IdentityCompletionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            record = newborn_identity_complete(
                actor=request.user, record=record, id_number=serializer.validated_data["id_number"]
            )
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        # The record just completed is one the user sees.
        completed = cast(
            BirthRecord, birth_record_get(user=request.user, birth_certificate_no=record.birth_certificate_no)
        )
        return self._respond(completed, 200)


class PreEnrollmentView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["新生儿参保"], request=PreEnrollmentCreateSerializer, responses={201: PreEnrollmentSerializer})
    def post(self, request):
        if not request.user.has_perm(ADD_PRE_ENROLLMENT):
            self.permission_denied(request)
        serializer = PreEnrollmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            pre_enrollment = pre_enrollment_create(actor=request.user, **serializer.validated_data)
        except DjangoValidationError as error:
            raise api_validation_error(error) from None
        body = PreEnrollmentSerializer(pre_enrollment, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class MedicalCodeCheckView(APIView):
    """Whether a newborn's 医保码 can be settled on today, for whom (the name masked) and until when. A code of a birth
    outside the user's divisions answers 404 as an unknown one does; a revoked or expired code answers 200 with
    `valid: false`. An answer carrying the baby's full number is recorded as every personal-data answer is."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["新生儿参保"],
        operation_id="newborns_medical_codes_retrieve",
        responses={200: MedicalCodeCheckSerializer},
        description="查询新生儿医保码今天是否有效（陕医保发〔2024〕7号 二（三）：出生后180天内可凭医保码就医结算，"
        "天数为地区政策参数）。未知或不在本辖区的医保码返回404。",
    )
    def get(self, request, code: str):
        if not request.user.has_perm(VIEW_BIRTH_RECORD):
            self.permission_denied(request)
        medical_code = medical_code_get(user=request.user, code=code)
        if medical_code is None:
            raise Http404
        return Response(MedicalCodeCheckSerializer(medical_code, context={"request": request}).data)
