"""The index of an enrollment's person also holds what makes the enrollment count as an enrolled year as of a date
(PostgreSQL's INCLUDE; a plain index on SQLite), for the progress job's index-only count (targets.services.progress),
and takes the place of the foreign key's own index. Only the index is dropped: the foreign key itself stays, where
Django's AlterField would drop it and check every row again to add it back."""

import django.db.models.deletion
from django.db import migrations, models

# Django's name for the foreign key's index, the same on every database since the table was created (0033 kept it).
RESIDENT_KEY_INDEX = "enrollment_enrollment_resident_id_9299269c"


class Migration(migrations.Migration):
    dependencies = [
        ("enrollment", "0036_bulk_loaded_history_and_residence_index_leaner"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="enrollment",
            index=models.Index(
                fields=["resident"],
                include=("insurance_year", "payment_date", "status", "refund_date", "counts_as_enrolled_year"),
                name="enrollment_resident_counted",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="enrollment",
                    name="resident",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="enrollments",
                        to="enrollment.resident",
                        verbose_name="居民",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{RESIDENT_KEY_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{RESIDENT_KEY_INDEX}" ON "enrollment_enrollment" ("resident_id")',
                ),
            ],
        ),
    ]
