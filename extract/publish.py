"""Publish: the Datasette command line that serves a database with the project's configuration."""

from __future__ import annotations

import sys
from pathlib import Path

from .paths import DATASETTE_DIR

SQL_TIME_LIMIT_MS = 3000


def datasette_command(db_path: str | Path, *, port: int = 8001, host: str = "127.0.0.1",
                      immutable: bool = True) -> list[str]:
    """The `datasette serve` arguments for `db_path`: metadata, templates, plugins, limits.

    :param immutable: open the file read-only and immutable (the published default)
    """
    return [
        sys.executable, "-m", "datasette", "serve",
        "-i" if immutable else "--nolock", str(db_path),
        "--metadata", str(DATASETTE_DIR / "metadata.yml"),
        "--template-dir", str(DATASETTE_DIR / "templates"),
        "--plugins-dir", str(DATASETTE_DIR / "plugins"),
        "--static", f"assets:{DATASETTE_DIR / 'static'}",
        "--host", host, "--port", str(port),
        "--setting", "sql_time_limit_ms", str(SQL_TIME_LIMIT_MS),
        "--setting", "default_page_size", "50",
        "--setting", "allow_download", "on",
    ]
