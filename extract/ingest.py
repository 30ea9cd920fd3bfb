"""Batch ingestion: read and extract reports in worker processes, write each in one transaction.

`ingest(paths, db_path)` is the library call behind ``ccas-extract ingest``. Workers read and
extract (`workers.run_tasks`: memory and time limits per document, children that die with the
main process); only the main process writes, one document per transaction, as each result
arrives, and then drops it. An interrupted batch leaves whole documents only and the next run
resumes with what is missing. Every file named or found ends in exactly one count of the summary.

A custom catalogue (`catalogue=` a file) is loaded once, in this process, before anything is
written; the workers, forked after, extract with that object (its matcher, grammar and linker data
built once per worker), and the documents carry its version: a document stored with another
catalogue is stale and extracted again.
"""

from __future__ import annotations

import os
import pickle
import signal
import sqlite3
import threading
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ReportError, StorageError
from .inputs import find_reports, is_report_text
from .reader import sha256_of

if TYPE_CHECKING:
    from .catalogue import Catalogue

DEFAULT_TIMEOUT = 300
DEFAULT_MEMORY_MB = 2048


@dataclass
class IngestResult:
    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (path, same content as)
    not_reports: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (path, reading warning)
    stale: int = 0  # stored by an older extractor or catalogue, extracted again
    stale_left: int = 0  # stored by an older version, their files not among the paths given

    @property
    def skipped(self) -> list[str]:
        """Files not ingested on purpose: unchanged, duplicate content, not reports."""
        return [*self.unchanged, *(p for p, _ in self.duplicates), *(p for p, _ in self.not_reports)]

    @property
    def summary(self) -> str:
        again = (f" (of which {self.stale} re-extracted: made by an older extractor or catalogue)"
                 if self.stale else "")
        left = (f"; {self.stale_left} other stored documents were made by an older extractor or "
                "catalogue: ingest their files again to update them" if self.stale_left else "")
        return (f"{len(self.ingested)} ingested{again}, {len(self.unchanged)} unchanged, "
                f"{len(self.duplicates)} duplicate content, {len(self.not_reports)} not reports, "
                f"{len(self.failed)} failed{left}")


@dataclass(frozen=True)
class Task:
    path: str
    sha256: str
    pdf_reader: str = "pdfium"
    timeout: int = DEFAULT_TIMEOUT
    check_report: bool = False  # found in a folder: skip it when it is not a report
    replace: bool = False  # stored already, by an older extractor or on --force: write again
    catalogue: str = ""  # a custom catalogue file (`extract --catalogue`); "" the packaged one


def _within_limits(work: Callable, args: tuple, timeout: int) -> tuple[str, object]:
    """Run `work(*args)` in this worker under the time limit; a failure is ("error", one line)."""
    from .workers import TimeLimit, call_with_time_limit

    try:
        return call_with_time_limit(work, args, timeout)
    except ReportError as error:
        return "error", error.reason
    except TimeLimit:
        return "error", f"took longer than the {timeout} s limit (--timeout)"
    except MemoryError:
        return "error", "exceeded the memory limit (--memory-mb)"
    except RecursionError:
        return "error", "text too deeply nested to read"
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the batch
        return "error", f"unexpected error: {type(error).__name__}: {error}".splitlines()[0]


def extract_task(task: Task, catalogue: Catalogue | None = None) -> tuple[str, object]:
    """Worker: read and extract one file (with `catalogue`, default the packaged one). Returns
    ("ok", rows), ("not_report", why) or ("error", why)."""
    return _within_limits(_extract, (task, catalogue), task.timeout)


def _extract(task: Task, catalogue: Catalogue | None) -> tuple[str, object]:
    status, payload = _read(task)
    return _rows(payload, catalogue) if status == "ok" else (status, payload)


def _read(task: Task) -> tuple[str, object]:
    from .reader import read_document

    document = read_document(task.path, pdf_reader=task.pdf_reader)
    if task.check_report and document.format != "pdf":
        reason = is_report_text(document.text)
        if reason:
            return "not_report", reason
    if document.sha256 != task.sha256:
        return "error", "file changed while it was being read: run again"
    return "ok", document


def _rows(document, catalogue: Catalogue | None = None) -> tuple[str, object]:
    from .pipeline import process
    from .store import extraction_rows

    return "ok", extraction_rows(process(document, catalogue=catalogue, explain=False))


def _linked_rows(found, catalogue: Catalogue | None = None) -> tuple[str, object]:
    from .pipeline import link
    from .store import extraction_rows

    return "ok", extraction_rows(link(found, catalogue=catalogue, explain=False))


def read_task(task: Task, catalogue: Catalogue | None = None) -> tuple[str, object]:
    """Reader process of a pipelined batch: reads a document and finds its structure (the steps
    before linking, `pipeline.structure`), so that the two processes share the work of a
    document stream. ("ok", pickled Structure), ("not_report", why) or ("error", why). The
    structure stays pickled on its way through the main process: one block of bytes, freed
    whole, where the objects of a document would leave its heap grown."""
    status, payload = _within_limits(_read_structure, (task, catalogue), task.timeout)
    return (status, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)) if status == "ok" \
        else (status, payload)


def _read_structure(task: Task, catalogue: Catalogue | None) -> tuple[str, object]:
    from .pipeline import structure

    status, payload = _read(task)
    return (status, structure(payload, catalogue=catalogue)) if status == "ok" else (status, payload)


def extract_read(item: tuple[Task, str, object],
                 catalogue: Catalogue | None = None) -> tuple[str, object]:
    """Linking worker of a pipelined batch: the rows of the structure `read_task` found (the
    document linked); a reading that failed passes through."""
    task, status, payload = item
    if status == "unread":  # a batch too small to read ahead: read here
        return extract_task(task, catalogue)
    if status != "ok":
        return status, payload
    return _within_limits(lambda pickled: _linked_rows(pickle.loads(pickled), catalogue),  # noqa: S301
                          (payload,), task.timeout)


def _gold_task(task: Task) -> tuple[str, object]:
    return _within_limits(_gold, (task,), task.timeout)


def _gold(task: Task) -> tuple[str, object]:
    from .pipeline import run

    extraction = run(task.path, pdf_reader=task.pdf_reader, catalogue=task.catalogue or None)
    return "ok", (extraction.to_gold_format(), extraction.document.warnings)


def extract_limited(path: str | Path, *, pdf_reader: str = "pdfium",
                    timeout: int = DEFAULT_TIMEOUT,
                    memory_mb: int = DEFAULT_MEMORY_MB,
                    catalogue: str | Path | None = None) -> tuple[dict, list[str]]:
    """One report's gold-format extraction and its reading warnings, in a child process held to
    the time and memory limits (`catalogue`: a custom catalogue file). Raises `ReportError` with
    the reason when it fails."""
    from .workers import run_tasks

    task = Task(str(path), "", pdf_reader, timeout, catalogue=str(catalogue or ""))
    with closing(run_tasks(_gold_task, [task], memory_mb=memory_mb, timeout=timeout)) as results:
        _, (status, payload) = next(iter(results))
    if status != "ok":
        raise ReportError(path, str(payload))
    return payload


def ingest(paths: Iterable[str | Path], db_path: str | Path, *, workers: int | None = None,
           pdf_reader: str = "pdfium", timeout: int = DEFAULT_TIMEOUT,
           memory_mb: int = DEFAULT_MEMORY_MB,
           progress: Callable[[int], object] | None = None,
           on_total: Callable[[int], object] | None = None,
           force: bool = False, catalogue: str | Path | None = None) -> IngestResult:
    """Ingest report files and folders into the SQLite database at `db_path`.

    A file already stored is skipped unless the extractor or catalogue changed since it was
    extracted (it is extracted again), or `force` is set.

    :param workers: worker processes (default: the number of cores)
    :param timeout: seconds allowed per document
    :param memory_mb: address-space limit per worker, in MB
    :param progress: called with 1 after each file
    :param catalogue: a custom catalogue file (default: the packaged catalogue); the database's
        ``catalogue`` table describes it, and documents stored with another one are extracted again
    :raises CatalogueError: the catalogue file is bad (before anything is written)
    :raises StorageError: the database cannot be written (disk full, read-only, not a database)
    """
    from .catalogue import default_catalogue, load_catalogue
    from .versions import current_versions
    from .workers import WorkerPool

    loaded = load_catalogue(catalogue) if catalogue else None
    versions = current_versions(catalogue, loaded)
    result = IngestResult()
    found = find_reports(paths)
    result.failed.extend(found.problems)
    result.not_reports.extend(found.not_reports)
    # Workers start now and load the models while this process opens the database and hashes.
    count = min(workers or os.cpu_count() or 1, max(1, len(found.files)))
    pipelined = _pipelined(count, len(found.files))
    # fork: each worker holds the one catalogue object loaded here, nothing is read again
    function = partial(extract_read if pipelined else extract_task, catalogue=loaded)
    pool = WorkerPool(function, workers=count, memory_mb=memory_mb, timeout=timeout,
                      warm_up=partial(_warm_up, loaded)) if found.files else None
    try:
        return _ingest_found(found, db_path, pool, result, pdf_reader, timeout, progress, on_total,
                             force, pipelined=pipelined, catalogue=loaded or default_catalogue(),
                             versions=versions)
    finally:
        if pool:
            pool.close()


def _warm_up(catalogue: Catalogue | None = None) -> None:
    from .nlp import alias_pipeline, match_aliases
    from .number_grammar import grammar_for
    from .pipeline import process  # noqa: F401 - imports every step

    alias_pipeline()
    if catalogue is not None:  # its own matcher and unit grammar, built once per worker
        match_aliases("", catalogue)
        grammar_for(catalogue)


def _ingest_found(found, db_path, pool, result: IngestResult, pdf_reader: str, timeout: int,
                  progress, on_total, force: bool, *, pipelined: bool, catalogue: Catalogue,
                  versions: dict[str, str]) -> IngestResult:
    from .store import (
        open_db,
        prune_catalogue,
        stale_documents,
        stored_path,
        write_catalogue,
        write_rows_once,
    )
    from .workers import run_ahead

    try:
        db = open_db(db_path)
        write_catalogue(db, catalogue)
    except sqlite3.Error as error:
        raise StorageError(db_path, _storage_reason(error)) from None
    if on_total:
        on_total(len(found.files))
    stale = stale_documents(db, versions)

    def tick() -> None:
        if progress:
            progress(1)

    seen: dict[str, str] = {}  # sha256 -> first path of this batch with it
    todo: list[Task] = []
    for path, from_folder in found.files:
        try:
            digest = sha256_of(path)
        except OSError as error:
            result.failed.append((str(path), f"cannot read file ({error.strerror})"))
            tick()
            continue
        if digest in seen:
            result.duplicates.append((str(path), seen[digest]))
            tick()
            continue
        seen[digest] = str(path)
        stored = stored_path(db, digest)
        if stored == str(path) and (digest in stale or force):
            result.stale += digest in stale  # extracted again, replacing the older rows
            todo.append(Task(str(path), digest, pdf_reader, timeout, check_report=from_folder,
                             replace=True))
        elif stored == str(path):
            result.unchanged.append(str(path))
            tick()
        elif stored is not None:
            result.duplicates.append((str(path), stored))
            tick()
        else:
            todo.append(Task(str(path), digest, pdf_reader, timeout, check_report=from_folder))
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _terminate) if in_main else None
    reading = None
    if pool and pipelined and len(todo) > 1:
        # A reader process reads the next file and finds its structure while the worker links
        # the current one.
        reading = run_ahead(partial(read_task, catalogue=catalogue), todo,
                            memory_mb=pool.memory_mb, timeout=timeout)
        todo = ((task, *result) for task, result in reading)
    elif pool and pipelined:
        todo = [(task, "unread", None) for task in todo]
    try:
        with closing(_unwrapped(pool.run(todo)) if pool else (x for x in ())) as results:
            for task, (status, payload) in results:
                if status == "ok":
                    try:
                        written = write_rows_once(db, *payload, replace=task.replace,
                                                  versions=versions)
                    except sqlite3.Error as error:
                        raise StorageError(db_path, _storage_reason(error)) from None
                    (result.ingested if written else result.unchanged).append(task.path)
                    result.warnings.extend((task.path, w) for w in payload[0]["warnings"].split("; ")
                                           if w)
                elif status == "not_report":
                    result.not_reports.append((task.path, str(payload)))
                else:
                    result.failed.append((task.path, str(payload)))
                del payload
                tick()
        result.stale_left = len(stale_documents(db, versions))
        prune_catalogue(db, catalogue)  # the indicators of documents extracted again
    finally:
        if reading:
            reading.close()  # the reader process is stopped
        if in_main:
            signal.signal(signal.SIGTERM, previous)
        db.close()
    _share_fate_of_originals(result)
    return result


def _pipelined(workers: int, files: int) -> bool:
    """With one worker, several files and a core to spare, a reader process reads the next file
    while the worker extracts the current one (`workers.run_ahead`); with more workers every
    core already reads and extracts."""
    return workers == 1 and files > 1 and (os.cpu_count() or 1) > 1


def _unwrapped(results):
    """(task, result) of the pool, whether its tasks are tasks or (task, reading) items."""
    for item, result in results:
        yield (item[0] if isinstance(item, tuple) else item), result




def _storage_reason(error: sqlite3.Error) -> str:
    reason = str(error)
    if "I/O error" in reason or "disk is full" in reason:
        return f"cannot write the database ({reason}: is the disk full?)"
    return f"cannot write the database ({reason})"


def _share_fate_of_originals(result: IngestResult) -> None:
    """A copy of a file that failed, or is not a report, is reported the same way."""
    failed, not_reports = dict(result.failed), dict(result.not_reports)
    kept = []
    for path, original in result.duplicates:
        if original in failed:
            result.failed.append((path, failed[original]))
        elif original in not_reports:
            result.not_reports.append((path, not_reports[original]))
        else:
            kept.append((path, original))
    result.duplicates = kept


def _terminate(signum, frame):  # pragma: no cover - signal handler
    raise SystemExit(128 + signum)
