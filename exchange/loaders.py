"""The nightly files of the inbound feeds, loaded through the bulk import (bulk.registry): upload, check, confirm.

A feed's file has one column per field of its record. The bulk check reads the cells as text (a date cell as
2026-01-01) and refuses no row: each record is checked by the feed itself on load, and a malformed one is kept in
the feed's batch as 格式错误, as it would be from the API. The load reads the staged rows a block at a time and hands
them to the one receiving service, exchange.services.feed_receive.
"""

import datetime
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.utils import timezone

from bulk.models import BulkImportJob
from bulk.registry import BulkLoader, register_loader
from bulk.rules import cells_at
from bulk.staging import Stage, text_column
from core.tabular import cell_text

from .feeds import Feed
from .models import FeedChannel
from .services import feed_receive

CELL_MAX_LENGTH = 200


def feed_fields(feed: Feed) -> list[str]:
    """The serializer field each of the feed's columns fills, in the order of the columns."""
    by_label = {str(field.label): name for name, field in feed.serializer_class().fields.items()}
    return [by_label[column.name] for column in feed.columns]


def _stage_name(field: str) -> str:
    return f"f_{field}"


def _row_check(
    cells: Sequence[object], *, positions: Mapping[str, int], names: Sequence[str]
) -> tuple[tuple[Any, ...] | None, str]:
    return tuple(cell_text(cell)[:CELL_MAX_LENGTH] for cell in cells_at(cells, positions, names)), ""


def _no_checks(stage: Stage, *, county_code: str) -> None:
    """The records are checked on load, one by one, by the feed's serializer."""


def _staged_records(stage: Stage, fields: Sequence[str]) -> Iterator[dict[str, Any]]:
    for rows in stage.good_row_batches([_stage_name(field) for field in fields]):
        for row in rows:
            yield {field: value or "" for field, value in zip(fields, row, strict=True)}


def _load(feed: Feed, stage: Stage, job: BulkImportJob, now: datetime.datetime) -> tuple[int, int]:
    """Receive the file's records as one batch of the job's county; (records applied, 0)."""
    batch = feed_receive(
        actor=job.requested_by,
        kind=feed.kind,
        records=_staged_records(stage, feed_fields(feed)),
        channel=FeedChannel.FILE,
        bulk_job=job,
        today=timezone.localdate(),
    )
    return batch.applied_count, 0


def feed_loader(feed: Feed) -> BulkLoader:
    fields = feed_fields(feed)
    names = [column.name for column in feed.columns]
    return BulkLoader(
        columns=feed.columns,
        stage_columns=tuple(text_column(_stage_name(field), CELL_MAX_LENGTH) for field in fields),
        row_check=lambda cells, *, positions: _row_check(cells, positions=positions, names=names),
        checks=_no_checks,
        report_texts=lambda values: [str(value or "") for value in values],
        load=lambda stage, job, now: _load(feed, stage, job, now),
        template_notes=(
            f"{feed.label}：每行一条记录，列名同本模板；日期写成2026-01-01。",
            "格式错误的行不影响其他行：导入后在“数据交换”批次中列为“格式错误，未处理”，并写明原因。",
            "已处理过的记录再次导入不会重复处理；无法自动匹配的记录进入“数据交换待处理”，由经办人员处理。",
        ),
    )


def feed_loader_register(feed: Feed) -> None:
    register_loader(feed.kind, feed_loader(feed))


__all__ = ["feed_fields", "feed_loader", "feed_loader_register"]
