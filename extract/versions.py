"""Versions of the extractor and of the catalogue, recorded on each stored document.

A version is a fingerprint of the files that decide what is extracted: the extraction modules and
rule files for the extractor, `indicators.yaml` for the catalogue. When either changes, documents
stored by an older version are stale and `ingest` extracts them again.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from . import paths

# The modules whose code decides the extracted rows (not the command line, store or publishing).
EXTRACTOR_MODULES = ("reader.py", "document.py", "tables.py", "sections.py", "quantities.py",
                     "indicators.py", "metadata.py", "nlp.py", "pipeline.py", "catalogue.py")
CATALOGUE_FILE = "indicators.yaml"


def _fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for file in sorted(files):
        if file.is_file():
            digest.update(file.name.encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


@cache
def extractor_version() -> str:
    """Fingerprint of the extraction code and its rule files (every schema but the catalogue)."""
    rules = [p for p in paths.SCHEMAS_DIR.glob("*.yaml") if p.name != CATALOGUE_FILE]
    return _fingerprint([paths.PACKAGE_DIR / name for name in EXTRACTOR_MODULES] + rules)


@cache
def catalogue_version() -> str:
    """Fingerprint of the indicator catalogue."""
    return _fingerprint([paths.SCHEMAS_DIR / CATALOGUE_FILE])


def current_versions() -> dict[str, str]:
    return {"extractor_version": extractor_version(), "catalogue_version": catalogue_version()}
