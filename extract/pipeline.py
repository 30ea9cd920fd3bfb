"""The pipeline: reader → document → sections → quantities → indicators, kept inspectable.

`run(path)` returns an `Extraction` holding every intermediate result, and
`Extraction.to_gold_format()` gives the JSON object of `../shared/spec/gold-format.md`.
`process(document)` is `structure` (metadata, sections, numbers: no language model) then `link`
(indicators): `ingest` with one worker runs the two halves in two processes.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict

from .catalogue import Catalogue, default_catalogue, load_catalogue
from .document import Document
from .indicators import IndicatorValue, extract_indicators
from .interleaving import interleaved_pages
from .metadata import Metadata, guess_metadata
from .quantities import Quantity, find_quantities, refused_warnings
from .reader import read_document
from .sections import Section, find_sections, minor_titles

NOT_A_REPORT_CONFIDENCE = 0.2  # confidence kept for values of a document that is no report
INTERLEAVED_CONFIDENCE = 0.5  # confidence kept for values read on a page of interleaved columns


class Extraction(BaseModel):
    """Everything extracted from one report."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    document: Document
    metadata: Metadata
    sections: list[Section]
    indicators: list[IndicatorValue]
    catalogue_version: int = 1  # the `version` of the catalogue the indicators refer to

    def to_gold_format(self) -> dict:
        """The extraction as a gold-format object: `indicator` is null for uncatalogued values."""
        return {
            "document": self.document.name,
            "catalogue_version": self.catalogue_version,
            "metadata": self.metadata.model_dump(),
            "sections": [{"title": s.title, "level": s.level, "page": s.page_start,
                          "start": s.start} for s in self.sections],
            "indicators": [
                {"indicator": v.indicator, "value": _plain_number(v.value), "unit": v.unit,
                 "year": v.year, "scope": v.scope, "approx": v.approx, "evidence": v.evidence,
                 "start": v.start, "end": v.end, "page": v.page, "label": v.label,
                 "section": v.section, "method": v.method, "confidence": v.confidence}
                for v in self.indicators
            ],
        }


def _plain_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


class Structure(BaseModel):
    """What the steps before linking find in one document: its metadata, sections and numbers.
    They need no language model, so that `ingest` with one worker can run them in its reader
    process while the worker links the previous document."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    document: Document
    metadata: Metadata
    sections: list[Section]
    quantities: list[Quantity]
    minor_titles: list[tuple[int, str]]  # (offset, title) of the minor headings


def structure(document: Document, *, catalogue: Catalogue | None = None) -> Structure:
    """Run the steps after reading and before linking on one `Document`."""
    refused: list = []
    quantities = find_quantities(document.plain, catalogue, refused)
    # numbers too large for a float are refused as values: say so on the document
    document.warnings.extend(w for w in refused_warnings(refused) if w not in document.warnings)
    metadata = guess_metadata(document)
    sections = find_sections(document, document.warnings)
    return Structure(document=document, metadata=metadata, sections=sections,
                     quantities=quantities, minor_titles=minor_titles(document))


def link(found: Structure, *, catalogue: Catalogue | None = None,
         explain: bool = True) -> Extraction:
    """Link the numbers `structure` found to the indicators of `catalogue` (the one given to
    `structure`; default the packaged one). `explain`: each value says why it was linked (the
    database keeps no explanation: ingest does without)."""
    document, metadata = found.document, found.metadata
    indicators = extract_indicators(
        document, found.sections, report_year=metadata.report_year, catalogue=catalogue,
        narrative=metadata.doc_type == "article", quantities=found.quantities,
        minor=found.minor_titles, explain=explain,
    )
    interleaved = set(interleaved_pages(document))
    if interleaved:
        listed = ", ".join(map(str, sorted(interleaved)))
        document.warnings.append(f"pages read across two columns (lines interleaved): {listed}; "
                                 "their values have lower confidence")
        for value in indicators:
            if value.page in interleaved:
                value.confidence = round(value.confidence * INTERLEAVED_CONFIDENCE, 3)
    if metadata.doc_type == "other" or metadata.kind == "other":
        # kept for the record, but no researcher's view should take them for a CCAS's figures
        document.warnings.append("not an activity report of a CCAS or CIAS "
                                 f"(kind {metadata.kind}, type {metadata.doc_type}): "
                                 "values kept with low confidence")
        for value in indicators:
            value.confidence = round(value.confidence * NOT_A_REPORT_CONFIDENCE, 3)
    return Extraction(document=document, metadata=metadata, sections=found.sections,
                      indicators=indicators,
                      catalogue_version=(catalogue or default_catalogue()).version)


def process(document: Document, *, catalogue: Catalogue | None = None,
            explain: bool = True) -> Extraction:
    """Run the steps after reading on one `Document` (`explain`: as `link`)."""
    return link(structure(document, catalogue=catalogue), catalogue=catalogue, explain=explain)


def run(path: str | Path, *, pdf_reader: str = "pdfium",
        catalogue: Catalogue | str | Path | None = None) -> Extraction:
    """Read one report and extract everything from it. `catalogue`: a loaded catalogue or the
    path of a catalogue file (with its `linker:` files); default the packaged one."""
    if isinstance(catalogue, (str, Path)):
        catalogue = load_catalogue(catalogue)
    return process(read_document(path, pdf_reader=pdf_reader), catalogue=catalogue)
