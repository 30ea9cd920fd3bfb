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

if TYPE_CHECKING:
    import sqlite_utils

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


def _import_sqlite_utils():
    """sqlite-utils, imported here (a worker needs only `extraction_rows`) and without numpy when
    this process has not imported numpy: sqlite-utils imports it only to give numpy scalar types
    a column type, and this store writes Python values only. In the main process of `ingest`,
    numpy cost 0.14 s of CPU beside the worker starting up."""
    import sys

    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        import sqlite_utils

        return sqlite_utils
    sys.modules["numpy"] = None  # type: ignore[assignment] - sqlite-utils' `import numpy` fails
    try:
        import sqlite_utils
    finally:
        if sys.modules.get("numpy", False) is None:
            del sys.modules["numpy"]  # numpy stays importable by whoever needs it
    return sqlite_utils


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database at `path`, in WAL mode, with every table present."""
    sqlite_utils = _import_sqlite_utils()

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(sqlite3.connect(path, timeout=BUSY_TIMEOUT_S))
    with _schema_lock(path):
        db.enable_wal()
        ensure_schema(db)
        ensure_publication_schema(db)
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
    ensure_eval_schema(db)
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


def ensure_eval_schema(db: sqlite_utils.Database) -> None:
    """Create the evaluation tables if they are missing (idempotent)."""
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


def open_evaluation_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) an evaluation database: the evaluation tables only."""
    import sqlite_utils

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.enable_wal()
    ensure_eval_schema(db)
    return db


def write_catalogue(db: sqlite_utils.Database, catalogue: Catalogue) -> None:
    """Make the ``catalogue`` table describe `catalogue`: its indicators written, and those of
    another catalogue dropped unless stored values still refer to them (`prune_catalogue`)."""
    rows = [
        {"id": entry.id, "label": entry.label, "domain": entry.domain, "kind": entry.kind,
         "unit": entry.unit, "units": json.dumps(entry.units, ensure_ascii=False),
         "aliases": json.dumps(entry.aliases, ensure_ascii=False)}
        for entry in catalogue.indicators
    ]
    with write_transaction(db):
        db[CATALOGUE].upsert_all(rows, pk="id")
    prune_catalogue(db, catalogue)


def prune_catalogue(db: sqlite_utils.Database, catalogue: Catalogue) -> None:
    """Drop the ``catalogue`` rows that are not `catalogue`'s and that no stored value refers to
    (a document made with another catalogue keeps the description of its indicators until it is
    extracted again)."""
    ids = [entry.id for entry in catalogue.indicators]
    with write_transaction(db):
        db.execute(f"delete from {CATALOGUE} where id not in (select value from json_each(?)) "
                   f"and id not in (select indicator from {INDICATORS} where indicator is not null)",
                   [json.dumps(ids)])


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
               indicator_rows: list[dict], *, versions: dict[str, str] | None = None) -> None:
    """Write one document's rows (from `extraction_rows`) in a single transaction; `versions`:
    those of the extractor and catalogue that made them (default: the packaged catalogue's)."""
    document_row = {**document_row, **publication_columns(document_row, versions)}
    with db.atomic():
        delete_document(db, path=document_row["path"])
        delete_document(db, doc_id=document_row["id"])
        db[DOCUMENTS].insert(document_row, pk="id")
        insert_rows(db, SECTIONS, section_rows)
        insert_rows(db, INDICATORS, indicator_rows)
        insert_rows(db, SEARCH_INDEX, search_rows(document_row["id"], section_rows))


def insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict]) -> None:
    """Insert `rows` into an existing `table` as plain SQL: the rows of `extraction_rows` hold
    only text, numbers and nulls, which SQLite takes as they are, so sqlite-utils' per-value
    conversions (a third of the main process's time in a batch) have nothing to do."""
    if not rows:
        return
    columns = list(dict.fromkeys(key for row in rows for key in row))
    names = ", ".join(f"[{column}]" for column in columns)
    db.conn.executemany(f"INSERT INTO [{table}] ({names}) VALUES ({', '.join('?' * len(columns))})",
                        [[row.get(column) for column in columns] for row in rows])


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
                    indicator_rows: list[dict], *, replace: bool = False,
                    versions: dict[str, str] | None = None) -> bool:
    """Write one document's rows unless another run stored this content under this path
    meanwhile (or, with `replace`, whatever is stored); return True when written. One
    transaction holding the write lock throughout."""
    with write_transaction(db):
        if not replace and stored_path(db, document_row["sha256"]) == document_row["path"]:
            return False
        write_rows(db, document_row, section_rows, indicator_rows, versions=versions)
    return True


def write_eval_run(db: sqlite_utils.Database, run: dict, items: Iterable[dict]) -> int:
    """Store one evaluation run and the outcome of each of its items; return the run id."""
    with db.atomic():
        run_id = db[EVAL_RUNS].insert(run).last_pk
        db[EVAL_ITEMS].insert_all(({**item, "run_id": run_id} for item in items), pk="id")
    return run_id


# --- Publication: document titles, versions, French search and the chosen-value views ---------

SEARCH_INDEX = "search_index"
PUBLISHED_DOC_TYPES = ("rapport_activite", "article")
WHOLE_ORGANISATION_SCOPES = ("", "total", "ensemble")
SUMMABLE_KINDS = ("count", "amount", "hours")  # catalogue kinds whose values add up


def document_title(row: dict) -> str:
    """What a person calls a report: organisation and report year ("CCAS de Soissons, 2023")."""
    name = row.get("organisation") or row.get("name") or row.get("id") or "?"
    return f"{name}, {row['report_year']}" if row.get("report_year") else name


def publication_columns(document_row: dict, versions: dict[str, str] | None = None) -> dict:
    """The document columns added for publication: title and the versions that made the row
    (`versions`, default those of the packaged catalogue)."""
    from .versions import current_versions

    return {"title": document_title(document_row), **(versions or current_versions())}


def search_rows(document_id: str, section_rows: list[dict]) -> list[dict]:
    """One search-index row per section: its title and text as folded French stems."""
    from .french_search import stem_text

    return [{"section_id": row["id"], "document_id": document_id,
             "title": stem_text(row["title"]), "text": stem_text(row["text"])}
            for row in section_rows]


def ensure_publication_schema(db: sqlite_utils.Database) -> None:
    """Add what publishing needs to a database of any age (idempotent): the document title and
    version columns, the stemmed search index with its FTS5 table, and the views."""
    columns = db[DOCUMENTS].columns_dict
    for column in ("title", "extractor_version", "catalogue_version"):
        if column not in columns:
            db[DOCUMENTS].add_column(column, str)
    db[SEARCH_INDEX].create({"section_id": str, "document_id": str, "title": str, "text": str},
                            pk="section_id", if_not_exists=True)
    if not db[SEARCH_INDEX].detect_fts():
        # remove_diacritics folds what the stemmer left; the stems already make "aides" = "aide"
        db[SEARCH_INDEX].enable_fts(["title", "text"], create_triggers=True,
                                    tokenize="unicode61 remove_diacritics 2")
    db.execute(f"create trigger if not exists {SEARCH_INDEX}_follows_sections after delete on "
               f"{SECTIONS} begin delete from {SEARCH_INDEX} where section_id = old.id; end")
    with db.atomic():
        for row in list(db.query(f"select * from {DOCUMENTS} where title is null")):
            db[DOCUMENTS].update(row["id"], {"title": document_title(row)})
        missing = list(db.query(f"select s.id, s.document_id, s.title, s.text from {SECTIONS} s "
                                f"left join {SEARCH_INDEX} x on x.section_id = s.id "
                                "where x.section_id is null"))
        for row in missing:
            db[SEARCH_INDEX].insert_all(search_rows(row["document_id"], [row]), pk="section_id")
    create_views(db)


def create_views(db: sqlite_utils.Database) -> None:
    """(Re)create the views of chosen values, so that they follow the columns present (the
    optional `role` column of indicators: a NULL or absent role is a plain value)."""
    has_role = "role" in db[INDICATORS].columns_dict
    role = "coalesce(i.role, 'value')" if has_role else "'value'"
    published = " or ".join(f"d.doc_type = '{t}'" for t in PUBLISHED_DOC_TYPES)
    whole = ", ".join(f"'{s}'" for s in WHOLE_ORGANISATION_SCOPES)
    candidates = f"""
        select i.id as valeur_id, d.organisation, d.kind as type_organisation,
          d.id as document_id, d.title as rapport, d.report_year as annee_rapport,
          i.indicator as indicateur, c.label as libelle, c.domain as domaine, c.kind as nature,
          i.year as annee, case when i.value = cast(i.value as integer) and abs(i.value) < 1e15
            then cast(i.value as integer) else i.value end as valeur,
          coalesce(i.unit, c.unit) as unite,
          coalesce(i.scope, '') as portee, i.approx as approximatif, i.confidence as confiance,
          {role} as role, i.page, i.start as position_texte, '/-/evidence/' || i.id as preuve,
          (({published}) and coalesce(d.kind, '') != 'other') as publie
        from {INDICATORS} i join {DOCUMENTS} d on d.id = i.document_id
          join {CATALOGUE} c on c.id = i.indicator
        where i.year is not null and d.organisation is not null"""
    summable = ", ".join(f"'{k}'" for k in SUMMABLE_KINDS)
    # one value per (organisation, indicator, year) among the comparable ones: highest confidence,
    # then exact before approximate, then for counts and amounts the largest (a total is not
    # smaller than its parts), then the newest report, then the first in the text
    rule = ("row_number() over (partition by organisation, indicateur, annee order by "
            f"confiance desc, approximatif asc, case when nature in ({summable}) then -valeur end, "
            "annee_rapport desc, position_texte, valeur_id)")
    count = "count(*) over (partition by organisation, indicateur, annee)"
    views = {
        # every catalogued value with a year, of every document, in French column names
        "valeurs": candidates,
        # the values that may stand for the whole organisation: empty scope or a Total, and a
        # plain value (not a part, share, change, plan or limit)
        "valeurs_comparables": f"""
            select * from valeurs v where lower(v.portee) in ({whole}) and v.role = 'value'""",
        "valeurs_retenues": f"""
            select * from (select v.*, {rule} as rang, {count} as occurrences
              from valeurs_comparables v where v.publie) where rang = 1""",
        "valeurs_retenues_toutes": f"""
            select * from (select v.*, {rule} as rang, {count} as occurrences
              from valeurs_comparables v) where rang = 1""",
    }
    statements = {name: f"CREATE VIEW {name} AS {sql}" for name, sql in views.items()}
    present = dict(db.execute("select name, sql from sqlite_master where type = 'view'").fetchall())
    if all(present.get(name) == sql for name, sql in statements.items()):
        return  # unchanged: a server reading the views never sees them missing
    with db.atomic():
        for name in reversed(statements):  # dependent views first
            db.execute(f"drop view if exists {name}")
        for sql in statements.values():
            db.execute(sql)


def stale_documents(db: sqlite_utils.Database,
                    versions: dict[str, str] | None = None) -> set[str]:
    """The sha256 of stored documents made by another extractor or catalogue version than
    `versions` (default: the current extractor and the packaged catalogue)."""
    from .versions import current_versions

    versions = versions or current_versions()
    return {row["sha256"] for row in db.query(
        f"select sha256 from {DOCUMENTS} where extractor_version is not :extractor_version "
        "or catalogue_version is not :catalogue_version", versions)}
