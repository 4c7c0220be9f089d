"""R11.4: the day after which a year's settlement is final (据实清算), a figure of the programme year with its source,
seeded for 2026: newborns of 2026 may be registered until 31 March 2027 (R7.1a), so the settlement follows it."""

import datetime

from django.db import migrations, models

SOURCE_2026 = "R11.4：默认次年3月31日（出生当年12月出生、次年登记参保的新生儿计入出生当年，R7.1a）"


def seed(apps, schema_editor):
    programme_years = apps.get_model("reports", "FiscalProgrammeYear")
    for programme_year in programme_years.objects.all():
        programme_year.settlement_due_date = datetime.date(programme_year.year + 1, 3, 31)
        programme_year.settlement_source = SOURCE_2026
        programme_year.save(update_fields=["settlement_due_date", "settlement_source"])


class Migration(migrations.Migration):
    dependencies = [("reports", "0007_export_job_to_enrollment")]

    operations = [
        migrations.AddField(
            model_name="fiscalprogrammeyear",
            name="settlement_due_date",
            field=models.DateField(null=True, verbose_name="据实清算日期"),
        ),
        migrations.AddField(
            model_name="fiscalprogrammeyear",
            name="settlement_source",
            field=models.CharField(default="", max_length=200, verbose_name="据实清算日期依据"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalfiscalprogrammeyear",
            name="settlement_due_date",
            field=models.DateField(null=True, verbose_name="据实清算日期"),
        ),
        migrations.AddField(
            model_name="historicalfiscalprogrammeyear",
            name="settlement_source",
            field=models.CharField(default="", max_length=200, verbose_name="据实清算日期依据"),
            preserve_default=False,
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="fiscalprogrammeyear",
            name="settlement_due_date",
            field=models.DateField(
                help_text="本年度出生的新生儿最晚可登记参保之日；此日之后计算的结算为据实清算，此前（含当日）为预结算。",
                verbose_name="据实清算日期",
            ),
        ),
        migrations.AlterField(
            model_name="historicalfiscalprogrammeyear",
            name="settlement_due_date",
            field=models.DateField(
                help_text="本年度出生的新生儿最晚可登记参保之日；此日之后计算的结算为据实清算，此前（含当日）为预结算。",
                verbose_name="据实清算日期",
            ),
        ),
    ]
