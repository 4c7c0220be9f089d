"""The export job now belongs to enrollment (enrollment 0020), which keeps its table: reports only forgets it."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0006_export_job_is_a_job'),
        ('enrollment', '0020_export_job_from_reports'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ExportJob')],
            database_operations=[],
        ),
    ]
