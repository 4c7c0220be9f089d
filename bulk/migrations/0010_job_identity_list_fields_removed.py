"""bulk no longer names anything of subsidies: the department, the list date and the batch of an identity list are
in the job's parameters and on the batch's side."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('bulk', '0009_job_parameters_filled'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='bulkimportjob',
            name='department',
        ),
        migrations.RemoveField(
            model_name='bulkimportjob',
            name='identity_list_batch',
        ),
        migrations.RemoveField(
            model_name='bulkimportjob',
            name='list_date',
        ),
    ]
