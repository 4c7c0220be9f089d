"""The link between a bulk import job and the identity-list batch it wrote is held on the list's side: bulk, below
subsidies, no longer names the batch. Every link the job recorded is carried across before bulk drops its field."""

import django.db.models.deletion
from django.db import migrations, models


def links_carry_across(apps, schema_editor):
    job_model = apps.get_model("bulk", "BulkImportJob")
    batch_model = apps.get_model("subsidies", "IdentityListBatch")
    links = job_model.objects.filter(identity_list_batch_id__isnull=False).values_list("pk", "identity_list_batch_id")
    for job_id, batch_id in links:
        batch_model.objects.filter(pk=batch_id).update(bulk_import_job_id=job_id)


class Migration(migrations.Migration):

    dependencies = [
        ('bulk', '0004_job_identity_list_batch'),
        ('subsidies', '0002_identity_list_batches'),
    ]

    operations = [
        migrations.AddField(
            model_name='identitylistbatch',
            name='bulk_import_job',
            field=models.OneToOneField(blank=True, help_text='经批量导入写入的名单：写入它的导入任务。', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='identity_list_batch', to='bulk.bulkimportjob', verbose_name='批量导入任务'),
        ),
        # backwards, bulk's own migration puts the links back on the jobs before this field goes
        migrations.RunPython(links_carry_across, migrations.RunPython.noop),
    ]
