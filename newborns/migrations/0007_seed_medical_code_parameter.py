"""Reference data: the validity of a newborn's 医保码, 180 days after birth.

陕医保发〔2024〕7号 二（三） 优化新生儿参保流程: "鼓励探索凭出生医学证明办理新生儿参保，并可通过亲情账户或经办机构为其办理
医保码，在出生后180天内均可凭医保码在定点医疗机构直接就医结算". The document is Shaanxi's; no Shanxi document at hand sets
another figure. It is seeded for the province (14) from the births of 2024, the document's year, so that every city and
county inherits it until it sets its own row (editable in the admin), with the document it comes from.
"""

from django.db import migrations

SOURCE_DOCUMENT = "陕医保发〔2024〕7号"
SOURCE_CLAUSE = "二（三）"
PARAMETERS = [("14", 2024, 180)]


def seed(apps, schema_editor):
    MedicalCodeParameter = apps.get_model("newborns", "MedicalCodeParameter")
    for region, year, days in PARAMETERS:
        MedicalCodeParameter.objects.update_or_create(
            region_id=region,
            year=year,
            defaults={"validity_days": days, "source_document": SOURCE_DOCUMENT, "source_clause": SOURCE_CLAUSE},
        )


def unseed(apps, schema_editor):
    MedicalCodeParameter = apps.get_model("newborns", "MedicalCodeParameter")
    for region, year, _ in PARAMETERS:
        MedicalCodeParameter.objects.filter(region_id=region, year=year, source_document=SOURCE_DOCUMENT).delete()


class Migration(migrations.Migration):
    dependencies = [("newborns", "0006_newborn_medical_codes")]

    operations = [migrations.RunPython(seed, unseed)]
