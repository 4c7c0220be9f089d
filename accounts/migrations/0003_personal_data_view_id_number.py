import django.db.models.deletion
from django.db import migrations, models


def copy_id_numbers(apps, schema_editor):
    """Rows written before the number was kept: the number their resident has now is the one that was shown."""
    PersonalDataView = apps.get_model("accounts", "PersonalDataView")
    Resident = apps.get_model("enrollment", "Resident")
    PersonalDataView.objects.update(
        id_number=models.Subquery(Resident.objects.filter(pk=models.OuterRef("resident_id")).values("id_number")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_personal_data_audit"),
        ("enrollment", "0017_policy_revision"),
    ]

    operations = [
        migrations.AddField(
            model_name="personaldataview",
            name="id_number",
            field=models.CharField(db_index=True, default="", max_length=20, verbose_name="所示身份证号"),
            preserve_default=False,
        ),
        migrations.RunPython(copy_id_numbers, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="personaldataview",
            name="resident",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="enrollment.resident",
                verbose_name="被查看人",
            ),
        ),
        migrations.AddConstraint(
            model_name="personaldataview",
            constraint=models.CheckConstraint(
                condition=models.Q(("id_number", ""), _negated=True), name="personal_data_view_has_id_number"
            ),
        ),
    ]
