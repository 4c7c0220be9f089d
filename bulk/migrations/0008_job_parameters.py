"""A job keeps its kind's own parameters (an identity list's department and date) as its loader defines them, and
the identity-list batch an import wrote names its job (subsidies): bulk no longer names anything of subsidies.
Every department and list date is carried into the parameters, and back."""

from django.db import migrations, models


def parameters_fill(apps, schema_editor):
    job_model = apps.get_model("bulk", "BulkImportJob")
    for job in job_model.objects.exclude(department="").only("pk", "department", "list_date"):
        parameters = {"department": job.department}
        if job.list_date is not None:
            parameters["list_date"] = job.list_date.isoformat()
        job_model.objects.filter(pk=job.pk).update(parameters=parameters)


def parameters_unfill(apps, schema_editor):
    job_model = apps.get_model("bulk", "BulkImportJob")
    batch_model = apps.get_model("subsidies", "IdentityListBatch")
    for job in job_model.objects.exclude(parameters={}).only("pk", "parameters"):
        list_date = job.parameters.get("list_date")
        job_model.objects.filter(pk=job.pk).update(
            department=job.parameters.get("department", ""), list_date=list_date or None
        )
    links = batch_model.objects.filter(bulk_import_job_id__isnull=False).values_list("bulk_import_job_id", "pk")
    for job_id, batch_id in links:
        job_model.objects.filter(pk=job_id).update(identity_list_batch_id=batch_id)


class Migration(migrations.Migration):

    dependencies = [
        ('bulk', '0007_tax_payment_record_moved_to_tax_payments'),
        ('subsidies', '0003_identity_list_batch_bulk_import_job'),
    ]

    operations = [
        migrations.AddField(
            model_name='bulkimportjob',
            name='parameters',
            field=models.JSONField(blank=True, default=dict, help_text='该类文件特有的参数，由导入该类文件的应用定义，如困难身份名单的认定部门和名单日期。', verbose_name='导入参数'),
        ),
        migrations.RunPython(parameters_fill, parameters_unfill),
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
