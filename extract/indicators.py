"""Indicators: link each quantity to a catalogue indicator, or keep it as uncatalogued.

Two stages, so that training can score many weightings of one document cheaply:

1. `collect_numbers` reads, for every number whose role is ``value``, what a reader would
   (`linking.context`: label, clause, table cell, sections), its value role in the clause
   (`linking.roles`), its year and scope, and the candidate indicators with their named features
   (`linking.features`: aliases matched on lemmas by spaCy, near misses by rapidfuzz, unit,
   headings naming the service, ...).
2. `decide` scores the candidates with the fitted weights (`linking.weights`, from
   `schemas/linker_weights.json`), links each number to its best candidate when its probability
   reaches the fitted threshold, and keeps one instance per fact (`linking.dedup`).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from pydantic import BaseModel

from .catalogue import Catalogue, Indicator, default_catalogue, lemma_key
from .document import Document
from .linking.candidates import candidates_for, continuing, evidence_for
from .linking.context import Context, SectionIndex, build_context
from .linking.dedup import Deduplicator
from .linking.explain import explain_choice
from .linking.features import Candidate, Evidence
from .linking.hits import context_hits
from .linking.lists import continues_previous
from .linking.lookups import AliasSpans, CatalogueIndex
from .linking.minor import local_heading
from .linking.roles import value_role
from .linking.scope import scope_of_link
from .linking.teams import role_lines
from .linking.text import line_bounds
from .linking.weights import Weights
from .linking.years import TARGET_SECTION, find_year
from .quantities import Quantity, find_quantities
from .sections import Section, minor_titles


class IndicatorValue(BaseModel):
    """One value found in a report, with its provenance; `indicator` is None when uncatalogued.
    `role` is what the number is in its clause ("value", "part", "share", ...): only values link."""

    indicator: str | None
    label: str = ""
    domain: str = ""
    value: float
    unit: str | None
    year: int | None
    scope: str = ""
    approx: bool = False
    evidence: str
    start: int
    end: int
    page: int
    line_text: str = ""
    section: str = ""
    section_index: int | None = None
    method: str = "rule"
    confidence: float = 0.0
    role: str = "value"
    explain: str = ""


@dataclass
class Number:
    """One number of a document with everything the decision needs."""

    evidence: Evidence
    candidates: list[Candidate]
    year: int | None
    innermost: Section | None
    continues: bool  # goes on from the number just before (see `continues_previous`)
    previous: int | None  # index in the document's numbers of the number just before


@dataclass
class Collected:
    """The numbers of one document, before the decision."""

    document: Document
    numbers: list[Number]
    section_index: dict[int, int]
    index: CatalogueIndex


def collect_numbers(document: Document, sections: list[Section], *, report_year: int | None,
                    catalogue: Catalogue | None = None, narrative: bool = False,
                    quantities: list[Quantity] | None = None,
                    minor: list[tuple[int, str]] | None = None) -> Collected:
    """Every number of `document` with its context, role, year and candidate indicators.

    `narrative` (an article, not a report): a value without a year of its own takes the year
    the paragraph last named ("constituée en 2001 ... A l'époque, ... 17 agents").
    """
    catalogue = catalogue or default_catalogue()
    index = _index(catalogue)
    plain = document.plain
    # here, not at the top: `pipeline.structure`, run in ingest's reader process, imports this
    # module and needs no language model (spaCy's import is a third of a second)
    from .nlp import SPAN_KEY, match_aliases

    doc = match_aliases(plain, catalogue)
    spans = AliasSpans(list(doc.spans[SPAN_KEY]), plain)
    if quantities is None:
        quantities = find_quantities(plain, catalogue)
    quantities = [q for q in quantities if q.role == "value"]
    heading_starts = sorted(section.start for section in sections)
    if minor is None:
        minor = minor_titles(document)
    tree = SectionIndex(sections)  # each section's path and preceding headings, once
    found = []  # (position, evidence, year, innermost, continues) of every number kept
    for position, quantity in enumerate(quantities):
        # A number's label ends at the next number or the next heading: "2023 - 19" then the
        # heading "SECOURS" is no count of secours.
        next_start = quantities[position + 1].start if position + 1 < len(quantities) else len(plain)
        next_heading = bisect.bisect_right(heading_starts, quantity.end)
        if next_heading < len(heading_starts):
            next_start = min(next_start, heading_starts[next_heading])
        if quantity.unit_end and quantity.unit_end > next_start:
            quantity = quantity.model_copy(update={"unit": None, "unit_raw": "", "unit_end": None})
            quantities[position] = quantity
        previous_end = quantities[position - 1].end if position else 0
        context = build_context(document, plain, quantity, tree, previous_end, next_start)
        if any(TARGET_SECTION.search(s.title) for s in context.sections[-1:]):
            continue  # targets and perspectives are not activity (gold-format.md)
        context.local_heading = local_heading(minor, quantity.start, context.sections)
        hits = context_hits(context, spans, index)
        evidence = evidence_for(quantity, context, hits.sources, hits.words, index,
                                role=value_role(plain, quantity, context, index.role_cues))
        continues = bool(position) and continues_previous(plain, quantities[position - 1], quantity)
        evidence.continues = continues
        innermost = context.sections[-1] if context.sections else None
        year = find_year(plain, quantity, context, report_year,
                         section_start=innermost.start if innermost else 0, narrative=narrative)
        found.append((position, evidence, year, innermost, continues))
    # a team listed by role is counted by none of its lines (`linking.teams`); a number that
    # no indicator of its unit may count ("43 agents ont suivi la formation") is no line of it
    linkable = [f[1].role == "value" and index.counted(f[1].quantity, f[1].unit_key, f[1].clause_key)
                for f in found]
    parts = role_lines(plain, [f[1].quantity for f in found], linkable, [f[2] for f in found],
                       sorted(heading_starts + [start for start, _ in minor]), index.role_line[1])
    numbers: list[Number] = []
    kept: dict[int, int] = {}  # quantity index -> number index
    for i, (position, evidence, year, innermost, continues) in enumerate(found):
        candidates = candidates_for(evidence, index)
        if i in parts:
            evidence.role = index.role_line[0]
            candidates = candidates_for(evidence, index)
        kept[position] = len(numbers)
        numbers.append(Number(evidence, candidates, year, innermost, continues, kept.get(position - 1)))
    section_index = {id(section): i for i, section in enumerate(sections)}
    return Collected(document, numbers, section_index, index)


_INDEXES: dict[int, CatalogueIndex] = {}


def _index(catalogue: Catalogue) -> CatalogueIndex:
    """One folded index per catalogue object (its caches serve every document)."""
    index = _INDEXES.get(id(catalogue))
    if index is None or index.catalogue is not catalogue:  # (an id may be reused)
        index = _INDEXES[id(catalogue)] = CatalogueIndex(catalogue)
    return index


def best_candidate(candidates: list[Candidate], weights: Weights) -> tuple[Candidate, float] | None:
    """The highest-scoring candidate (the first in catalogue order on a tie) and its score."""
    best = None
    for candidate in candidates:
        score = weights.score(candidate.features)
        if best is None or score > best[1]:
            best = (candidate, score)
    return best


def decide(collected: Collected, weights: Weights | None = None, *,
           explain: bool = True) -> list[IndicatorValue]:
    """Link every number to its best candidate when the fitted probability reaches the threshold.
    With `explain`, each value says why it was linked or not (`linking.explain`).
    """
    index = collected.index
    weights = weights or index.weights  # the catalogue's own (`Catalogue.linker.weights`)
    catalogue = index.catalogue
    dedup = Deduplicator()
    values: list[IndicatorValue] = []
    links: list[str | None] = []
    for number in collected.numbers:
        candidates = number.candidates
        previous = None
        if number.previous is not None:
            previous = links[number.previous]
        if number.continues and previous:
            candidates = continuing(candidates, catalogue.by_id[previous], number.evidence, index)
        best = best_candidate(candidates, weights)
        linked = best if best and best[1] >= weights.min_score else None
        value = _value(collected, number, linked, weights)
        if explain:
            value.explain = explain_choice(candidates, weights, number.evidence.role)
        kept = dedup.keep(value)
        links.append(value.indicator if kept else None)
        if kept:
            values.append(value)
    return values


def _value(collected: Collected, number: Number, linked: tuple[Candidate, float] | None,
           weights: Weights) -> IndicatorValue:
    document = collected.document
    quantity, context = number.evidence.quantity, number.evidence.context
    entry = collected.index.catalogue.by_id[linked[0].indicator] if linked else None
    innermost = number.innermost
    line_start, line_end = line_bounds(document.text, quantity.start)
    end = max(quantity.end, quantity.unit_end or 0)
    return IndicatorValue(
        indicator=entry.id if entry else None,
        label=entry.label if entry else (quantity.unit_raw + " " + context.label)[:120],
        domain=entry.domain if entry else "",
        value=quantity.value,
        unit=_unit_for(entry, quantity) if entry else quantity.unit,
        year=number.year,
        scope=scope_of_link(context.scope, context.table.row if context.table else "",
                            number.evidence.sources.get(entry.id, set())) if entry else context.scope,
        approx=quantity.approx,
        evidence=document.text[quantity.start : end],
        start=quantity.start,
        end=end,
        page=document.page_at(quantity.start),
        line_text=document.text[line_start:line_end].strip(),
        section=innermost.title if innermost else "",
        section_index=collected.section_index.get(id(innermost)) if innermost else None,
        method=linked[0].method if linked else "uncatalogued",
        confidence=round(weights.probability(linked[1]), 2) if linked else 0.0,
        role=number.evidence.role,
    )


def extract_indicators(document: Document, sections: list[Section], *,
                       report_year: int | None, catalogue: Catalogue | None = None,
                       narrative: bool = False, weights: Weights | None = None,
                       quantities: list[Quantity] | None = None,
                       minor: list[tuple[int, str]] | None = None,
                       explain: bool = True) -> list[IndicatorValue]:
    """Return every value of `document`: catalogue indicators and uncatalogued quantities.
    `quantities` (`find_quantities` of the document's plain text) and `minor` (`sections.minor_titles`),
    when already found; `explain`: each value says why it was linked (`decide`)."""
    collected = collect_numbers(document, sections, report_year=report_year, catalogue=catalogue,
                                narrative=narrative, quantities=quantities, minor=minor)
    return decide(collected, weights, explain=explain)


def _unit_for(entry: Indicator, quantity: Quantity) -> str:
    if quantity.unit and lemma_key(quantity.unit) in {lemma_key(u) for u in entry.units}:
        return next(u for u in entry.units if lemma_key(u) == lemma_key(quantity.unit))
    return entry.unit


__all__ = ["Context", "IndicatorValue", "collect_numbers", "decide", "extract_indicators"]
