"""Load a department's nightly dump file of one feed kind, as a scheduled job does:

    manage.py exchange_feed_file deaths /data/mz/deaths-2026-12-03.csv --user shanyin-exchange

The file goes through the bulk import of the user's county (checked, then loaded at once) and its records through
the same receiving path as the API; the batch, its counts and its queue are then on the pages at /exchange/.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from core.models import JobStatus
from exchange.feeds import FEEDS
from exchange.models import FeedBatch
from exchange.services import feed_file_run


class Command(BaseCommand):
    help = "导入其他部门的数据交换文件（按数据类型），经批量导入校验后逐条处理。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(FEEDS), help="数据类型")
        parser.add_argument("path", type=Path, help="csv 或 xlsx 文件")
        parser.add_argument("--user", required=True, help="接收数据的县（区）系统账号的用户名")

    def handle(self, *args: object, kind: str, path: Path, user: str, **options: object) -> None:
        actor = User.objects.filter(username=user, is_active=True).first()
        if actor is None:
            raise CommandError(f"没有用户名为“{user}”的有效账号。")
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            job = feed_file_run(actor=actor, kind=kind, path=path)
        except ValidationError as error:
            raise CommandError("".join(error.messages)) from error
        if job.status != JobStatus.SUCCEEDED:
            raise CommandError(f"批量导入任务 #{job.pk} 未完成（{job.get_status_display()}）：{job.error_message}")
        batch = FeedBatch.objects.get(bulk_import_job=job)
        self.stdout.write(
            f"批次 #{batch.pk}：共{batch.records_total}条，已处理{batch.applied_count}条，"
            f"重复收到{batch.unchanged_count}条，待人工处理{batch.queued_count}条，格式错误{batch.rejected_count}条。"
        )
