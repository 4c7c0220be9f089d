"""Reference data: the 2026 targets of subsidised newborns per city (R10.1, 晋医保发〔2026〕4号 附件1)."""

from decimal import Decimal

from django.db import migrations

SOURCE = "晋医保发〔2026〕4号 附件1"
CITY_TARGETS_2026 = {
    "1401": 20900,  # 太原
    "1402": 9900,  # 大同
    "1403": 3900,  # 阳泉
    "1404": 14000,  # 长治
    "1405": 9000,  # 晋城
    "1406": 6000,  # 朔州
    "1407": 11700,  # 晋中
    "1408": 18900,  # 运城
    "1409": 8200,  # 忻州
    "1410": 15600,  # 临汾
    "1411": 16500,  # 吕梁
    "14": 134600,  # 全省
}


def seed(apps, schema_editor):
    Target = apps.get_model("targets", "Target")
    for division, value in CITY_TARGETS_2026.items():
        Target.objects.update_or_create(
            division_id=division,
            year=2026,
            metric="subsidised_newborns",
            defaults={"value": Decimal(value), "source_document": SOURCE},
        )


def unseed(apps, schema_editor):
    apps.get_model("targets", "Target").objects.filter(source_document=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("targets", "0003_baselines_snapshots_uninsured_ledger")]

    operations = [migrations.RunPython(seed, unseed)]
