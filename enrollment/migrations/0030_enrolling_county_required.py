import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("enrollment", "0029_enrolling_county_from_household")]

    operations = [
        migrations.AlterField(
            model_name="enrollment",
            name="enrolling_county",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="held_enrollments",
                to="divisions.division",
                verbose_name="参保地（县）",
            ),
        ),
    ]
