"""``ccas-extract``: each command parses its options, makes one library call and prints the result."""

from __future__ import annotations

import atexit
import gc
import json
import os
import sys
from pathlib import Path

import click

from .errors import CatalogueError, GoldError, ReportError, StorageError
from .paths import DEFAULT_DB

DB_OPTION = click.option("--db", "db_path", type=click.Path(dir_okay=False), default=str(DEFAULT_DB),
                         show_default=True, help="SQLite database file")
CATALOGUE_OPTION = click.option(
    "--catalogue", "catalogue_path", type=click.Path(dir_okay=False), default=None,
    help="a custom catalogue YAML; its `linker:` section names its vetoes, roles and weights "
    "files [default: the packaged schemas/indicators.yaml]")


def _catalogue(catalogue_path):
    """The catalogue of `--catalogue` (None: the packaged one); a bad file is one error line."""
    if catalogue_path is None:
        return None
    from .catalogue import load_catalogue

    try:
        return load_catalogue(catalogue_path)
    except CatalogueError as error:
        raise click.ClickException(str(error)) from None


@click.group()
@click.version_option(package_name="ccas-extract")
def cli() -> None:
    """Turn CCAS / CIAS activity reports into structured, comparable data."""
    _no_collection_at_exit()


def _no_collection_at_exit() -> None:
    """As a command ends, Python's last garbage collection walks every object of the process
    (pydantic's, spaCy's, sqlite-utils'): 0.05-0.1 s of each command, for memory the system takes
    back anyway. Objects are still released as their last reference goes; what is skipped is only
    the search for unreachable reference cycles, once the files and databases of the command are
    closed. Registered first, so it runs after every other exit handler."""
    if not getattr(_no_collection_at_exit, "registered", False):
        atexit.register(gc.freeze)
        _no_collection_at_exit.registered = True  # type: ignore[attr-defined]


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@DB_OPTION
@click.option("--workers", type=int, default=None, help="worker processes [default: cores]")
@click.option("--pdf-reader", type=click.Choice(["pdfium", "pdfplumber"]), default="pdfium",
              show_default=True)
@click.option("--timeout", type=int, default=300, show_default=True,
              help="seconds allowed per document")
@click.option("--memory-mb", type=int, default=2048, show_default=True,
              help="memory limit per worker")
@click.option("--quiet", is_flag=True, help="no progress bar")
@click.option("--force", is_flag=True, help="extract again files already stored, even unchanged")
@CATALOGUE_OPTION
def ingest(paths, db_path, workers, pdf_reader, timeout, memory_mb, quiet, force, catalogue_path):
    """Ingest report files and folders (PDF, .txt, .md) into the database.

    Documents stored with another catalogue (or extractor) are extracted again.

    Example:

        ccas-extract ingest corpus/ --db data/rapports.db
        ccas-extract ingest reports/ --catalogue my_catalogue.yaml
    """
    from .ingest import ingest as run_ingest

    _catalogue(catalogue_path)  # a bad file is one line, before the database is opened

    bars = []  # the progress bar, made once the workers have started (tqdm: 20 ms of start-up)

    def set_total(total: int) -> None:
        from tqdm import tqdm

        bars.append(tqdm(total=total, unit="doc", disable=quiet or None, file=sys.stderr))

    def advance(count: int) -> None:
        for bar in bars:
            bar.update(count)

    try:
        result = run_ingest(paths, db_path, workers=workers, pdf_reader=pdf_reader,
                            timeout=timeout, memory_mb=memory_mb, progress=advance,
                            on_total=set_total, force=force, catalogue=catalogue_path)
    except StorageError as error:
        for bar in bars:
            bar.close()
        raise click.ClickException(f"{error}: nothing more was written; documents already "
                                   "stored are whole (fix it and run the same command again)") from None
    for bar in bars:
        bar.close()
    for path, reason in result.failed:
        click.echo(f"Error: {path}: {reason}", err=True)
    for path, reason in result.not_reports:
        click.echo(f"Skipped: {path}: {reason}", err=True)
    for path, warning in result.warnings:
        click.echo(f"Warning: {path}: {warning}", err=True)
    click.echo(result.summary)
    named = {str(Path(p)) for p in paths}
    named_failed = any(path in named for path, _ in result.failed)
    nothing = not (result.ingested or result.unchanged or result.duplicates)
    if named_failed or nothing:
        sys.exit(1)


@cli.command()
@click.argument("path", type=click.Path())
@click.option("--pdf-reader", type=click.Choice(["pdfium", "pdfplumber"]), default="pdfium")
@click.option("--catalogued-only", is_flag=True, help="leave out uncatalogued quantities")
@click.option("--timeout", type=int, default=300, show_default=True, help="seconds allowed")
@click.option("--memory-mb", type=int, default=2048, show_default=True, help="memory limit")
@click.option("--explain", is_flag=True, help="print, for each number, its role, candidates, "
              "their features and scores, and why the winner won (text, not JSON; no limits)")
@CATALOGUE_OPTION
def extract(path, pdf_reader, catalogued_only, timeout, memory_mb, explain, catalogue_path):
    """Print one report's extraction as a gold-format JSON object.

    Example:

        ccas-extract extract corpus/000_29a8765a0cd6bbb0.txt > out.json
        ccas-extract extract corpus/000_29a8765a0cd6bbb0.txt --explain
        ccas-extract extract report.pdf --catalogue my_catalogue.yaml
    """
    from .ingest import extract_limited

    catalogue = _catalogue(catalogue_path)  # checked here: a bad file is named once, not per child
    if explain:
        return _explain(path, pdf_reader, catalogued_only, catalogue)
    try:
        data, warnings = extract_limited(path, pdf_reader=pdf_reader, timeout=timeout,
                                         memory_mb=memory_mb, catalogue=catalogue_path)
    except ReportError as error:
        raise click.ClickException(str(error)) from None
    for warning in warnings:  # on stderr: the JSON on stdout stays whole for scripts
        click.echo(f"Warning: {path}: {warning}", err=True)
    if catalogued_only:
        data["indicators"] = [i for i in data["indicators"] if i["indicator"]]
    click.echo(json.dumps(data, ensure_ascii=False, indent=1))


def _explain(path, pdf_reader: str, catalogued_only: bool, catalogue=None) -> None:
    """`extract --explain`: each value, its role, and why its indicator won (in this process)."""
    from .pipeline import run

    try:
        extraction = run(path, pdf_reader=pdf_reader, catalogue=catalogue)
    except ReportError as error:
        raise click.ClickException(str(error)) from None
    for value in extraction.indicators:
        if catalogued_only and not value.indicator:
            continue
        click.echo(f"p.{value.page} {value.evidence!r} → {value.indicator or '-'} "
                   f"(role {value.role}, year {value.year}) | {value.line_text[:90]}")
        click.echo(f"    {value.explain}")


@cli.command()
@click.option("--gold", "gold_dir", type=click.Path(file_okay=False), default="gold",
              show_default=True)
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False), default="corpus",
              show_default=True)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@click.option("--errors", is_flag=True, help="list every miss and false positive")
@click.option("--min-f1", type=float, default=None, help="exit 1 when micro F1 is below this")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None,
              help="also store the run in this database (eval_runs, eval_items)")
@click.option("--cv", is_flag=True, help="leave one document out: fit the linker's weights on the "
              "other documents and score each one (needs the `train` extra)")
@CATALOGUE_OPTION
def evaluate(gold_dir, corpus_dir, as_json, errors, min_f1, db_path, cv, catalogue_path):
    """Score the extraction against the gold annotations.

    Example:

        ccas-extract evaluate --errors --min-f1 0.5
        ccas-extract evaluate --cv
    """
    from .evaluate import evaluate as run_evaluate
    from .evaluate import evaluation_db_path, format_report, store_report

    for folder, option in [(gold_dir, "--gold"), (corpus_dir, "--corpus")]:
        if not Path(folder).is_dir():
            raise click.ClickException(f"{Path(folder).resolve()}: no such folder (run from the "
                                       f"project folder, or pass {option})")
    catalogue = _catalogue(catalogue_path)
    if cv:
        return _evaluate_cv(gold_dir, corpus_dir, as_json, errors, min_f1, catalogue)
    try:
        report = run_evaluate(gold_dir, corpus_dir, catalogue=catalogue)
    except (GoldError, CatalogueError, ReportError) as error:
        raise click.ClickException(str(error)) from None
    if not report.documents:
        raise click.ClickException(f"{gold_dir}: no gold files (*.json)")
    if db_path:
        import sqlite3

        try:
            target = evaluation_db_path(db_path)
            store_report(report, target)
        except sqlite3.DatabaseError as error:
            raise click.ClickException(f"{db_path}: not a usable database ({error})") from None
        if target != Path(db_path):
            click.echo(f"Note: {db_path} holds reports; the evaluation run is stored in {target} "
                       "(served beside it by ccas-extract serve)", err=True)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(format_report(report, errors=errors))
    if min_f1 is not None and report.total.f1 < min_f1:
        click.echo(f"Error: micro F1 {report.total.f1:.3f} is below --min-f1 {min_f1}", err=True)
        sys.exit(1)


def _evaluate_cv(gold_dir, corpus_dir, as_json, errors, min_f1, catalogue=None):
    """`evaluate --cv`: the leave-one-document-out report, with the in-sample F1 beside it."""
    from .evaluate import format_report

    train_module = _train_module()
    try:
        documents = train_module.prepare(gold_dir, corpus_dir, catalogue=catalogue)
    except (GoldError, CatalogueError, ReportError) as error:
        raise click.ClickException(str(error)) from None
    if not documents:
        raise click.ClickException(f"{gold_dir}: no gold files (*.json)")
    report = train_module.cross_validate(documents)
    inside = train_module.in_sample(documents, train_module.fit(documents))
    in_sample = train_module.f1_by_document(inside)
    if as_json:
        click.echo(json.dumps({**report.as_dict(), "in_sample_f1": in_sample}, ensure_ascii=False,
                              indent=1))
    else:
        click.echo("leave one document out (weights fitted on the other documents):")
        click.echo(format_report(report, errors=errors))
        click.echo("\nF1 left out / in sample (fitted on every document):")
        for doc in report.documents:
            click.echo(f"  {doc.document[:32]:32} {doc.counts.f1:6.3f} {in_sample[doc.document]:6.3f}")
        click.echo(f"  {'micro':32} {report.total.f1:6.3f} {in_sample['micro']:6.3f}")
    if min_f1 is not None and report.total.f1 < min_f1:
        click.echo(f"Error: micro F1 {report.total.f1:.3f} is below --min-f1 {min_f1}", err=True)
        sys.exit(1)


def _train_module():
    try:
        from .linking import train
    except ModuleNotFoundError as error:  # scikit-learn is imported when fitting
        raise click.ClickException(f"{error.name}: install the train extra "
                                   "(pip install -e '.[train]')") from None
    try:
        import sklearn  # noqa: F401
    except ModuleNotFoundError:
        raise click.ClickException("scikit-learn is missing: install the train extra "
                                   "(pip install -e '.[train]')") from None
    return train


@cli.command()
@click.option("--gold", "gold_dir", type=click.Path(file_okay=False), default="gold",
              show_default=True)
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False), default="corpus",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="weights file to write [default: schemas/linker_weights.json, read by extract]")
@click.option("--no-cv", is_flag=True, help="skip the leave-one-document-out scores")
@CATALOGUE_OPTION
def train(gold_dir, corpus_dir, output, no_cv, catalogue_path):
    """Fit the linker's weights on the gold files (logistic regression) and write them.

    Example:

        ccas-extract train
        ccas-extract train --catalogue my.yaml   # writes the weights file its linker: names
    """
    from .catalogue import LINKER_FILES

    catalogue = _catalogue(catalogue_path)
    if catalogue and not output and catalogue.linker.weights == LINKER_FILES["weights"]:
        raise click.ClickException(f"{catalogue_path}: names no weights file in its linker: "
                                   "section; name one there or give -o FILE")
    train_module = _train_module()
    try:
        weights, inside, held_out = train_module.train(gold_dir, corpus_dir, output=output,
                                                       with_cv=not no_cv, catalogue=catalogue)
    except (GoldError, CatalogueError, ReportError) as error:
        raise click.ClickException(str(error)) from None
    written = output or (catalogue.linker.weights if catalogue else "schemas/linker_weights.json")
    click.echo(f"wrote {written}: {weights.source}, "
               f"threshold {weights.threshold}")
    for name, scores in weights.scores.items():
        click.echo(f"{name}: " + "  ".join(f"{doc[:3]} {f1:.3f}" for doc, f1 in scores.items()))
    strongest = sorted(weights.features.items(), key=lambda item: -abs(item[1]))[:8]
    click.echo("largest weights: " + ", ".join(f"{k} {v:+.2f}" for k, v in strongest))


@cli.group()
def gold():
    """Draft and check gold annotation files."""


@gold.command("draft")
@click.argument("path", type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="file to write [default: gold/<document stem>.json]")
@CATALOGUE_OPTION
def gold_draft(path, output, catalogue_path):
    """Write a draft gold file for a new report, from the extraction, to correct by hand.

    Example:

        ccas-extract gold draft corpus/new_report.txt
    """
    from .gold import draft_gold
    from .pipeline import run

    catalogue = _catalogue(catalogue_path)
    try:
        data = draft_gold(run(path, catalogue=catalogue))
    except ReportError as error:
        raise click.ClickException(str(error)) from None
    target = Path(output or Path("gold") / (Path(path).stem + ".json"))
    if target.exists():
        raise click.ClickException(f"{target}: already exists (use -o to write elsewhere)")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    click.echo(f"wrote {target.resolve()}: {len(data['indicators'])} indicators, "
               f"{len(data['sections'])} sections to check")


@gold.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False), default=None)
@CATALOGUE_OPTION
def gold_check(paths, corpus_dir, catalogue_path):
    """Validate gold files against the catalogue and their document's text.

    Example:

        ccas-extract gold check gold/*.json
        ccas-extract gold check my_gold/*.json --catalogue my_catalogue.yaml
    """
    from .gold import load_gold

    catalogue = _catalogue(catalogue_path)
    failed = False
    for path in paths:
        try:
            gold = load_gold(path, corpus_dir=corpus_dir, catalogue=catalogue)
            click.echo(f"{path}: ok ({len(gold.indicators)} indicators)")
        except GoldError as error:
            failed = True
            for problem in error.problems:
                click.echo(f"Error: {path}: {problem}", err=True)
    if failed:
        sys.exit(1)


@cli.command()
@DB_OPTION
@click.option("--port", type=int, default=8001, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--immutable", is_flag=True, help="serve a fixed snapshot (faster; the file must "
              "not be written while served, and new documents appear after a restart)")
@click.option("--live", is_flag=True, hidden=True, help="the default now: read-only, follows "
              "an ingestion in progress")
def serve(db_path, port, host, immutable, live):
    """Serve the database with Datasette and the project's configuration (datasette/).

    The file is opened read-only: documents ingested while it runs appear on the next page load.
    An evaluation database beside it (evaluation.db, from evaluate --db) is served too.

    Example:

        ccas-extract serve --db data/rapports.db --port 8001
    """
    from .publish import datasette_command

    if not Path(db_path).is_file():
        raise click.ClickException(f"{db_path}: no such database (run ccas-extract ingest first)")
    _prepare_for_serving(db_path)
    command = datasette_command(db_path, port=port, host=host, immutable=immutable and not live)
    click.echo(f"Serving {db_path} on http://{host}:{port}/"
               + (" (snapshot: restart to show documents ingested later)" if immutable else ""),
               err=True)
    os.execvp(command[0], command)


def _prepare_for_serving(db_path: str) -> None:
    """Bring a database made by an older version up to date (titles, search index, views)."""
    import sqlite3

    from .store import open_db

    try:
        open_db(db_path).close()
    except sqlite3.OperationalError as error:
        if "locked" not in str(error):  # an ingestion is writing: it brings the schema up to date
            raise click.ClickException(f"{db_path}: not a usable database ({error})") from None
    except sqlite3.DatabaseError as error:
        raise click.ClickException(f"{db_path}: not a usable database ({error})") from None
