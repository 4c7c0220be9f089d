"""A job keeps its kind's own parameters (an identity list's department and date) as its loader defines them."""

from django.db import migrations, models


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
    ]
