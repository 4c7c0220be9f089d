"""An uploaded file kept between its preview and its confirmation, and the shape of a refused row."""

import datetime
import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from core.tabular import cell_text

# --- The uploaded file between preview and confirm ----------------------------------------------------------------


@dataclass(frozen=True)
class StagedUpload:
    """An uploaded file kept on the server between its preview and its confirmation.

    Why a file and not the checked rows: a province list may hold tens of thousands of people, too many for the
    session or the cache. The upload is written under MEDIA_ROOT/uninsured_uploads/ with a random token for a
    name; the session keeps only this small record (token, stored name, SHA-256). Confirming reads the file
    again, refuses it when it has vanished or changed (its SHA-256 no longer matches), checks every row again and
    writes exactly the rows the preview showed: the same bytes and the same checks give the same rows, and a row
    that has become wrong in the meantime (someone added the person) is refused rather than written. The file is
    deleted once confirmed; files left behind by abandoned previews are removed, once a day old, the next time a
    file is staged.
    """

    token: str
    file_name: str
    stored_name: str
    sha256: str

    def as_session(self) -> dict[str, str]:
        return {
            "token": self.token,
            "file_name": self.file_name,
            "stored_name": self.stored_name,
            "sha256": self.sha256,
        }

    @classmethod
    def from_session(cls, data: dict[str, str]) -> "StagedUpload":
        return cls(
            token=data["token"], file_name=data["file_name"], stored_name=data["stored_name"], sha256=data["sha256"]
        )


UPLOAD_DIRECTORY = "uninsured_uploads"
UPLOAD_KEPT_FOR = datetime.timedelta(days=1)
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(xlsx|csv|bin)$")


def _upload_storage() -> FileSystemStorage:
    return FileSystemStorage(location=Path(settings.MEDIA_ROOT) / UPLOAD_DIRECTORY)


def uninsured_upload_stage(*, file_name: str, content: bytes) -> StagedUpload:
    """Keep an upload until it is confirmed (see StagedUpload); forget those abandoned more than a day ago."""
    storage = _upload_storage()
    _uploads_expire(storage=storage, before=timezone.now() - UPLOAD_KEPT_FOR)
    token = secrets.token_hex(16)
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    stored_name = storage.save(f"{token}.{extension if extension in ('xlsx', 'csv') else 'bin'}", ContentFile(content))
    return StagedUpload(
        token=token, file_name=file_name[:255], stored_name=stored_name, sha256=hashlib.sha256(content).hexdigest()
    )


def uninsured_upload_content(*, staged: StagedUpload) -> bytes:
    """The bytes of a staged upload, as previewed; refused when the file has vanished or changed."""
    storage = _upload_storage()
    if not STORED_NAME.match(staged.stored_name) or not storage.exists(staged.stored_name):
        raise ValidationError("上传的文件已失效（超过一天或已导入），请重新上传。")
    with storage.open(staged.stored_name, "rb") as stored:
        content: bytes = stored.read()
    if hashlib.sha256(content).hexdigest() != staged.sha256:
        raise ValidationError("上传的文件在预览后被改动，请重新上传并预览。")
    return content


def uninsured_upload_discard(*, staged: StagedUpload) -> None:
    storage = _upload_storage()
    if STORED_NAME.match(staged.stored_name):
        storage.delete(staged.stored_name)


def _uploads_expire(*, storage: FileSystemStorage, before: datetime.datetime) -> None:
    if not Path(storage.location).is_dir():
        return
    for name in storage.listdir("")[1]:
        if STORED_NAME.match(name) and storage.get_modified_time(name) < before:
            storage.delete(name)


def row_error(row: dict[str, object], columns: dict[str, tuple[str, ...]], messages: list[str]) -> dict[str, Any]:
    """A refused row of an uploaded file as the preview shows it: its row number, its cells, the reasons."""
    return {
        "row": row["行号"],
        "values": {column: cell_text(row[column]) for column in columns if column in row},
        "errors": messages,
    }
