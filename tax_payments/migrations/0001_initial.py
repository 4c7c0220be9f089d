"""The reconciliation of the tax bureau's payment records leaves the bulk app: its table stays where it is."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('bulk', '0003_tax_payment_record'),
        ('divisions', '0002_load_divisions'),
        ('enrollment', '0015_enrollment_year_category_index'),
    ]

    operations = [
        # The table bulk.0003 created is taken over as it is; only Django's record of the model moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='TaxPaymentRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('voucher_number', models.CharField(max_length=32, unique=True, verbose_name='电子税票号码')),
                        ('id_number', models.CharField(max_length=18, verbose_name='公民身份号码')),
                        ('name', models.CharField(max_length=64, verbose_name='姓名')),
                        ('insurance_year', models.PositiveSmallIntegerField(verbose_name='费款所属年度')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='实缴金额（元）')),
                        ('paid_on', models.DateField(verbose_name='缴费日期')),
                        ('deposited_on', models.DateField(verbose_name='入库日期')),
                        ('match_status', models.CharField(choices=[('matched', '已对上'), ('amount_differs', '金额不符'), ('no_enrollment', '无参保记录'), ('not_registered', '档案中无此人'), ('other_county', '外县参保人员')], max_length=16, verbose_name='对账结果')),
                        ('match_explanation', models.TextField(verbose_name='对账说明')),
                        ('matched_at', models.DateTimeField(verbose_name='对账时间')),
                        ('created_at', models.DateTimeField(verbose_name='导入时间')),
                        ('county', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tax_payment_records', to='divisions.division', verbose_name='区县')),
                        ('enrollment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='tax_payment_records', to='enrollment.enrollment', verbose_name='参保记录')),
                        ('job', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tax_payment_records', to='bulk.bulkimportjob', verbose_name='导入任务')),
                        ('resident', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='tax_payment_records', to='enrollment.resident', verbose_name='居民')),
                    ],
                    options={
                        'verbose_name': '征缴入库明细',
                        'db_table': 'bulk_taxpaymentrecord',
                        'verbose_name_plural': '征缴入库明细',
                        'ordering': ['id_number', 'voucher_number'],
                        'indexes': [models.Index(fields=['county', 'insurance_year', 'match_status'], name='tax_payment_county_year_match'), models.Index(fields=['county', 'insurance_year', 'id_number'], name='tax_payment_county_year_person')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='tax_payment_amount_positive'), models.CheckConstraint(condition=models.Q(('paid_on__lte', models.F('deposited_on'))), name='tax_payment_paid_before_deposited')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
