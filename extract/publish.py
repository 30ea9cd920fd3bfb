"""Publish: the Datasette command line that serves a database with the project's configuration.

The configuration in `datasette/metadata.yml` describes a corpus database called ``rapports`` and
an ``evaluation`` database; `metadata_for` renames ``rapports`` to the served file's name, so that
any file keeps its descriptions, canned queries and dashboard.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import yaml

from .paths import DATASETTE_DIR

SQL_TIME_LIMIT_MS = 3000
CONFIGURED_NAME = "rapports"
EVALUATION_FILE = "evaluation.db"


def served_files(db_path: str | Path) -> list[Path]:
    """The corpus database, and the evaluation database beside it when there is one."""
    path = Path(db_path).resolve()
    evaluation = path.with_name(EVALUATION_FILE)
    return [path] + ([evaluation] if evaluation.is_file() and evaluation != path else [])


def metadata_for(db_name: str) -> dict:
    """The project's metadata with the corpus database under the name Datasette gives `db_name`."""
    from datasette.utils import tilde_encode

    text = (DATASETTE_DIR / "metadata.yml").read_text(encoding="utf-8")
    metadata = yaml.safe_load(text.replace(f"/{CONFIGURED_NAME}/", f"/{tilde_encode(db_name)}/"))
    databases = metadata["databases"]
    databases[db_name] = databases.pop(CONFIGURED_NAME)
    for dashboard in metadata.get("plugins", {}).get("datasette-dashboards", {}).values():
        for part in [*dashboard.get("filters", {}).values(), *dashboard.get("charts", {}).values()]:
            if part.get("db") == CONFIGURED_NAME:
                part["db"] = db_name
    return metadata


def write_metadata(db_path: str | Path) -> Path:
    """Write the metadata for `db_path` to a private temporary file; return its path."""
    folder = Path(tempfile.gettempdir()) / f"ccas-extract-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    name = Path(db_path).stem
    target = folder / f"metadata-{name}.json"
    target.write_text(json.dumps(metadata_for(name), ensure_ascii=False), encoding="utf-8")
    return target


def datasette_command(db_path: str | Path, *, port: int = 8001, host: str = "127.0.0.1",
                      immutable: bool = False) -> list[str]:
    """The `datasette serve` arguments for `db_path`: metadata, templates, plugins, limits.

    :param immutable: open the corpus file immutable: a fixed snapshot, faster, that must not be
        written while it is served. By default it is opened read-only, and shows documents
        ingested while it runs.
    """
    files = served_files(db_path)
    corpus = ["-i", str(files[0])] if immutable else [str(files[0])]
    return [
        sys.executable, "-m", "datasette", "serve", *corpus, *map(str, files[1:]),
        "--metadata", str(write_metadata(files[0])),
        "--template-dir", str(DATASETTE_DIR / "templates"),
        "--plugins-dir", str(DATASETTE_DIR / "plugins"),
        "--static", f"assets:{DATASETTE_DIR / 'static'}",
        "--host", host, "--port", str(port),
        "--setting", "sql_time_limit_ms", str(SQL_TIME_LIMIT_MS),
        "--setting", "default_page_size", "50",
        "--setting", "allow_download", "on",
    ]
