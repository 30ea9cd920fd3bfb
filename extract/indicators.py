"""Indicators: link each quantity to a catalogue indicator, or keep it as uncatalogued.

For every number whose role is ``value`` the linker reads the words a reader would: the label
after it (same line, or the next lines for an infographic number standing alone), the words
before it in its clause, the row label and column header of a table, and the titles of the
sections it sits in. Each catalogue indicator is scored on:

- its aliases found there (spaCy `PhraseMatcher` on lemmas, `nlp.py`; rapidfuzz for near misses),
- the unit (the number's noun must be one of the indicator's `units`),
- the section (`PORTAGE DE REPAS` puts `repas distribués` in `portage_repas.repas`).

The year, scope, hedge and provenance (page, offsets, line, method, confidence) come with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import BaseModel
from rapidfuzz import fuzz

from .catalogue import Catalogue, Indicator, default_catalogue, fold, lemma_key
from .document import Document
from .nlp import SPAN_KEY, alias_pipeline
from .quantities import Quantity, find_quantities
from .sections import Section, section_at, section_path

_YEAR = re.compile(r"(?<![\d,.])(?:19[5-9]\d|20[0-4]\d)(?:\s?[/-]\s?((?:19|20)?\d{2}))?(?![\d,])")
_CLAUSE_BREAK = re.compile(r"[;:.!?](?:\s|$)|\s[-–—]\s|,\s(?=[A-ZÉ])|\n\s*\n")
_TARGET_SECTION = re.compile(r"perspective|objectifs? 20|projet", re.I)
_SCOPE_PREFIX = re.compile(
    r"^\s*(?:sur|pour|à|au|aux|dont|de la|du|le|la|les)\s+(?P<scope>[A-ZÉ][\w'’ -]{1,40})"
)
AMOUNT_KINDS = {"amount", "average"}
UNIT_BY_KIND = {"amount": {"EUR"}, "average": {"EUR"}, "rate": {"%"}}
ALIAS_WEIGHT = 2.0
FUZZY_WEIGHT = 1.2
UNIT_WEIGHT = 1.0
SECTION_WEIGHT = 0.6
MIN_SCORE = 2.0


class IndicatorValue(BaseModel):
    """One value found in a report, with its provenance; `indicator` is None when uncatalogued."""

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


@dataclass
class Context:
    """What a reader sees around a number."""

    label: str  # words after the number (its own label)
    before: str  # words before it in its clause
    table: str = ""  # row label, column header and caption when the number is in a table
    sections: list[Section] = field(default_factory=list)
    year_hint: int | None = None
    scope: str = ""

    @property
    def text(self) -> str:
        return " ".join(part for part in (self.label, self.before, self.table) if part)


def _line_bounds(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def _block_after(text: str, position: int, max_lines: int = 5) -> tuple[str, int]:
    """The lines after `position` up to a blank line after some content (an infographic label)."""
    lines = []
    cursor = position
    seen_content = False
    while len(lines) < max_lines and cursor < len(text):
        end = text.find("\n", cursor)
        end = len(text) if end < 0 else end
        line = text[cursor:end]
        if line.strip():
            if "\t" in line or (seen_content and _starts_with_number(line)):
                break
            lines.append(line.strip())
            seen_content = True
        elif seen_content:
            break
        cursor = end + 1
    return " ".join(lines), cursor


def _starts_with_number(line: str) -> bool:
    return bool(re.match(r"^\s*[+\-]?\s?\d", line))


def _clause_before(text: str, start: int, line_start: int) -> str:
    segment = text[line_start:start]
    breaks = list(_CLAUSE_BREAK.finditer(segment))
    return segment[breaks[-1].end():] if breaks else segment


def _clause_after(text: str, end: int, line_end: int) -> str:
    segment = text[end:line_end]
    found = _CLAUSE_BREAK.search(segment)
    return segment[: found.start()] if found else segment


def table_context(document: Document, plain: str, quantity: Quantity) -> tuple[str, str, int | None]:
    """For a number in a tab-separated row: (row label and caption, column header, header year)."""
    line_start, line_end = _line_bounds(plain, quantity.start)
    row = plain[line_start:line_end]
    if "\t" not in row:
        return "", "", None
    column = row[: quantity.start - line_start].count("\t")
    cells = row.split("\t")
    row_label = cells[0].strip() if not _starts_with_number(cells[0]) else ""
    if re.fullmatch(r"\d{3,4}", row_label) and len(cells) > 2:  # account number, then label
        row_label = cells[1].strip()
    header, caption, header_year = "", "", None
    cursor = line_start - 1
    while cursor > 0:
        previous_start, _ = _line_bounds(plain, cursor - 1)
        previous = plain[previous_start:cursor]
        if "\t" in previous:
            cells_above = previous.split("\t")
            numeric = sum(bool(re.search(r"\d{2}", c)) for c in cells_above[1:])
            years = [_YEAR.fullmatch(c.strip()) for c in cells_above]
            if any(years) or numeric == 0:
                if column < len(cells_above):
                    header = cells_above[column].strip()
                    year = years[column] if column < len(years) else None
                    header_year = _year_value(year) if year else None
                break
        elif previous.strip():
            caption = previous.strip()
            break
        cursor = previous_start - 1 if previous_start > 0 else 0
        if previous_start == 0:
            break
    if not caption:
        # caption above the whole table block
        cursor = line_start
        while cursor > 0:
            previous_start, _ = _line_bounds(plain, cursor - 1)
            previous = plain[previous_start : cursor - 1]
            if previous.strip() and "\t" not in previous:
                caption = previous.strip()
                break
            cursor = previous_start
    return f"{row_label} {caption}".strip(), header, header_year


def _year_value(match: re.Match[str]) -> int:
    text = match.group(0)
    second = match.group(1)
    if second:  # "2022/2023" and "2022-23" are the later year
        return int(second) if len(second) == 4 else int(text[:2] + second)
    return int(text[:4])


def find_year(plain: str, quantity: Quantity, context: Context, report_year: int | None) -> int | None:
    """The year a value refers to: a year in its clause, its table column, else the report's."""
    if context.year_hint:
        return context.year_hint
    line_start, line_end = _line_bounds(plain, quantity.start)
    after = _clause_after(plain, quantity.end, line_end)
    match = _YEAR.search(after)
    if not match and not after.strip(" *\t"):
        # the clause continues on the next line ("48 EN\n2023)")
        _, next_end = _line_bounds(plain, line_end + 1)
        continuation = plain[line_end + 1 : next_end]
        head = re.match(r"^\s*(?:en\s+)?((?:19|20)\d{2})", continuation, re.I)
        match = _YEAR.search(head.group(1)) if head else None
    if match and not re.search(r"\d", after[: match.start()].replace(quantity.unit_raw, "")):
        return _year_value(match)
    before = _clause_before(plain, quantity.start, line_start)
    years = list(_YEAR.finditer(before))
    if years and not re.search(r"\d", before[years[-1].end():]):
        return _year_value(years[-1])
    if years and re.search(r"\b(?:en|exercice|année)\s+$", before[: years[-1].start()], re.I):
        return _year_value(years[-1])
    if not _YEAR.search(plain[line_start:line_end]) and context.label:
        label_years = list(_YEAR.finditer(context.label))
        if len(label_years) == 1 and not re.search(r"\d", context.label[: label_years[0].start()]):
            return _year_value(label_years[0])
    return report_year


def build_context(document: Document, plain: str, quantity: Quantity,
                  sections: list[Section]) -> Context:
    line_start, line_end = _line_bounds(plain, quantity.start)
    line = plain[line_start:line_end]
    unit_end = quantity.unit_end or quantity.end
    rest_of_line = plain[unit_end:line_end] if unit_end <= line_end else ""
    alone = not re.sub(r"[\d\s€%.,+\-]", "", line.replace(quantity.raw, ""))
    if alone or (unit_end > line_end):
        label, _ = _block_after(plain, line_end + 1)
        if unit_end > line_end:
            label = plain[line_end + 1 : unit_end].strip() + " " + label
        before = ""
    else:
        label = plain[quantity.end:unit_end] + _clause_after(plain, unit_end, line_end)
        before = _clause_before(plain, quantity.start, line_start)
        if not rest_of_line.strip() and not before.strip():
            label += " " + _block_after(plain, line_end + 1)[0]
    table, header, header_year = table_context(document, plain, quantity)
    section = section_at(sections, quantity.start)
    context = Context(
        label=" ".join(label.split()),
        before=" ".join(before.split()),
        table=" ".join(f"{table} {header}".split()),
        sections=section_path(sections, section),
        year_hint=header_year,
    )
    context.scope = find_scope(plain, quantity, table)
    return context


def find_scope(plain: str, quantity: Quantity, table_label: str) -> str:
    """A short name of the site, service or budget a value is for, when the text gives one."""
    if table_label:
        return table_label.split("  ")[0][:60]
    line_start, line_end = _line_bounds(plain, quantity.start)
    after = plain[quantity.unit_end or quantity.end : line_end]
    found = re.search(r"\b(?:sur|pour)\s+(?P<scope>(?:St |Saint )?[A-ZÉ][\w'’-]+(?: [A-ZÉ][\w'’-]+)*)",
                      after)
    if found:
        return found.group("scope")
    # "Sur Sézanne" on a line of its own above an infographic block
    cursor = line_start - 1
    for _ in range(4):
        if cursor <= 0:
            break
        previous_start, _ = _line_bounds(plain, cursor - 1)
        previous = plain[previous_start:cursor].strip()
        scope = _SCOPE_PREFIX.match(previous)
        if scope and len(previous.split()) <= 5 and previous.split()[0].lower() == "sur":
            return scope.group("scope").strip()
        if previous and re.search(r"\d", previous):
            break
        cursor = previous_start - 1
    return ""


@dataclass
class Linker:
    """Score catalogue indicators for a quantity in its context."""

    catalogue: Catalogue

    def __post_init__(self) -> None:
        # Folded forms computed once per catalogue, not once per number and indicator.
        self.alias_keys = {
            entry.id: [lemma_key(alias) for alias in entry.aliases]
            for entry in self.catalogue.indicators
        }
        self.unit_keys = {
            entry.id: {lemma_key(unit) for unit in entry.units} for entry in self.catalogue.indicators
        }
        self.section_words = {
            entry.id: [fold(word) for word in entry.section_words]
            for entry in self.catalogue.indicators
        }
        self.alias_patterns = {
            entry_id: [re.compile(rf"(?<!\w){re.escape(key)}(?!\w)") for key in keys]
            for entry_id, keys in self.alias_keys.items()
        }

    def unit_fits(self, entry: Indicator, quantity: Quantity) -> bool | None:
        """True when the number's unit is one of the indicator's; None when it has no unit."""
        if quantity.unit is None:
            return False if entry.kind in UNIT_BY_KIND else None
        if entry.kind in UNIT_BY_KIND:
            return quantity.unit in UNIT_BY_KIND[entry.kind]
        if quantity.unit in ("EUR", "%"):
            return False
        return lemma_key(quantity.unit) in self.unit_keys[entry.id]

    def section_score(self, entry: Indicator, titles: list[str]) -> float:
        """1 when the innermost section's folded title names the indicator's service, 0.7 for an
        enclosing one."""
        for depth, title in enumerate(reversed(titles)):
            if any(word in title for word in self.section_words[entry.id]):
                return 1.0 if depth == 0 else 0.7
        return 0.0

    def table_alias_ids(self, table_text: str) -> set[str]:
        """Indicator ids whose aliases appear in a table's row label, header or caption."""
        key = lemma_key(table_text)
        return {entry_id for entry_id, patterns in self.alias_patterns.items()
                if any(pattern.search(key) for pattern in patterns)}

    def link(self, quantity: Quantity, context: Context, alias_hits: dict[str, float]):
        """Return (indicator, score, method) for the best catalogue indicator, or None."""
        best = None
        label_key = lemma_key(context.text)
        titles = [fold(section.title) for section in context.sections]
        for entry in self.catalogue.indicators:
            unit = self.unit_fits(entry, quantity)
            if unit is False:
                continue
            alias = alias_hits.get(entry.id, 0.0)
            method = "lemma_match" if alias else ""
            if not alias:
                fuzzy = max((fuzz.partial_ratio(key, label_key) for key in self.alias_keys[entry.id]
                             if len(key) > 5), default=0)
                if fuzzy >= 90:
                    alias = 0.6
                    method = "fuzzy"
            section = self.section_score(entry, titles)
            score = ALIAS_WEIGHT * alias + UNIT_WEIGHT * bool(unit) + SECTION_WEIGHT * section
            if not alias and not (unit and section):
                continue
            if not method:
                method = "section_context"
            if context.table and alias:
                method = "table"
            if best is None or score > best[1]:
                best = (entry, score, method)
        if best and best[1] >= MIN_SCORE:
            return best
        return None


def alias_hits_for(spans, start: int, end: int) -> dict[str, float]:
    """Indicator ids whose aliases are matched between `start` and `end`."""
    return {span.label_: 1.0 for span in spans if span.start_char >= start and span.end_char <= end}


def extract_indicators(document: Document, sections: list[Section], *,
                       report_year: int | None, catalogue: Catalogue | None = None,
                       ) -> list[IndicatorValue]:
    """Return every value of `document`: catalogue indicators and uncatalogued quantities."""
    catalogue = catalogue or default_catalogue()
    linker = Linker(catalogue)
    plain = document.plain
    doc = alias_pipeline()(plain)
    spans = sorted(doc.spans[SPAN_KEY], key=lambda s: s.start_char)
    values: list[IndicatorValue] = []
    seen: set[tuple] = set()
    section_index = {id(section): index for index, section in enumerate(sections)}
    for quantity in find_quantities(plain):
        if quantity.role != "value":
            continue
        context = build_context(document, plain, quantity, sections)
        if any(_TARGET_SECTION.search(s.title) for s in context.sections[-1:]):
            continue  # targets and perspectives are not activity (gold-format.md)
        hits = _context_hits(plain, quantity, context, spans, linker)
        linked = linker.link(quantity, context, hits)
        year = find_year(plain, quantity, context, report_year)
        line_start, line_end = _line_bounds(document.text, quantity.start)
        innermost = context.sections[-1] if context.sections else None
        value = IndicatorValue(
            indicator=linked[0].id if linked else None,
            label=linked[0].label if linked else (quantity.unit_raw + " " + context.label)[:120],
            domain=linked[0].domain if linked else "",
            value=quantity.value,
            unit=_unit_for(linked[0], quantity) if linked else quantity.unit,
            year=year,
            scope=context.scope,
            approx=quantity.approx,
            evidence=document.text[quantity.start : max(quantity.end, quantity.unit_end or 0)],
            start=quantity.start,
            end=max(quantity.end, quantity.unit_end or 0),
            page=document.page_at(quantity.start),
            line_text=document.text[line_start:line_end].strip(),
            section=innermost.title if innermost else "",
            section_index=section_index.get(id(innermost)) if innermost else None,
            method=linked[2] if linked else "uncatalogued",
            confidence=round(min(1.0, linked[1] / 4.0), 2) if linked else 0.0,
        )
        key = (value.indicator, value.year, value.scope, round(value.value, 2))
        if value.indicator and key in seen:
            continue
        seen.add(key)
        values.append(value)
    return values


def _context_hits(plain: str, quantity: Quantity, context: Context, spans,
                  linker: Linker) -> dict[str, float]:
    """Alias matches in the label after the number, the clause before it, or its table labels."""
    line_start, line_end = _line_bounds(plain, quantity.start)
    unit_end = quantity.unit_end or quantity.end
    hits: dict[str, float] = {}
    label_end = min(len(plain), unit_end + len(context.label) + 80)
    own = alias_hits_for(spans, quantity.start, label_end)
    before_start = max(line_start, quantity.start - len(context.before) - 1)
    earlier = alias_hits_for(spans, before_start, quantity.start)
    for source in (own, earlier):
        for key, weight in source.items():
            hits[key] = max(hits.get(key, 0), weight)
    if context.table:
        for key in linker.table_alias_ids(context.table):
            hits[key] = max(hits.get(key, 0), 0.8)
    return hits


def _unit_for(entry: Indicator, quantity: Quantity) -> str:
    if quantity.unit and lemma_key(quantity.unit) in {lemma_key(u) for u in entry.units}:
        return next(u for u in entry.units if lemma_key(u) == lemma_key(quantity.unit))
    return entry.unit
