"""Each fiscal tier belongs to the province that made it, so that only that province's users govern it, a tier
without counties included.

A tier holding counties belongs to their province. The tiers seeded without counties (0003) are Shanxi's: they carry
晋政办发〔2024〕19号, and Shanxi is the province whose counties the seed placed in its other tier.
"""

import django.db.models.deletion
from django.db import migrations, models


def tier_regions_set(apps, schema_editor):
    """A tier takes the province of its counties; a tier without counties, the province of the seed's counties."""
    FiscalTier = apps.get_model("reports", "FiscalTier")
    CountyFiscalTier = apps.get_model("reports", "CountyFiscalTier")

    def province_of(assignment):
        division = assignment.county
        while division.level != "province":
            division = division.parent
        return division

    any_assignment = CountyFiscalTier.objects.select_related("county").first()
    seeded_province = province_of(any_assignment) if any_assignment is not None else None
    for tier in FiscalTier.objects.all():
        assignment = CountyFiscalTier.objects.filter(tier=tier).select_related("county").first()
        tier.region = province_of(assignment) if assignment is not None else seeded_province
        tier.save(update_fields=["region"])


class Migration(migrations.Migration):
    dependencies = [
        ("divisions", "0002_load_divisions"),
        ("reports", "0004_schedule_fiscal_settlement"),
    ]

    operations = [
        migrations.AddField(
            model_name="fiscaltier",
            name="region",
            field=models.ForeignKey(
                help_text="制定该分档的省份：只有该省（及所辖城市，限仅含本市区县的分档）的用户可以维护。",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="fiscal_tiers_made",
                to="divisions.division",
                verbose_name="制定地区",
            ),
        ),
        migrations.AddField(
            model_name="historicalfiscaltier",
            name="region",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="制定该分档的省份：只有该省（及所辖城市，限仅含本市区县的分档）的用户可以维护。",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="divisions.division",
                verbose_name="制定地区",
            ),
        ),
        migrations.RunPython(tier_regions_set, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="fiscaltier",
            name="region",
            field=models.ForeignKey(
                help_text="制定该分档的省份：只有该省（及所辖城市，限仅含本市区县的分档）的用户可以维护。",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="fiscal_tiers_made",
                to="divisions.division",
                verbose_name="制定地区",
            ),
        ),
    ]
