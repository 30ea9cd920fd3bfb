"""Where the project's data files live."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
SCHEMAS_DIR = PROJECT_DIR / "schemas"
DATASETTE_DIR = PROJECT_DIR / "datasette"
DEFAULT_DB = PROJECT_DIR / "data" / "rapports.db"
