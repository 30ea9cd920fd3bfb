"""Store: write extractions into SQLite through sqlite-utils. All SQL of the project lives here.

Tables: ``documents``, ``sections`` (FTS5 on title and text), ``indicators``, ``catalogue``,
``eval_runs`` and ``eval_items``. A document is written in one transaction; a file whose sha256 is
already stored is skipped; a file stored under the same path with another sha256 is replaced.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import sqlite_utils

if TYPE_CHECKING:
    from .catalogue import Catalogue
    from .pipeline import Extraction

DOCUMENTS = "documents"
SECTIONS = "sections"
INDICATORS = "indicators"
CATALOGUE = "catalogue"
EVAL_RUNS = "eval_runs"
EVAL_ITEMS = "eval_items"
# Seconds a writer waits for another process's transaction (two ingest runs on one database).
BUSY_TIMEOUT_S = 600


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database at `path`, in WAL mode, with every table present."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(sqlite3.connect(path, timeout=BUSY_TIMEOUT_S))
    with _schema_lock(path):
        db.enable_wal()
        ensure_schema(db)
    return db


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the tables, indexes and full-text index if they are missing (idempotent)."""
    db[CATALOGUE].create(
        {"id": str, "label": str, "domain": str, "kind": str, "unit": str, "units": str,
         "aliases": str},
        pk="id",
        if_not_exists=True,
    )
    db[DOCUMENTS].create(
        {"id": str, "name": str, "path": str, "sha256": str, "format": str, "pages": int,
         "chars": int, "organisation": str, "kind": str, "commune": str, "report_year": int,
         "doc_type": str, "warnings": str, "ingested_at": str},
        pk="id",
        if_not_exists=True,
    )
    db[SECTIONS].create(
        {"id": str, "document_id": str, "position": int, "title": str, "level": int,
         "parent_id": str, "page_start": int, "page_end": int, "start": int, "end": int,
         "text": str},
        pk="id",
        foreign_keys=[("document_id", DOCUMENTS, "id")],
        if_not_exists=True,
    )
    db[INDICATORS].create(
        {"id": str, "document_id": str, "section_id": str, "indicator": str, "label": str,
         "domain": str, "value": float, "unit": str, "year": int, "scope": str, "approx": int,
         "page": int, "start": int, "end": int, "evidence": str, "line_text": str,
         "method": str, "confidence": float},
        pk="id",
        foreign_keys=[("document_id", DOCUMENTS, "id"), ("section_id", SECTIONS, "id"),
                      ("indicator", CATALOGUE, "id")],
        if_not_exists=True,
    )
    db[EVAL_RUNS].create(
        {"id": int, "started_at": str, "git_commit": str, "documents": int, "precision": float,
         "recall": float, "f1": float, "number_recall": float, "section_precision": float,
         "section_recall": float, "metadata_accuracy": float},
        pk="id",
        if_not_exists=True,
    )
    db[EVAL_ITEMS].create(
        {"id": int, "run_id": int, "document": str, "outcome": str, "indicator": str,
         "domain": str, "gold_value": float, "predicted_value": float, "gold_year": int,
         "predicted_year": int, "predicted_indicator": str, "scope": str, "evidence": str,
         "start": int},
        pk="id",
        foreign_keys=[("run_id", EVAL_RUNS, "id")],
        if_not_exists=True,
    )
    for table, columns in [
        (SECTIONS, ["document_id"]),
        (INDICATORS, ["document_id"]),
        (INDICATORS, ["indicator"]),
        (DOCUMENTS, ["path"]),
        (DOCUMENTS, ["sha256"]),
        (EVAL_ITEMS, ["run_id"]),
    ]:
        db[table].create_index(columns, if_not_exists=True)
    if not db[SECTIONS].detect_fts():
        db[SECTIONS].enable_fts(["title", "text"], create_triggers=True, tokenize="unicode61")


def write_catalogue(db: sqlite_utils.Database, catalogue: Catalogue) -> None:
    """Replace the ``catalogue`` table with the loaded catalogue."""
    rows = [
        {"id": entry.id, "label": entry.label, "domain": entry.domain, "kind": entry.kind,
         "unit": entry.unit, "units": json.dumps(entry.units, ensure_ascii=False),
         "aliases": json.dumps(entry.aliases, ensure_ascii=False)}
        for entry in catalogue.indicators
    ]
    with write_transaction(db):
        db[CATALOGUE].upsert_all(rows, pk="id")


def document_id(sha256: str) -> str:
    return sha256[:16]


def delete_document(db: sqlite_utils.Database, *, path: str | None = None,
                    doc_id: str | None = None) -> None:
    """Delete a document and its rows, by path or by id."""
    where, args = ("path = ?", [path]) if path is not None else ("id = ?", [doc_id])
    ids = [row["id"] for row in db[DOCUMENTS].rows_where(where, args)]
    for found in ids:
        db[INDICATORS].delete_where("document_id = ?", [found])
        db[SECTIONS].delete_where("document_id = ?", [found])
        db[DOCUMENTS].delete_where("id = ?", [found])


def extraction_rows(extraction: Extraction) -> tuple[dict, list[dict], list[dict]]:
    """Given an extraction, return its document row, section rows and indicator rows."""
    document = extraction.document
    doc_id = document_id(document.sha256)
    meta = extraction.metadata
    document_row = {
        "id": doc_id, "name": document.name, "path": document.path, "sha256": document.sha256,
        "format": document.format, "pages": len(document.pages), "chars": len(document.text),
        "organisation": meta.organisation, "kind": meta.kind, "commune": meta.commune,
        "report_year": meta.report_year, "doc_type": meta.doc_type,
        "warnings": "; ".join(document.warnings),
        "ingested_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    section_rows = [
        {"id": f"{doc_id}:s{index}", "document_id": doc_id, "position": index,
         "title": section.title, "level": section.level,
         "parent_id": f"{doc_id}:s{section.parent}" if section.parent is not None else None,
         "page_start": section.page_start, "page_end": section.page_end,
         "start": section.start, "end": section.end, "text": section.text}
        for index, section in enumerate(extraction.sections)
    ]
    indicator_rows = [
        {"id": f"{doc_id}:v{index}", "document_id": doc_id,
         "section_id": f"{doc_id}:s{value.section_index}"
         if value.section_index is not None else None,
         "indicator": value.indicator, "label": value.label, "domain": value.domain,
         "value": value.value, "unit": value.unit, "year": value.year, "scope": value.scope,
         "approx": int(value.approx), "page": value.page, "start": value.start, "end": value.end,
         "evidence": value.evidence, "line_text": value.line_text, "method": value.method,
         "confidence": value.confidence}
        for index, value in enumerate(extraction.indicators)
    ]
    return document_row, section_rows, indicator_rows


def write_extraction(db: sqlite_utils.Database, extraction: Extraction) -> None:
    """Write one document's rows in a single transaction, replacing an older version of it."""
    write_rows(db, *extraction_rows(extraction))


def write_rows(db: sqlite_utils.Database, document_row: dict, section_rows: list[dict],
               indicator_rows: list[dict]) -> None:
    """Write one document's rows (from `extraction_rows`) in a single transaction."""
    with db.atomic():
        delete_document(db, path=document_row["path"])
        delete_document(db, doc_id=document_row["id"])
        db[DOCUMENTS].insert(document_row, pk="id")
        if section_rows:
            db[SECTIONS].insert_all(section_rows, pk="id")
        if indicator_rows:
            db[INDICATORS].insert_all(indicator_rows, pk="id")


@contextmanager
def _schema_lock(path: Path) -> Iterator[None]:
    """Serialise schema creation between processes opening one new database at once."""
    import fcntl

    with open(f"{path}-lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[None]:
    """A transaction that takes the write lock at once (``BEGIN IMMEDIATE``), waiting up to
    `BUSY_TIMEOUT_S` for another writer, so that two processes never fail with "locked"."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.rollback()
        raise
    db.execute("COMMIT")


def stored_path(db: sqlite_utils.Database, sha256: str) -> str | None:
    """The path of the stored document with this content, or None (indexed on sha256)."""
    row = db.execute("select path from documents where sha256 = ? limit 1", [sha256]).fetchone()
    return row[0] if row else None


def write_rows_once(db: sqlite_utils.Database, document_row: dict, section_rows: list[dict],
                    indicator_rows: list[dict]) -> bool:
    """Write one document's rows unless another run stored this content under this path
    meanwhile; return True when written. One transaction holding the write lock throughout."""
    with write_transaction(db):
        if stored_path(db, document_row["sha256"]) == document_row["path"]:
            return False
        write_rows(db, document_row, section_rows, indicator_rows)
    return True


def write_eval_run(db: sqlite_utils.Database, run: dict, items: Iterable[dict]) -> int:
    """Store one evaluation run and the outcome of each of its items; return the run id."""
    with db.atomic():
        run_id = db[EVAL_RUNS].insert(run).last_pk
        db[EVAL_ITEMS].insert_all(({**item, "run_id": run_id} for item in items), pk="id")
    return run_id
