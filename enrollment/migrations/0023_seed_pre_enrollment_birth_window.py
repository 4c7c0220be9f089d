"""Reference data: the window around the expected delivery in which a birth links to a pre-enrollment (R7.6) for
Shanxi: 16 weeks before (as far back as a pre-enrollment may be applied for), 6 weeks after; a reading of the
pre-enrollment procedure 阳医保通〔2022〕11号, marked as a reading in R7.6.
"""

from django.db import migrations


def seed(apps, schema_editor):
    apps.get_model("enrollment", "PolicyParameterSet").objects.filter(region_id="14").update(
        pre_enrollment_birth_weeks_before=16, pre_enrollment_birth_weeks_after=6
    )


def unseed(apps, schema_editor):
    apps.get_model("enrollment", "PolicyParameterSet").objects.update(
        pre_enrollment_birth_weeks_before=None, pre_enrollment_birth_weeks_after=None
    )


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0022_pre_enrollment_birth_window")]

    operations = [migrations.RunPython(seed, unseed)]
