"""An uploaded list checked first and written only once a clerk confirms what the check showed (preview → confirm).

`PreviewBatch` is the record an import keeps of one upload: who uploaded which file, the rows that passed the check
(exactly what confirming will write), the rows refused with their reasons, or why the file as a whole was refused.
Each import's concrete model adds its division and its counts. `batch_stage` records the check; `batch_confirm`
writes the checked rows, all or none, once.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from .tabular import FileUnreadable


class BatchStatus(models.TextChoices):
    PREVIEWED = "previewed", "待确认"
    REFUSED = "refused", "有错误，未导入"
    CONFIRMED = "confirmed", "已导入"


class PreviewBatch(models.Model):
    """One upload of a list, checked row by row; nothing but this record is written before it is confirmed.

    `checked_rows` are plain values (dates as 2026-01-01), so that confirming writes exactly what the clerk saw;
    `row_errors` are {"row": file row number, "values": {column: cell text}, "errors": [reason, ...]}.
    A concrete batch names its refusals in the clerk's words for that list (the class attributes below).
    """

    not_found_message: ClassVar[str] = "没有找到该批次。"
    already_confirmed_message: ClassVar[str] = "该批次已导入，不能重复导入。"
    refused_message: ClassVar[str] = "该文件有错误，不能导入。请按错误行修改后重新上传。"

    file_name = models.CharField("文件名", max_length=255)
    status = models.CharField("状态", max_length=16, choices=BatchStatus.choices)
    file_error = models.CharField("文件错误", max_length=500, blank=True)
    rows_total = models.PositiveIntegerField("数据行数", default=0)
    checked_rows = models.JSONField("校验通过的行", default=list, blank=True)
    row_errors = models.JSONField("错误行", default=list, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    confirmed_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-uploaded_at", "-id"]

    # Set by a list whose confirmation means writing its rows: a batch with none is then shown but not confirmed, and
    # confirming it is refused with this message. Left None, an empty batch is confirmed like any other.
    nothing_to_write_message: ClassVar[str | None] = None

    @property
    def can_confirm(self) -> bool:
        return self.status == BatchStatus.PREVIEWED and (
            bool(self.checked_rows) or self.nothing_to_write_message is None
        )


Batch = TypeVar("Batch", bound=PreviewBatch)


@dataclass
class CheckedRows:
    """What the check of an upload found: its data rows counted, those to write, those refused."""

    rows_total: int
    checked_rows: list[dict[str, Any]] = field(default_factory=list)
    row_errors: list[dict[str, Any]] = field(default_factory=list)


@transaction.atomic
def batch_stage(
    *,
    batch: Batch,
    check: Callable[[Batch], CheckedRows],
    file_refusals: tuple[type[Exception], ...] = (FileUnreadable,),
) -> Batch:
    """Save a new batch with the outcome of `check`, which reads and checks the upload without writing anything.

    `check` may fill the batch's own fields (the people not found, say). One of `file_refusals` raised by it refuses
    the file whole, its message kept as the batch's file error; any row error refuses the batch too, so that a list
    is imported whole or not at all.
    """
    try:
        checked = check(batch)
    except file_refusals as error:
        batch.status = BatchStatus.REFUSED
        batch.file_error = str(error)
    else:
        batch.rows_total = checked.rows_total
        batch.checked_rows = checked.checked_rows
        batch.row_errors = checked.row_errors
        batch.status = BatchStatus.REFUSED if checked.row_errors else BatchStatus.PREVIEWED
    batch.full_clean()
    batch.save()
    return batch


@transaction.atomic
def batch_confirm(*, batches: "models.QuerySet[Batch]", pk: int, actor: Any, write: Callable[[Batch], None]) -> Batch:
    """Write a previewed batch once: `write` writes its checked rows (raising ValidationError to write none), then
    the batch is marked confirmed by `actor`, all in one transaction.

    `batches` are those the actor may see (their scope): a batch outside it is refused as not found. A batch
    already confirmed, or refused at its check, is refused; a refusal changes nothing.
    """
    batch = batches.select_for_update(of=("self",)).filter(pk=pk).first()
    if batch is None:
        raise ValidationError(batches.model.not_found_message)
    if batch.status == BatchStatus.CONFIRMED:
        raise ValidationError(batch.already_confirmed_message)
    if batch.status != BatchStatus.PREVIEWED:
        raise ValidationError(batch.refused_message)
    if not batch.checked_rows and batch.nothing_to_write_message:
        raise ValidationError(batch.nothing_to_write_message)
    write(batch)
    batch.status = BatchStatus.CONFIRMED
    batch.confirmed_by = actor
    batch.confirmed_at = timezone.now()
    batch.save()
    return batch
