"""Batch ingestion: read and extract reports in worker processes, write each in one transaction.

`ingest(paths, db_path)` is the library call behind ``ccas-extract ingest``. Workers read and
extract; only the main process writes, one document per transaction, so an interrupted batch
leaves whole documents only and the next run resumes with what is missing.
"""

from __future__ import annotations

import os
import resource
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ReportError
from .reader import SUPPORTED_SUFFIXES, sha256_of

DEFAULT_TIMEOUT = 300
DEFAULT_MEMORY_MB = 2048


@dataclass
class IngestResult:
    ingested: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    stale: int = 0  # stored by an older extractor or catalogue, extracted again
    stale_left: int = 0  # stored by an older version, their files not among the paths given

    @property
    def summary(self) -> str:
        again = (f" (of which {self.stale} re-extracted: made by an older extractor or catalogue)"
                 if self.stale else "")
        left = (f"; {self.stale_left} other stored documents were made by an older extractor or "
                "catalogue: ingest their files again to update them" if self.stale_left else "")
        return (f"{len(self.ingested)} ingested{again}, {len(self.skipped)} skipped (unchanged), "
                f"{len(self.failed)} failed{left}")


def find_reports(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand files and folders into report files; return them and the paths that are not."""
    found: list[Path] = []
    problems: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            reports = sorted(p for p in path.rglob("*")
                             if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            if not reports:
                allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
                problems.append((str(path), f"folder has no reports ({allowed})"))
            found.extend(reports)
        elif path.is_file():
            found.append(path)
        else:
            problems.append((str(path), "no such file or folder"))
    return found, problems


class _TimeLimit(Exception):
    pass


def _on_alarm(signum, frame):  # pragma: no cover - signal handler
    raise _TimeLimit()


def _limit_memory(memory_mb: int) -> None:
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def extract_one(path: str, pdf_reader: str = "pdfium", timeout: int = DEFAULT_TIMEOUT):
    """Worker task: read and extract one file. Returns ("ok", rows) or ("error", reason)."""
    from .pipeline import run
    from .store import extraction_rows

    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(timeout)
    try:
        extraction = run(path, pdf_reader=pdf_reader)
        return "ok", extraction_rows(extraction)
    except ReportError as error:
        return "error", error.reason
    except _TimeLimit:
        return "error", f"took longer than the {timeout} s limit per document"
    except MemoryError:
        return "error", "exceeded the memory limit per document"
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the batch
        return "error", f"unexpected error: {type(error).__name__}: {error}".splitlines()[0]
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _worker_init(memory_mb: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C
    _limit_memory(memory_mb)


def _results(paths: list[Path], workers: int, pdf_reader: str, timeout: int,
             memory_mb: int) -> Iterator[tuple[Path, tuple[str, object]]]:
    if workers <= 1:
        for path in paths:
            yield path, extract_one(str(path), pdf_reader, timeout)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_worker_init,
                             initargs=(memory_mb,)) as pool:
        futures = {pool.submit(extract_one, str(p), pdf_reader, timeout): p for p in paths}
        pending = dict(futures)
        from concurrent.futures import FIRST_COMPLETED, wait

        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    path = pending.pop(future)
                    try:
                        yield path, future.result()
                    except Exception as error:  # noqa: BLE001 - a worker killed by the OS
                        yield path, ("error", f"worker failed ({type(error).__name__})")
        finally:
            for future in pending:
                future.cancel()


def ingest(paths: Iterable[str | Path], db_path: str | Path, *, workers: int | None = None,
           pdf_reader: str = "pdfium", timeout: int = DEFAULT_TIMEOUT,
           memory_mb: int = DEFAULT_MEMORY_MB,
           progress: Callable[[int], object] | None = None,
           on_total: Callable[[int], object] | None = None,
           force: bool = False) -> IngestResult:
    """Ingest report files and folders into the SQLite database at `db_path`.

    A file already stored is skipped unless the extractor or catalogue changed since it was
    extracted (it is extracted again), or `force` is set.

    :param workers: worker processes (default: the number of cores)
    :param timeout: seconds allowed per document
    :param memory_mb: address-space limit per worker, in MB
    :param progress: called with 1 after each file
    """
    from .catalogue import default_catalogue
    from .store import is_stored, open_db, stale_documents, write_catalogue, write_rows

    result = IngestResult()
    files, problems = find_reports(paths)
    result.failed.extend(problems)
    db = open_db(db_path)
    write_catalogue(db, default_catalogue())
    todo = []
    stale = stale_documents(db)
    for path in files:
        sha256 = sha256_of(path) if path.stat().st_size else None
        if sha256 in stale or (force and sha256 and is_stored(db, sha256)):
            result.stale += sha256 in stale
            todo.append(path)
        elif path.suffix.lower() in SUPPORTED_SUFFIXES and sha256 and is_stored(db, sha256):
            result.skipped.append(str(path))
            if progress:
                progress(1)
        else:
            todo.append(path)
    if on_total:
        on_total(len(files))
    workers = workers or os.cpu_count() or 1
    for path, (status, payload) in _results(todo, min(workers, max(1, len(todo))), pdf_reader,
                                            timeout, memory_mb):
        if status == "ok":
            write_rows(db, *payload)
            result.ingested.append(str(path))
        else:
            result.failed.append((str(path), str(payload)))
        if progress:
            progress(1)
    result.stale_left = len(stale_documents(db))
    db.close()
    return result
