"""新生儿医保码 (陕医保发〔2024〕7号 二（三）): issued at registration on the birth certificate while the ID number
is not known, revoked when it is (R7.5). The enrollment is never touched: the code only names the baby at the
institution."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.history import history_save
from enrollment.selectors import enrollment_region_code

from ..models import BirthRecord, NewbornMedicalCode
from ..rules import medical_code_valid_until
from ..selectors.medical_codes import medical_code_figures

# Crockford's base 32: digits and capitals without I, L, O and U, which are misread or misheard at a counter.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 4
CODE_GROUP_LENGTH = 4
REVOKED_ON_IDENTITY = "已补录身份证号"


def medical_code_new(*, county_code: str) -> str:
    """A new code: the county code, then 16 random characters in groups of four (140621-7KQ3-M9XD-2HTA-B4RE).

    Whoever holds the code is settled on at any designated institution, so it must not be guessable: no sequence,
    birth date or check digit someone could count through, but 80 bits from the operating system's generator
    (`secrets`), a space too large to try at any rate an institution's system allows. The county code in front only
    tells the institution which bureau issued it."""
    groups = ["".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_LENGTH)) for _ in range(CODE_GROUPS)]
    return "-".join([county_code, *groups])


@transaction.atomic
def medical_code_issue(*, actor: User, record: BirthRecord) -> NewbornMedicalCode | None:
    """The birth's code, issued now if it has none and the baby is still on its placeholder identity; None for a baby
    registered with its ID number, or in a region without the figure. A birth registered again gets its first code
    back, never a second one (and the database holds one code per birth)."""
    existing = NewbornMedicalCode.objects.filter(birth_record=record).first()
    if existing is not None:
        return existing
    resident = record.resident
    if resident is None or not resident.id_number_is_placeholder:
        return None
    region_code = enrollment_region_code(resident=resident, enrollment=record.enrollment)
    figures = medical_code_figures(region_code=region_code, year=record.birth_date.year)
    if figures is None:
        return None
    code = medical_code_new(county_code=region_code)
    while NewbornMedicalCode.objects.filter(code=code).exists():  # 2^80 codes: drawn again for form's sake
        code = medical_code_new(county_code=region_code)
    medical_code = NewbornMedicalCode(
        birth_record=record,
        code=code,
        valid_from=record.birth_date,
        valid_until=medical_code_valid_until(birth_date=record.birth_date, figures=figures),
        validity_days=figures.validity_days,
        source=figures.source,
        issued_by=actor,
    )
    medical_code.full_clean()
    history_save(medical_code, actor=actor, reason="凭出生医学证明参保，发放新生儿医保码")
    return medical_code


@transaction.atomic
def medical_code_revoke(*, actor: User, record: BirthRecord, reason: str) -> NewbornMedicalCode | None:
    """Stop the birth's code, recording who, when and why; the enrollment is kept as it is. None when the birth has
    no code; a code already revoked stays as it was revoked."""
    medical_code = NewbornMedicalCode.objects.select_for_update().filter(birth_record=record).first()
    if medical_code is None or medical_code.revoked_at is not None:
        return medical_code
    if not reason.strip():
        raise ValidationError({"reason": "请填写停用医保码的原因。"})
    medical_code.revoked_at = timezone.now()
    medical_code.revoked_by = actor
    medical_code.revocation_reason = reason.strip()
    medical_code.full_clean()
    history_save(medical_code, actor=actor, reason=reason.strip())
    return medical_code
