"""Reference data: Shanyin's refund reasons (R12.1) and accident top-up options (R13.2).

Regions without them accept no refunds and offer no top-up until a bureau enters its own.
"""

from django.db import migrations

REFUND_REASONS = ["duplicate_payment", "employee_insured", "multi_channel", "died_before_benefit", "pregnancy_terminated"]


def seed(apps, schema_editor):
    PolicyParameterSet = apps.get_model("enrollment", "PolicyParameterSet")
    PolicyParameterSet.objects.filter(region_id="140621", insurance_year=2026).update(
        accident_topup_options=["30.00", "50.00"],
        refund_reasons=REFUND_REASONS,
        refund_source="山政办发〔2025〕17号 四；朔医险发〔2020〕15号",
    )


def unseed(apps, schema_editor):
    apps.get_model("enrollment", "PolicyParameterSet").objects.update(
        accident_topup_options=None, refund_reasons=None, refund_source=""
    )


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0006_enrollments_payments_claims")]

    operations = [migrations.RunPython(seed, unseed)]
