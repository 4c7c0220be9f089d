"""Reading and checking a bulk file in a second process while this one stages what it sends.

The first phase of an import is two kinds of work: parsing and checking every row in Python, and writing the rows to
the stage (COPY on PostgreSQL). Done in one process they take turns; here a forked child reads the file, checks each
row with the kind's row check and encodes a block of rows as the stage takes them (COPY text on PostgreSQL), while
the parent writes the blocks to the stage and reports progress. The child never touches the database: the row
context (a county's division codes) is read by the parent before the fork. The pipe between them holds a few blocks
at most, so memory stays flat whatever the size of the file: a child ahead of the database waits.

What the child raises (an unreadable file, a missing header) is raised again in the parent as the same error, so a
file is refused the same way on either path. Where fork is not available the same loop runs in this process.
"""

import os
import pickle
import struct
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, BinaryIO

from core.tabular import TableReader

from .rules import Column, row_is_blank, row_texts
from .staging import OUTCOME_ERROR, Stage, raw_json

BLOCK_ROWS = 25_000  # rows per COPY block and per progress update
FRAME_HEADER = struct.Struct("!Q")

HeaderFinder = Callable[[Iterator[tuple[int, Sequence[object]]], Sequence[Column]], dict[str, int]]


class ReaderFailed(RuntimeError):
    """The second process stopped without saying why (killed, out of memory), or with an error it could not send."""


def staged_blocks(
    reader: TableReader,
    *,
    stage: Stage,
    columns: Sequence[Column],
    row_check: Callable[..., tuple[tuple[Any, ...] | None, str]],
    context: Mapping[str, object],
    header_find: HeaderFinder,
    block_order: str | None = None,
) -> Iterator[tuple[Any, int, float]]:
    """(a block encoded for `stage.write_encoded`, its rows, the fraction of the file read) for every block of the
    file's data rows, each row checked by `row_check`: a good row's values, or a refused row with its reasons and
    its cells as read. With `block_order` (a text column of the stage), a block's rows are sent in its order, a
    refused row first; each row keeps its line."""
    rows = reader.rows()
    positions = header_find(rows, columns)
    empty = (None,) * len(stage.columns)
    order = stage.written_names.index(block_order) if block_order is not None else None

    def encode(block: list[tuple[Any, ...]]) -> Any:
        if order is not None:
            block = sorted(block, key=lambda row: row[order] or "")
        return stage.encode(block)

    block: list[tuple[Any, ...]] = []
    for line, cells in rows:
        if row_is_blank(cells):
            continue
        values, problem = row_check(cells, positions=positions, **context)
        if values is None:
            block.append((line, OUTCOME_ERROR, problem, raw_json(row_texts(cells, positions, columns)), *empty))
        else:
            block.append((line, None, None, None, *values))
        if len(block) >= BLOCK_ROWS:
            yield encode(block), len(block), reader.fraction_read()
            block = []
    if block:
        yield encode(block), len(block), reader.fraction_read()


def blocks_from_second_process(
    stream: BinaryIO, *, file_name: str, **arguments: Any
) -> Iterator[tuple[Any, int, float]]:
    """The blocks of `staged_blocks`, made by a forked child while the caller writes the ones before."""
    if not hasattr(os, "fork"):
        yield from staged_blocks(TableReader(stream, file_name=file_name), **arguments)
        return
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no database, no logging; it leaves by os._exit, running none of the parent's exit hooks
        os.close(read_end)
        status = 0
        try:
            with os.fdopen(write_end, "wb", buffering=1 << 16) as pipe:
                try:
                    for block in staged_blocks(TableReader(stream, file_name=file_name), **arguments):
                        _frame_write(pipe, ("block", block))
                    _frame_write(pipe, ("end", None))
                except Exception as error:  # sent to the parent, which raises it
                    _frame_write(pipe, ("error", _picklable(error)))
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    finished = False
    try:
        with os.fdopen(read_end, "rb", buffering=1 << 16) as pipe:
            while True:
                message = _frame_read(pipe)
                if message is None:
                    raise ReaderFailed("读取文件的进程意外退出。")
                kind, payload = message
                if kind == "block":
                    yield payload
                elif kind == "error":
                    raise payload
                else:
                    finished = True
                    return
    finally:
        if not finished:
            _child_stop(pid)
        os.waitpid(pid, 0)


def _child_stop(pid: int) -> None:
    """The parent gave up (a refusal, an error of its own): the child is not left writing to a closed pipe."""
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass


def _frame_write(pipe: BinaryIO, message: object) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    pipe.write(FRAME_HEADER.pack(len(data)))
    pipe.write(data)


def _frame_read(pipe: BinaryIO) -> Any:
    header = pipe.read(FRAME_HEADER.size)
    if len(header) < FRAME_HEADER.size:
        return None
    (length,) = FRAME_HEADER.unpack(header)
    data = pipe.read(length)
    if len(data) < length:
        return None
    return pickle.loads(data)  # our own child's frames


def _picklable(error: Exception) -> Exception:
    """The error itself when it survives the pipe (FileUnreadable, HeaderMissing, ValidationError), else its text."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return ReaderFailed("".join(traceback.format_exception_only(type(error), error)).strip())
    return error
