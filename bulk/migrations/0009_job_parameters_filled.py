"""Every department and list date is carried into the job's parameters, and back with the link to the batch (held
since subsidies 0003 on the batch's side). On its own: PostgreSQL alters no table whose rows the same transaction
has just updated."""

from django.db import migrations


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
        ('bulk', '0008_job_parameters'),
    ]

    operations = [
        migrations.RunPython(parameters_fill, parameters_unfill),
    ]
