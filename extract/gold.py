"""Gold annotations: pydantic models of `../shared/spec/gold-format.md`, validated against the
catalogue and the document text, and drafts made from an extraction."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from .catalogue import Catalogue, default_catalogue
from .errors import GoldError
from .metadata import Metadata


class GoldSection(BaseModel):
    title: str
    level: int = Field(ge=1, le=3)


class GoldItem(BaseModel):
    indicator: str
    value: float
    unit: str
    year: int | None
    scope: str = ""
    approx: bool = False
    evidence: str = Field(min_length=1)
    start: int = Field(ge=0)

    @property
    def end(self) -> int:
        return self.start + len(self.evidence)


class GoldFile(BaseModel):
    document: str
    catalogue_version: int = 1
    metadata: Metadata
    sections: list[GoldSection] = Field(default_factory=list)
    indicators: list[GoldItem] = Field(default_factory=list)


def check_gold(gold: GoldFile, text: str | None, catalogue: Catalogue) -> list[str]:
    """Every problem of a parsed gold file: unknown id, unit not allowed, evidence not at start,
    duplicate instance."""
    problems = []
    seen: dict[tuple, int] = {}
    for index, item in enumerate(gold.indicators):
        where = f"indicators[{index}] ({item.indicator} = {item.value:g})"
        entry = catalogue.get(item.indicator)
        if entry is None:
            problems.append(f"{where}: unknown indicator id '{item.indicator}'")
        elif item.unit not in entry.units:
            problems.append(
                f"{where}: unit '{item.unit}' not allowed (use one of {', '.join(entry.units)})"
            )
        if text is not None and text[item.start : item.end] != item.evidence:
            found = text.find(item.evidence)
            hint = f" (it is at {found})" if found >= 0 else " (not in the document)"
            problems.append(f"{where}: evidence {item.evidence[:40]!r} not at start {item.start}"
                            + hint)
        key = (item.indicator, item.year, item.scope, item.value)
        if key in seen:
            problems.append(f"{where}: duplicate of indicators[{seen[key]}]")
        seen.setdefault(key, index)
    return problems


def load_gold(path: str | Path, *, corpus_dir: str | Path | None = None,
              catalogue: Catalogue | None = None) -> GoldFile:
    """Load and validate a gold file; raise `GoldError` listing every problem.

    :param corpus_dir: where the document is, to check evidence offsets (default: next to
        ``gold/``, in ``corpus/``)
    """
    path = Path(path)
    catalogue = catalogue or default_catalogue()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise GoldError(path, [f"cannot read it ({error})"]) from None
    except json.JSONDecodeError as error:
        raise GoldError(path, [f"invalid JSON at line {error.lineno}: {error.msg}"]) from None
    try:
        gold = GoldFile.model_validate(data)
    except ValidationError as error:
        raise GoldError(path, [
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors(include_url=False)
        ]) from None
    corpus_dir = Path(corpus_dir) if corpus_dir else path.parent.parent / "corpus"
    document_path = corpus_dir / gold.document
    text = None
    if document_path.exists():
        from .reader import read_document

        text = read_document(document_path).text
    problems = check_gold(gold, text, catalogue)
    if text is None:
        problems.append(f"document '{gold.document}' not found in {corpus_dir}")
    if problems:
        raise GoldError(path, problems)
    return gold


def draft_gold(extraction) -> dict:
    """A gold file for a new report, from its extraction, for a maintainer to correct."""
    data = extraction.to_gold_format()
    data["sections"] = [{"title": s["title"], "level": s["level"]} for s in data["sections"]]
    data["indicators"] = [
        {key: item[key] for key in ("indicator", "value", "unit", "year", "scope", "approx",
                                    "evidence", "start")}
        for item in data["indicators"] if item["indicator"]
    ]
    return data
