"""新生儿医保码 for the births registered before codes were issued: every baby still on its placeholder identity (no ID
number yet, not voided) and without a code gets one, valid from its birth for the region's days after it (0007), as
registration now issues it. Codes of babies born long ago are issued already expired, so that the page says so. The
issuer is the system (no user); each code has its history row.

The code is drawn as newborns.services.medical_codes draws it (the county, then 80 random bits), written out here so
that this migration keeps working whatever that module becomes.
"""

import datetime
import secrets

from django.db import migrations
from django.utils import timezone

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REGION_LENGTHS = (6, 4, 2)  # county, city, province
ISSUED_NOTE = "补发新生儿医保码（此前登记、尚无身份证号的新生儿）"
VOIDED = "voided"


def _code_new(county_code):
    groups = ["".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(4)]
    return "-".join([county_code, *groups])


def _figures(MedicalCodeParameter, *, region_code, year):
    chain = [region_code[:length] for length in REGION_LENGTHS if len(region_code) >= length]
    rows = MedicalCodeParameter.objects.filter(region_id__in=chain, year__lte=year)
    return max(rows, key=lambda row: (row.year, len(row.region_id)), default=None)


def medical_codes_issue_missing(apps, schema_editor=None):
    """Issue the missing codes; returns how many were issued."""
    BirthRecord = apps.get_model("newborns", "BirthRecord")
    NewbornMedicalCode = apps.get_model("newborns", "NewbornMedicalCode")
    HistoricalNewbornMedicalCode = apps.get_model("newborns", "HistoricalNewbornMedicalCode")
    MedicalCodeParameter = apps.get_model("newborns", "MedicalCodeParameter")
    Enrollment = apps.get_model("enrollment", "Enrollment")
    records = (
        BirthRecord.objects.filter(resident__id_number_is_placeholder=True, medical_code__isnull=True)
        .exclude(resident__status=VOIDED)
        .order_by("id")
    )
    now = timezone.now()
    issued = 0
    for record in records:
        enrollment = Enrollment.objects.filter(pk=record.enrollment_id).first() if record.enrollment_id else None
        region_code = enrollment.enrolling_county_id if enrollment and enrollment.enrolling_county_id else None
        region_code = region_code or record.division_id[:6]
        row = _figures(MedicalCodeParameter, region_code=region_code, year=record.birth_date.year)
        if row is None:
            continue
        code = _code_new(region_code)
        while NewbornMedicalCode.objects.filter(code=code).exists():
            code = _code_new(region_code)
        # bulk_create, not save(): the history row below is the one record of the issue, whichever models run this
        [medical_code] = NewbornMedicalCode.objects.bulk_create(
            [
                NewbornMedicalCode(
                    birth_record=record,
                    code=code,
                    valid_from=record.birth_date,
                    valid_until=record.birth_date + datetime.timedelta(days=row.validity_days),
                    validity_days=row.validity_days,
                    source=" ".join(part for part in (row.source_document, row.source_clause) if part),
                    issued_by=None,
                )
            ]
        )
        HistoricalNewbornMedicalCode.objects.create(
            **{field.attname: getattr(medical_code, field.attname) for field in NewbornMedicalCode._meta.concrete_fields},
            history_date=now,
            history_type="+",
            history_change_reason=ISSUED_NOTE,
        )
        issued += 1
    return issued


def issue_missing(apps, schema_editor):
    medical_codes_issue_missing(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("newborns", "0007_seed_medical_code_parameter"),
        ("enrollment", "0031_receipts_and_clerk_day_close"),
    ]

    operations = [migrations.RunPython(issue_missing, migrations.RunPython.noop)]
