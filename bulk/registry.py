"""The kinds of file the bulk import loads, each registered by the app that owns its data.

bulk runs the job (read, stage, check, report, load under the county lock); what a kind's columns are, how its rows
are checked and how it is written belong to its app, which registers a `BulkLoader` from its AppConfig.ready(). The
kind is the value stored in BulkImportJob.kind.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django import forms

from divisions.models import Division

from .models import BulkImportJob
from .rules import Column
from .staging import Stage, StageColumn


def _no_row_context(county: Division) -> dict[str, object]:
    return {}


def _no_text(parameters: Mapping[str, Any]) -> str:
    return ""


@dataclass(frozen=True)
class BulkLoader:
    columns: tuple[Column, ...]
    stage_columns: tuple[StageColumn, ...]
    row_check: Callable[..., tuple[tuple[Any, ...] | None, str]]
    checks: Callable[..., None]
    report_texts: Callable[[tuple[Any, ...]], list[str]]
    load: Callable[[Stage, BulkImportJob, datetime.datetime], tuple[int, int]]  # (created, updated)
    row_context: Callable[[Division], dict[str, object]] = field(default=_no_row_context)
    # For a kind whose columns or checks depend on the job's parameters (an identity list's department and date):
    # the loader of one job. A ValidationError it raises refuses the job.
    for_job: Callable[["BulkLoader", BulkImportJob], "BulkLoader"] | None = None
    # Whether the file may be loaded block by block as it is read, `checks` running once on the whole file after the
    # last block (bulk.services, PostgreSQL, a confirmed file): true when a row's load depends on no other row of the
    # file, and a row that `checks` refuse is either left untouched by `load` or makes it fail, so that `checks` run
    # after the load refuse what they would have refused before it. The whole transaction is then rolled back.
    loads_in_blocks: bool = False
    # A text column of the stage by which each block's rows are sent in order (bulk.reading sorts them in the reading
    # process): a load that writes a block in the order of a unique index then walks that index page by page, and
    # PostgreSQL need not sort the block itself.
    block_order: str | None = None
    # The tables `load` writes whose statistics PostgreSQL refreshes at once after a load of many rows
    # (BULK_ANALYZE_AFTER_ROWS): until autovacuum comes round, a county's first import leaves the planner believing
    # the registry is empty, and a search right after it reads the table through.
    analyzed_tables: tuple[str, ...] = ()
    # The upload form's own fields of the kind, by name (an identity list's department and date), shown for this kind
    # only; their values are the job's parameters.
    form_fields: Callable[[], dict[str, forms.Field]] | None = None
    # Checks the kind's parameters and the right to import it before the job is created, called with
    # (actor=, county=, parameters=): returns the parameters to keep on the job (JSON values) or raises
    # ValidationError keyed by the form's field names. A kind without it keeps no parameters.
    parameters_check: Callable[..., dict[str, Any]] | None = None
    # The job's parameters as its page heads them, and as the list of jobs shows them.
    parameters_heading: Callable[[Mapping[str, Any]], str] = field(default=_no_text)
    parameters_in_list: Callable[[Mapping[str, Any]], str] = field(default=_no_text)
    # What the downloadable template explains under its header.
    template_notes: tuple[str, ...] = ()


# Filled by the apps' ready(); the import service looks kinds up here.
LOADERS: dict[str, BulkLoader] = {}


def register_loader(kind: str, loader: BulkLoader) -> None:
    """Make `kind` importable. Registering a kind twice is a mistake two apps would make silently."""
    if kind in LOADERS and LOADERS[kind] is not loader:
        raise ValueError(f"bulk import kind {kind!r} is already registered")
    LOADERS[kind] = loader
