"""Reference data: the fiscal tiers of the newborn programme (R11.1), provisional, and when transfers are due (R11.3).

晋政办发〔2024〕19号 is not at hand. Until it is, the split follows Shanxi's earlier resident-insurance subsidy, where
the province paid half of the non-central part for ordinary counties and for counties under western-region policy
alike (2017, 2020): province 50%, and the rest shared by city and county 50/50 until a city sets its own split.
Every county is placed in the ordinary tier; both tiers and every assignment are marked provisional.
"""

import datetime
from decimal import Decimal

from django.db import migrations

SOURCE = "晋政办发〔2024〕19号（文件未到，暂按2017、2020年居民医保省级补助办法）"


def seed(apps, schema_editor):
    FiscalTier = apps.get_model("reports", "FiscalTier")
    CountyFiscalTier = apps.get_model("reports", "CountyFiscalTier")
    FiscalProgrammeYear = apps.get_model("reports", "FiscalProgrammeYear")
    Division = apps.get_model("divisions", "Division")
    start = datetime.date(2026, 1, 1)
    ordinary = FiscalTier.objects.create(
        name="一般县",
        province_share=Decimal("0.5000"),
        city_share=Decimal("0.2500"),
        county_share=Decimal("0.2500"),
        valid_from=start,
        source_document=SOURCE,
        provisional=True,
    )
    FiscalTier.objects.create(
        name="享受西部大开发政策县",
        province_share=Decimal("0.5000"),
        city_share=Decimal("0.2500"),
        county_share=Decimal("0.2500"),
        valid_from=start,
        source_document=SOURCE,
        provisional=True,
    )
    CountyFiscalTier.objects.bulk_create(
        CountyFiscalTier(county=county, tier=ordinary, valid_from=start, provisional=True)
        for county in Division.objects.filter(level="county", code__startswith="14")
    )
    FiscalProgrammeYear.objects.create(
        year=2026, transfer_due_date=datetime.date(2026, 10, 31), source_document="晋医保发〔2026〕4号 五"
    )


def unseed(apps, schema_editor):
    apps.get_model("reports", "CountyFiscalTier").objects.all().delete()
    apps.get_model("reports", "FiscalTier").objects.all().delete()
    apps.get_model("reports", "FiscalProgrammeYear").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_fiscal"), ("divisions", "0002_load_divisions")]

    operations = [migrations.RunPython(seed, unseed)]
