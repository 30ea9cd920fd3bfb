"""``ccas-extract``: each command parses its options, makes one library call and prints the result."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from .errors import CatalogueError, GoldError, ReportError, StorageError
from .paths import DEFAULT_DB, PROJECT_DIR

DB_OPTION = click.option("--db", "db_path", type=click.Path(dir_okay=False), default=str(DEFAULT_DB),
                         show_default=True, help="SQLite database file")


@click.group()
@click.version_option(package_name="ccas-extract")
def cli() -> None:
    """Turn CCAS / CIAS activity reports into structured, comparable data."""


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
def ingest(paths, db_path, workers, pdf_reader, timeout, memory_mb, quiet):
    """Ingest report files and folders (PDF, .txt, .md) into the database.

    Example:

        ccas-extract ingest corpus/ --db data/rapports.db
    """
    from tqdm import tqdm

    from .ingest import ingest as run_ingest

    bar = tqdm(total=0, unit="doc", disable=quiet or None, file=sys.stderr)

    def set_total(total: int) -> None:
        bar.total = total
        bar.refresh()

    try:
        result = run_ingest(paths, db_path, workers=workers, pdf_reader=pdf_reader,
                            timeout=timeout, memory_mb=memory_mb, progress=bar.update,
                            on_total=set_total)
    except StorageError as error:
        bar.close()
        raise click.ClickException(f"{error}: nothing more was written; documents already "
                                   "stored are whole (fix it and run the same command again)") from None
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
def extract(path, pdf_reader, catalogued_only, timeout, memory_mb):
    """Print one report's extraction as a gold-format JSON object.

    Example:

        ccas-extract extract corpus/000_29a8765a0cd6bbb0.txt > out.json
    """
    from .ingest import extract_limited

    try:
        data, warnings = extract_limited(path, pdf_reader=pdf_reader, timeout=timeout,
                                         memory_mb=memory_mb)
    except ReportError as error:
        raise click.ClickException(str(error)) from None
    if sys.stderr.isatty():  # on a terminal; scripts read the JSON alone (ingest stores them)
        for warning in warnings:
            click.echo(f"Warning: {path}: {warning}", err=True)
    if catalogued_only:
        data["indicators"] = [i for i in data["indicators"] if i["indicator"]]
    click.echo(json.dumps(data, ensure_ascii=False, indent=1))


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
def evaluate(gold_dir, corpus_dir, as_json, errors, min_f1, db_path):
    """Score the extraction against the gold annotations.

    Example:

        ccas-extract evaluate --errors --min-f1 0.5
    """
    from .evaluate import evaluate as run_evaluate
    from .evaluate import format_report, store_report

    for folder, option in [(gold_dir, "--gold"), (corpus_dir, "--corpus")]:
        if not Path(folder).is_dir():
            raise click.ClickException(f"{Path(folder).resolve()}: no such folder (run from the "
                                       f"project folder, or pass {option})")
    try:
        report = run_evaluate(gold_dir, corpus_dir)
    except (GoldError, CatalogueError, ReportError) as error:
        raise click.ClickException(str(error)) from None
    if not report.documents:
        raise click.ClickException(f"{gold_dir}: no gold files (*.json)")
    if db_path:
        store_report(report, db_path)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(format_report(report, errors=errors))
    if min_f1 is not None and report.total.f1 < min_f1:
        click.echo(f"Error: micro F1 {report.total.f1:.3f} is below --min-f1 {min_f1}", err=True)
        sys.exit(1)


@cli.group()
def gold():
    """Draft and check gold annotation files."""


@gold.command("draft")
@click.argument("path", type=click.Path())
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="file to write [default: gold/<document stem>.json]")
def gold_draft(path, output):
    """Write a draft gold file for a new report, from the extraction, to correct by hand.

    Example:

        ccas-extract gold draft corpus/new_report.txt
    """
    from .gold import draft_gold
    from .pipeline import run

    try:
        data = draft_gold(run(path))
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
def gold_check(paths, corpus_dir):
    """Validate gold files against the catalogue and their document's text.

    Example:

        ccas-extract gold check gold/*.json
    """
    from .gold import load_gold

    failed = False
    for path in paths:
        try:
            gold = load_gold(path, corpus_dir=corpus_dir)
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
@click.option("--live", is_flag=True, help="open the database writable (not immutable), to watch "
              "an ingestion in progress")
def serve(db_path, port, host, live):
    """Serve the database with Datasette and the project's configuration (datasette/).

    Example:

        ccas-extract serve --db data/rapports.db --port 8001
    """
    from .publish import datasette_command

    if not Path(db_path).exists():
        raise click.ClickException(f"{db_path}: no such database (run ccas-extract ingest first)")
    command = datasette_command(db_path, port=port, host=host, immutable=not live)
    click.echo(f"Serving {db_path} on http://{host}:{port}/", err=True)
    os.chdir(PROJECT_DIR)
    os.execvp(command[0], command)

