"""The export job moves from reports to enrollment, whose residents it exports: its table stays, its content type (and
with it its permissions) is renamed."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_type_move(apps, schema_editor, *, from_app, to_app):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.db_manager(schema_editor.connection.alias)
    moved = content_types.filter(app_label=from_app, model="exportjob").first()
    if moved is None:
        return
    # one made for the new place by an earlier migrate; the moved one keeps its id and permissions
    content_types.filter(app_label=to_app, model="exportjob").delete()
    moved.app_label = to_app
    moved.save(update_fields=["app_label"])
    content_types.clear_cache()


def content_type_to_enrollment(apps, schema_editor):
    content_type_move(apps, schema_editor, from_app="reports", to_app="enrollment")


def content_type_to_reports(apps, schema_editor):
    content_type_move(apps, schema_editor, from_app="enrollment", to_app="reports")


class Migration(migrations.Migration):

    dependencies = [
        ('enrollment', '0019_void_impossible_dates'),
        ('reports', '0006_export_job_is_a_job'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ExportJob',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('error_message', models.TextField(blank=True, verbose_name='错误信息')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                        ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='开始时间')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                        ('heartbeat_at', models.DateTimeField(blank=True, help_text='任务运行期间每隔几秒记录一次；长时间未更新说明后台进程已中断。', null=True, verbose_name='最近心跳')),
                        ('kind', models.CharField(choices=[('resident_roster', '居民花名册')], max_length=32, verbose_name='导出内容')),
                        ('status', models.CharField(choices=[('queued', '排队中'), ('pending', '排队中'), ('running', '运行中'), ('validating', '校验中'), ('loading', '写入中'), ('succeeded', '已完成'), ('refused', '已拒收（有错误行）'), ('failed', '失败')], default='pending', max_length=16, verbose_name='状态')),
                        ('rows_done', models.PositiveIntegerField(default=0, verbose_name='已处理行数')),
                        ('rows_total', models.PositiveIntegerField(default=0, verbose_name='总行数')),
                        ('file', models.FileField(blank=True, upload_to='exports/%Y/%m/', verbose_name='文件')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发起人')),
                    ],
                    options={
                        'verbose_name': '导出任务',
                        'verbose_name_plural': '导出任务',
                        'db_table': 'reports_exportjob',
                        'ordering': ['-created_at', '-id'],
                        'abstract': False,
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_enrollment, content_type_to_reports),
    ]
