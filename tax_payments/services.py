"""Re-running the match of the tax payment records (征缴入库对账) once enrollments have been recorded."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from accounts.scope import user_can_see_division
from bulk.models import BulkImportKind
from divisions.models import Division, DivisionLevel

from .loaders import tax_payment_match
from .models import TaxPaymentMatch, TaxPaymentRecord


@dataclass(frozen=True)
class TaxPaymentRematch:
    examined: int  # records not matched before
    matched: int  # of them, matched now

    @property
    def explanation(self) -> str:
        if not self.examined:
            return "没有未对上的税票，无需重新对账。"
        return (
            f"重新对账 {self.examined} 张未对上的税票：{self.matched} 张已对上，"
            f"{self.examined - self.matched} 张仍未对上。"
        )


@transaction.atomic
def tax_payment_rematch(*, actor: User, county: Division, insurance_year: int) -> TaxPaymentRematch:
    """Match again the county's records of the year that are not matched, against today's registry and
    enrollments (the same statement as the import's, tax_payments.loaders.tax_payment_match)."""
    if county.level != DivisionLevel.COUNTY:
        raise ValidationError({"county": "请选择区县。"})
    if not user_can_see_division(user=actor, division_code=county.code):
        raise ValidationError({"county": "只能对本辖区区县的税票重新对账。"})
    if connection.vendor == "postgresql":
        # The key of the import's county lock (bulk.services._county_lock): no load of the county's file between.
        lock_key = f"bulk:{BulkImportKind.TAX_PAYMENTS.value}:{county.code}"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [lock_key])
    unmatched = TaxPaymentRecord.objects.filter(county=county, insurance_year=insurance_year).exclude(
        match_status=TaxPaymentMatch.MATCHED
    )
    examined = unmatched.count()
    tax_payment_match(county_code=county.code, now=timezone.now(), insurance_year=insurance_year)
    return TaxPaymentRematch(examined=examined, matched=examined - unmatched.count())
