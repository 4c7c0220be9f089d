"""The kinds of file the bulk import loads, each registered by the app that owns its data.

bulk runs the job (read, stage, check, report, load under the county lock); what a kind's columns are, how its rows
are checked and how it is written belong to its app, which registers a `BulkLoader` from its AppConfig.ready(). The
kind is the value stored in BulkImportJob.kind.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from divisions.models import Division

from .models import BulkImportJob
from .rules import Column
from .staging import Stage, StageColumn


def _no_row_context(county: Division) -> dict[str, object]:
    return {}


@dataclass(frozen=True)
class BulkLoader:
    columns: tuple[Column, ...]
    stage_columns: tuple[StageColumn, ...]
    row_check: Callable[..., tuple[tuple[Any, ...] | None, str]]
    checks: Callable[..., None]
    report_texts: Callable[[tuple[Any, ...]], list[str]]
    load: Callable[[Stage, BulkImportJob, datetime.datetime], tuple[int, int]]  # (created, updated)
    row_context: Callable[[Division], dict[str, object]] = field(default=_no_row_context)
    # For a kind whose columns or checks depend on the job's own fields (an identity list's department and date):
    # the loader of one job. A ValidationError it raises refuses the job.
    for_job: Callable[["BulkLoader", BulkImportJob], "BulkLoader"] | None = None
    # Checks the upload form's fields of the kind before the job is created; raises ValidationError.
    job_check: Callable[..., None] | None = None
    # What the downloadable template explains under its header.
    template_notes: tuple[str, ...] = ()


# Filled by the apps' ready(); the import service looks kinds up here.
LOADERS: dict[str, BulkLoader] = {}


def register_loader(kind: str, loader: BulkLoader) -> None:
    """Make `kind` importable. Registering a kind twice is a mistake two apps would make silently."""
    if kind in LOADERS and LOADERS[kind] is not loader:
        raise ValueError(f"bulk import kind {kind!r} is already registered")
    LOADERS[kind] = loader
