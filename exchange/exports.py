"""A batch's records as a ledger (core.reports): the page's table and the Excel file from the same report."""

import datetime
from collections.abc import Iterator, Sequence

from django.db.models import QuerySet

from accounts.models import User
from accounts.personal_data import id_number_for
from core.reports import Report, columns_of

from .feeds import FEEDS
from .models import FeedBatch, FeedRecord

HEADERS = ["序号（批次内）", "记录标识", "处理结果", "处理说明", "人工处理说明"]
WIDTHS = [12, 26, 18, 80, 30]
ROWS_PER_CHUNK = 2000


def _key_for(user: User, key: str) -> str:
    """A record key begins with an ID number: in full for users who may see it, masked for the others."""
    id_number, separator, rest = key.partition(":")
    return id_number_for(user=user, id_number=id_number) + separator + rest if id_number else ""


def feed_batch_report(*, user: User, batch: FeedBatch, records: QuerySet[FeedRecord], today: datetime.date) -> Report:
    def rows() -> Iterator[Sequence[object]]:
        for record in records.iterator(chunk_size=ROWS_PER_CHUNK):
            yield [
                record.position,
                _key_for(user, record.record_key),
                record.get_outcome_display(),
                record.message,
                record.resolution_note,
            ]

    feed = FEEDS.get(batch.kind)
    return Report(
        title=f"数据交换批次#{batch.pk}（{feed.label if feed else batch.kind}）处理结果",
        unit=batch.county.name,
        as_of=today,
        columns=columns_of(HEADERS, WIDTHS),
        rows=rows(),
    )
