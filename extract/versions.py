"""Versions of the extractor and of the catalogue, recorded on each stored document.

A version is a fingerprint of the files that decide what is extracted: the extraction modules and
rule files for the extractor, `indicators.yaml` for the catalogue (or a custom catalogue file with
the linker files it names). When either changes, documents stored by another version are stale
and `ingest` extracts them again.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import paths

if TYPE_CHECKING:
    from .catalogue import Catalogue

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


def catalogue_version(path: str | Path | None = None, catalogue: Catalogue | None = None) -> str:
    """Fingerprint of the indicator catalogue: the packaged one, or the custom catalogue file at
    `path` (`catalogue`: that file already loaded) with the linker files it names.

    The custom file is hashed as the packaged one is, so an unchanged copy of the packaged
    catalogue has the packaged version; a linker file is added only when its content is not the
    packaged one's (the packaged linker files are in the extractor version already)."""
    if path is None:
        return _packaged_catalogue_version()
    from .catalogue import LINKER_FILES, load_catalogue

    linker = (catalogue or load_catalogue(path)).linker
    digest = hashlib.sha256()
    digest.update(CATALOGUE_FILE.encode())
    digest.update(Path(path).read_bytes())
    for name, packaged in LINKER_FILES.items():
        content = Path(getattr(linker, name)).read_bytes()
        if content != packaged.read_bytes():
            digest.update(f"linker.{name}".encode())
            digest.update(content)
    return digest.hexdigest()[:12]


@cache
def _packaged_catalogue_version() -> str:
    return _fingerprint([paths.SCHEMAS_DIR / CATALOGUE_FILE])


def current_versions(catalogue_path: str | Path | None = None,
                     catalogue: Catalogue | None = None) -> dict[str, str]:
    """The versions written on a document extracted now, with the catalogue at `catalogue_path`
    (None: the packaged one)."""
    return {"extractor_version": extractor_version(),
            "catalogue_version": catalogue_version(catalogue_path, catalogue)}
