"""Receiving a feed: the one path of the API and of the bulk file.

Each record is checked by its feed's serializer (a bad one is REJECTED with the Chinese reason), then the valid ones
are applied chunk by chunk through `Feed.apply`. A record received again after it applied (same kind and key), or
with exactly the content of a record already received, is UNCHANGED and changes nothing. Every record is kept with
its outcome, written with bulk_create; the batch keeps the counts.
"""

import datetime
import hashlib
import itertools
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone
from rest_framework import serializers

from accounts.models import User
from accounts.permissions import BULK_IMPORT
from accounts.scope import user_can_see_division
from bulk.models import BulkImportJob
from bulk.services import bulk_import_run
from divisions.codes import code_at_level
from divisions.models import Division, DivisionLevel

from .feeds import FEEDS, Feed, FeedResult
from .models import FeedBatch, FeedChannel, FeedOutcome, FeedRecord
from .models.records import SETTLED
from .selectors import feed_record_queue

CHUNK_RECORDS = 2_000
NOT_A_COUNTY_ACCOUNT = "发送账号不属于某一县（区），请指明接收数据的区县（county）。"
COUNTY_CODE_LENGTH = 6


def _record_json(values: Mapping[str, Any]) -> dict[str, Any]:
    """A validated record as JSON values: its dates as 2026-01-01 (the common flat record without recursion)."""
    return {
        key: value.isoformat()
        if isinstance(value, datetime.date)
        else _json_value(value)
        if not isinstance(value, str | int | bool | float | type(None))
        else value
        for key, value in values.items()
    }


def _json_value(value: object) -> object:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def payload_digest(payload: object) -> str:
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def serializer_errors_text(errors: object, labels: Mapping[str, str]) -> str:
    """A serializer's errors in one Chinese line: each field by its label."""
    parts: list[str] = []
    if isinstance(errors, Mapping):
        for field, messages in errors.items():
            texts = messages if isinstance(messages, list) else [messages]
            label = labels.get(str(field), "")
            for text in texts:
                sentence = str(text).rstrip("。")
                named = label and field != "non_field_errors" and not sentence.startswith(label)
                parts.append(f"{label}：{sentence}。" if named else f"{sentence}。")
    else:
        parts.append(str(errors))
    return "".join(parts)


def feed_county_code(*, actor: User, county_code: str = "") -> str:
    """The county an account receives for: the county of its division, or for an account above the counties (a
    city's or the province's), the county it names in its scope."""
    if county_code:
        if not county_code.isdigit() or len(county_code) != COUNTY_CODE_LENGTH:
            raise ValidationError({"county": "接收区县应为6位县级区划代码。"})
        if (
            not user_can_see_division(user=actor, division_code=county_code)
            or not Division.objects.filter(code=county_code, level=DivisionLevel.COUNTY).exists()
        ):
            raise ValidationError({"county": "没有找到该区县，或不在您的管辖范围内。"})
        return county_code
    county = code_at_level(actor.division_id or "", DivisionLevel.COUNTY) if actor.division_id else None
    if county is None:
        raise ValidationError({"county": NOT_A_COUNTY_ACCOUNT})
    return county


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _record_check(
    serializer: serializers.Serializer[Any], raw: object, labels: Mapping[str, str]
) -> tuple[dict[str, Any], str]:
    """A received record's checked values, or what is wrong with it in Chinese."""
    if not isinstance(raw, Mapping):
        return {}, "记录应为一个对象。"
    try:
        return dict(serializer.run_validation(raw)), ""
    except serializers.ValidationError as error:
        return {}, serializer_errors_text(error.detail, labels)


def feed_records_problems(*, kind: str, records: Sequence[object], today: datetime.date) -> list[str]:
    """What is wrong with each malformed record of a request, as 第N条：…, checked as feed_receive checks them; an
    empty list when every record is well formed. The API refuses a request with any, writing nothing."""
    feed = FEEDS[kind]
    serializer = feed.serializer_class(context={"today": today})
    labels = {name: str(field.label) for name, field in feed.serializer_class().fields.items()}
    problems = []
    for position, raw in enumerate(records, start=1):
        _, problem = _record_check(serializer, raw, labels)
        if problem:
            problems.append(f"第{position}条：{problem}")
    return problems


@transaction.atomic
def feed_receive(
    *,
    actor: User,
    kind: str,
    records: Iterable[Mapping[str, Any]],
    channel: str,
    today: datetime.date,
    bulk_job: BulkImportJob | None = None,
    county_code: str = "",
) -> FeedBatch:
    """Receive `records` of the feed `kind` from `actor` (an account of a county), or from a bulk file of the job's
        county; returns the batch with its counts. The records are numbered 1, 2, 3… in the order received. An account
    above the counties names the county it sends for (`county_code`)."""
    feed = FEEDS.get(kind)
    if feed is None:
        raise ValidationError({"kind": f"没有“{kind}”这类数据。"})
    if channel not in FeedChannel.values:
        raise ValidationError({"channel": "接收方式应为接口推送或文件导入。"})
    if bulk_job is not None:
        county_code = bulk_job.county_id
    else:
        county_code = feed_county_code(actor=actor, county_code=county_code)
    batch = FeedBatch(kind=kind, channel=channel, county_id=county_code, sent_by=actor, bulk_import_job=bulk_job)
    batch.full_clean()
    batch.save()
    numbers = itertools.count(1)
    counts = dict.fromkeys(FeedOutcome.values, 0)
    seen_keys: dict[str, int] = {}
    labels = {name: str(field.label) for name, field in feed.serializer_class().fields.items()}
    for chunk in _chunks(records, CHUNK_RECORDS):
        written = _chunk_receive(
            feed=feed,
            batch=batch,
            actor=actor,
            chunk=[(next(numbers), record) for record in chunk],
            today=today,
            seen_keys=seen_keys,
            labels=labels,
        )
        for outcome, count in written.items():
            counts[outcome] += count
    batch.records_total = sum(counts.values())
    batch.applied_count = counts[FeedOutcome.APPLIED]
    batch.unchanged_count = counts[FeedOutcome.UNCHANGED]
    batch.queued_count = counts[FeedOutcome.QUEUED]
    batch.rejected_count = counts[FeedOutcome.REJECTED]
    batch.save(update_fields=["records_total", "applied_count", "unchanged_count", "queued_count", "rejected_count"])
    return batch


def _chunk_receive(
    *,
    feed: Feed,
    batch: FeedBatch,
    actor: User,
    chunk: Sequence[tuple[int, Mapping[str, Any]]],
    today: datetime.date,
    seen_keys: dict[str, int],
    labels: Mapping[str, str],
) -> dict[str, int]:
    now = timezone.now()
    rows: list[FeedRecord] = []
    to_apply: list[tuple[FeedRecord, dict[str, Any]]] = []
    # One serializer checks every record of the chunk: building one per record costs more than the checks.
    serializer = feed.serializer_class(context={"today": today})
    for position, raw in chunk:
        record = FeedRecord(batch=batch, kind=feed.kind, county_id=batch.county_id, position=position, received_at=now)
        rows.append(record)
        values, problem = _record_check(serializer, raw, labels)
        if problem:
            record.payload = _json_value(raw)
            record.payload_digest = payload_digest(record.payload)
            record.outcome = FeedOutcome.REJECTED
            record.message = problem
            continue
        record.payload = _record_json(values)
        record.payload_digest = payload_digest(record.payload)
        record.record_key = feed.record_key(values)
        to_apply.append((record, values))
    keys = {record.record_key for record, _ in to_apply}
    digests = {record.payload_digest for record, _ in to_apply}
    settled = dict(
        FeedRecord.objects.filter(SETTLED, kind=feed.kind, record_key__in=keys).values_list("record_key", "batch_id")
    )
    received = dict(
        FeedRecord.objects.filter(kind=feed.kind, payload_digest__in=digests)
        .exclude(outcome=FeedOutcome.REJECTED)
        .values_list("payload_digest", "batch_id")
    )
    fresh: list[tuple[FeedRecord, dict[str, Any]]] = []
    for record, values in to_apply:
        if record.record_key in settled:
            record.outcome = FeedOutcome.UNCHANGED
            record.message = f"该记录已于批次#{settled[record.record_key]}处理，本次未变更。"
        elif record.payload_digest in received:
            record.outcome = FeedOutcome.UNCHANGED
            record.message = f"与批次#{received[record.payload_digest]}已收到的记录相同，本次未变更。"
        elif record.record_key in seen_keys:
            record.outcome = FeedOutcome.UNCHANGED
            record.message = f"与本批次第{seen_keys[record.record_key]}条记录重复，本次未变更。"
        else:
            seen_keys[record.record_key] = record.position
            fresh.append((record, values))
    results = feed.apply(actor=actor, records=[values for _, values in fresh], today=today) if fresh else []
    if len(results) != len(fresh):
        raise RuntimeError(f"feed {feed.kind!r} answered {len(results)} results for {len(fresh)} records")
    for (record, _values), result in zip(fresh, results, strict=True):
        _result_set(record, result)
    _records_insert(rows)
    written = dict.fromkeys(FeedOutcome.values, 0)
    for record in rows:
        written[record.outcome] += 1
    return written


RECORD_COLUMNS = (
    *("batch_id", "kind", "county_id", "position", "record_key", "payload_digest", "payload", "outcome", "message"),
    *("resident_id", "refund_enrollment_id", "resolved_by_id", "resolved_at", "resolution_note", "dismissed"),
    "received_at",
)


def _records_insert(rows: Sequence[FeedRecord]) -> None:
    """The chunk's records in one executemany of plain values: bulk_create's preparation of every field of every row
    cost more than the rest of the receipt. New records are never resolved yet."""
    if not rows:
        return
    received_at = connection.ops.adapt_datetimefield_value(rows[0].received_at)
    values = [
        (
            *(record.batch_id, record.kind, record.county_id, record.position, record.record_key),
            record.payload_digest,
            json.dumps(record.payload, ensure_ascii=False),
            *(record.outcome, record.message, record.resident_id, record.refund_enrollment_id),
            *(None, None, "", False, received_at),
        )
        for record in rows
    ]
    placeholders = ", ".join(["%s"] * len(RECORD_COLUMNS))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {FeedRecord._meta.db_table} ({', '.join(RECORD_COLUMNS)}) VALUES ({placeholders})", values
        )


def _result_set(record: FeedRecord, result: FeedResult) -> None:
    record.outcome = result.outcome
    record.message = result.message
    record.resident_id = result.resident_id
    record.refund_enrollment_id = result.refund_enrollment_id


def _queued_record(*, actor: User, record_id: int) -> FeedRecord:
    record = feed_record_queue(user=actor).select_for_update(of=("self",)).filter(pk=record_id).first()
    if record is None:
        raise ValidationError({"non_field_errors": "没有找到该待处理记录，或已有人处理。"})
    return record


@transaction.atomic
def feed_record_resolve(
    *, actor: User, record_id: int, resident_id: int, note: str, today: datetime.date
) -> FeedRecord:
    """A clerk links a queued record to a person in their scope (a resident, or a newborn's placeholder resident) and
    applies it there. Refused: a record of the same key already applied, a person the feed cannot apply it to."""
    record = _queued_record(actor=actor, record_id=record_id)
    feed = FEEDS[record.kind]
    if FeedRecord.objects.filter(SETTLED, kind=record.kind, record_key=record.record_key).exists():
        raise ValidationError({"non_field_errors": "同一记录已处理过，请选择“不予处理”并说明。"})
    serializer = feed.serializer_class(data=record.payload, context={"today": today})
    if not serializer.is_valid():  # the payload was checked on receipt; a later change of the checks refuses it here
        raise ValidationError({"non_field_errors": serializer_errors_text(serializer.errors, {})})
    try:
        result = feed.resolve(actor=actor, record=dict(serializer.validated_data), resident_id=resident_id, today=today)
    except NotImplementedError:
        raise ValidationError(
            {"non_field_errors": "该类数据不能指定居民处理，请核对后选择“不予处理”并说明。"}
        ) from None
    record.outcome = FeedOutcome.RESOLVED
    record.message = f"{record.message}\n人工处理：{result.message}"
    record.resident_id = result.resident_id or resident_id
    record.refund_enrollment_id = result.refund_enrollment_id
    record.resolved_by = actor
    record.resolved_at = timezone.now()
    record.resolution_note = note.strip()
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def feed_record_dismiss(*, actor: User, record_id: int, note: str) -> FeedRecord:
    """A clerk settles a queued record without applying it (a person of another county, a wrong record), saying why."""
    record = _queued_record(actor=actor, record_id=record_id)
    if not note.strip():
        raise ValidationError({"note": "不予处理须说明原因。"})
    record.outcome = FeedOutcome.RESOLVED
    record.message = f"{record.message}\n人工处理：不予处理。"
    record.dismissed = True
    record.resolved_by = actor
    record.resolved_at = timezone.now()
    record.resolution_note = note.strip()
    record.full_clean()
    record.save()
    return record


def feed_file_run(*, actor: User, kind: str, path: Path) -> BulkImportJob:
    """A department's dump file loaded now, in this process, through the bulk import of the actor's county: the same
    check and load as a file uploaded at /bulk/ and confirmed at once. Returns the finished job."""
    if kind not in FEEDS:
        raise ValidationError({"kind": f"没有“{kind}”这类数据。"})
    if not actor.has_perm(BULK_IMPORT):
        raise ValidationError({"non_field_errors": "该账号没有批量导入的权限。"})
    county = Division.objects.get(code=feed_county_code(actor=actor))
    if not path.name.lower().endswith((".csv", ".xlsx")):
        raise ValidationError({"file": "只能导入 xlsx 或 csv 文件。"})
    job = BulkImportJob(
        kind=kind,
        county=county,
        file_name=path.name[:255],
        requested_by=actor,
        confirmed_by=actor,
        confirmed_at=timezone.now(),
    )
    with path.open("rb") as source:
        job.file.save(path.name, File(source), save=False)
    job.full_clean()
    job.save()
    return bulk_import_run(job_id=job.pk)
