"""R13.0a: every enrollment recorded before the place of enrollment was kept was held in the resident's household
county, on the household basis; its history rows say the same."""

from django.db import migrations

from divisions.codes import county_code_of


def household_county_forward(apps, schema_editor):
    Enrollment = apps.get_model("enrollment", "Enrollment")
    HistoricalEnrollment = apps.get_model("enrollment", "HistoricalEnrollment")
    Resident = apps.get_model("enrollment", "Resident")
    household_codes = (
        Resident.objects.filter(enrollments__isnull=False).values_list("household_division_id", flat=True).distinct()
    )
    by_county: dict[str, list[str]] = {}
    for code in household_codes:
        by_county.setdefault(county_code_of(code), []).append(code)
    for county, codes in by_county.items():
        residents = Resident.objects.filter(household_division_id__in=codes).values("pk")
        Enrollment.objects.filter(enrolling_county__isnull=True, resident__in=residents).update(
            enrolling_county_id=county, enrollment_basis="household"
        )
        HistoricalEnrollment.objects.filter(enrolling_county__isnull=True, resident_id__in=residents).update(
            enrolling_county_id=county, enrollment_basis="household"
        )


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0028_enrollment_place_fields")]

    operations = [migrations.RunPython(household_county_forward, migrations.RunPython.noop)]
