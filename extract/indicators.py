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

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from pydantic import BaseModel
from rapidfuzz import fuzz

from .catalogue import Catalogue, Indicator, default_catalogue, fold, lemma_key, singular
from .document import Document
from .nlp import SPAN_KEY, alias_pipeline
from .quantities import Quantity, find_quantities, season_end
from .sections import Section, minor_headings, section_at, section_path

_YEAR = re.compile(r"(?<![\d,.])(?:19[5-9]\d|20[0-4]\d)(?:\s?[/-]\s?((?:19|20)?\d{2}))?(?!\d|,\d)")
_CLAUSE_BREAK = re.compile(r"[;:.!?](?:\s|$)|\s[-–—]\s|,\s(?=[A-ZÉ]|dont\b)|\n\s*\n")
_TARGET_SECTION = re.compile(r"perspective|objectifs? 20|projet", re.I)
_SCOPE_PREFIX = re.compile(
    r"^\s*(?:sur|pour|à|au|aux|dont|de la|du|le|la|les)\s+(?P<scope>[A-ZÉ][\w'’ -]{1,40})"
)
UNIT_BY_KIND = {"amount": {"EUR"}, "average": {"EUR"}, "rate": {"%"}}
ALIAS_WEIGHT = 2.0
FUZZY_STRENGTH = 0.45  # a near miss of an alias: never enough alone, nor with the unit alone
UNIT_WEIGHT = 1.0
SPECIFIC_UNIT_WEIGHT = 1.5  # a unit only one indicator counts ("appels", "ETP", "nuitées")
SECTION_WEIGHT = 1.0
LOCAL_HEADING = 1.1  # a minor heading right above ("Transport accompagné") beats its section's
CLAUSE_SECTION = 1.2  # the number's own clause names a service: stronger than the section's title
OTHER_SERVICE_PENALTY = 1.0  # an indicator of another service than the minor heading above names
TITLE_ALIAS_WEIGHT = 0.6  # an alias in a section title, not next to the number
WRAP_LOOKBACK_LINES = 4  # lines of a wrapped clause read back from a number
TOPIC_LOOKBACK = 8  # earlier headings searched for a title alias when the section has none
DISTINCT_VALUE = 1000  # from this size a repeated value is taken as the same fact
LONGER_ALIAS_BONUS = 0.02  # per extra token of the matched alias
ASIDE_WEIGHT = 0.5  # an alias inside parentheses is a detail of the clause, not what it counts
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
class Table:
    """Where a number sits in a tab-separated table."""

    row: str = ""  # the row's label (after an account number)
    header: str = ""  # the column's header
    caption: str = ""  # the text line above the table
    header_year: int | None = None
    value_columns: int = 1  # cells of the row that hold numbers
    account: bool = False  # the row is a chart-of-accounts line ("011. Charges ...", "2184 Mobilier")


@dataclass
class Context:
    """What a reader sees around a number, as text and as character ranges of `Document.plain`."""

    label: str  # words after the number (its own label)
    before: str  # words before it in its clause
    label_range: tuple[int, int] = (0, 0)
    before_range: tuple[int, int] = (0, 0)
    table: Table | None = None
    sections: list[Section] = field(default_factory=list)
    preceding: list[Section] = field(default_factory=list)  # earlier headings, nearest first
    local_heading: str = ""  # a heading below the contents' level, above the number ("ESA")
    scope: str = ""


def _line_bounds(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def _lines_above(text: str, line_start: int) -> Iterator[tuple[int, str]]:
    """The lines above the line starting at `line_start`, nearest first, as (start, text)."""
    while line_start > 0:
        previous_start = text.rfind("\n", 0, line_start - 1) + 1
        yield previous_start, text[previous_start : line_start - 1]
        line_start = previous_start


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


_ASIDE = re.compile(r"\([^()\n]*\)")  # a parenthesis on one line


def _without_asides(segment: str) -> str:
    """`segment` with the inside of its parentheses blanked (same length): the commas of
    "Les 3 LAEP (Trèbes, Moussoulens et Villemoustaussou) ont accueilli" break no clause."""
    return _ASIDE.sub(lambda found: "(" + " " * (len(found.group()) - 2) + ")", segment)


def _clause_before(text: str, start: int, line_start: int) -> str:
    """The clause before a number; for "Nombre de délibérations : 104" the label before the colon.
    A clause wrapped over lines (an infographic box, a narrow column: "Le nombre de dossiers de /
    domiciliation / traités soit 40 personnes") goes on over the lines above."""
    line_start = _wrapped_start(text, line_start)
    segment = text[line_start:start]
    breaks = list(_CLAUSE_BREAK.finditer(_without_asides(segment)))
    if breaks and not segment[breaks[-1].end():].strip(" *\t") and breaks[-1].group().startswith(":"):
        label = segment[: breaks[-1].start()]
        earlier = list(_CLAUSE_BREAK.finditer(_without_asides(label)))
        return segment[earlier[-1].end() if earlier else 0 :]
    return segment[breaks[-1].end():] if breaks else segment


_WRAP_END = re.compile(r"[.;:!?]\W*$")


def _wrapped_start(text: str, line_start: int) -> int:
    """The start of the first line of the wrapped text block that `line_start` continues: the
    lines above, up to a blank line, a table row, a bullet or a line ending a sentence."""
    for previous_start, previous in islice(_lines_above(text, line_start), WRAP_LOOKBACK_LINES):
        if not _LOWER_START.match(text[line_start : line_start + 40].lstrip("* ")):
            break
        if (not previous.strip() or "\t" in previous or _BULLET_LINE.match(previous)
                or _WRAP_END.search(previous)):
            break
        line_start = previous_start
    return line_start


def _clause_after(text: str, end: int, line_end: int) -> str:
    segment = text[end:line_end]
    found = _CLAUSE_BREAK.search(_without_asides(segment))
    return segment[: found.start()] if found else segment


_ACCOUNT = re.compile(r"^\s*\d{2,6}(?:\s*\+\s*\d{2,4})?\.?(?:\s|$)")


def table_context(plain: str, quantity: Quantity) -> Table | None:
    """For a number in a tab-separated row: its row label, column header and the table caption."""
    line_start, line_end = _line_bounds(plain, quantity.start)
    row = plain[line_start:line_end]
    if "\t" not in row:
        return None
    column = row[: quantity.start - line_start].count("\t")
    cells = row.split("\t")
    table = Table(value_columns=sum(bool(re.search(r"\d", c)) for c in cells[1:]))
    label = cells[0].strip() if not _starts_with_number(cells[0]) or _ACCOUNT.match(cells[0]) else ""
    if re.fullmatch(r"\d{2,6}", label) and len(cells) > 2:  # account number, then label
        label = cells[1].strip()
        table.account = True
    elif _ACCOUNT.match(label):
        label = _ACCOUNT.sub("", label).strip()
        table.account = True
    table.row = label
    for _, previous in _lines_above(plain, line_start):
        if "\t" in previous:
            cells_above = previous.split("\t")
            # a header row names columns: words and years ("Résultats / exercice 2019"), no amounts
            numeric = sum(bool(re.search(r"\d{2}", _YEAR.sub("", c))) for c in cells_above[1:])
            years = [_YEAR.fullmatch(c.strip()) for c in cells_above]
            if any(years) or numeric == 0:
                if column < len(cells_above):
                    table.header = cells_above[column].strip()
                    year = years[column] if column < len(years) else None
                    table.header_year = _year_value(year) if year else None
                break
        elif previous.strip():
            table.caption = previous.strip()
            break
    if not table.caption:
        # caption above the whole table block
        table.caption = next((previous.strip() for _, previous in _lines_above(plain, line_start)
                              if previous.strip() and "\t" not in previous), "")
    return table


def _year_value(match: re.Match[str]) -> int:
    first = int(match.group(0)[:4])
    if match.group(1):  # "2022/2023" and "2022-23" are the later year; "2022 / 36" is no pair
        return season_end(match.group(0)) or first
    return first


_YEAR_LEAD = re.compile(r"^\W*(?:en\s+|année\s+)?((?:19|20)\d{2})\s*[:,\-–]\s*$", re.I)
_YEAR_HEADING = re.compile(r"^\W*(?:[^\d\n]{0,40}\s)?((?:19|20)\d{2})\s*:?\W*$")
HEADING_LOOKBACK_LINES = 12
_NARRATIVE_YEAR = re.compile(r"\ben\s+((?:19|20)\d{2})\b", re.I)


def find_year(plain: str, quantity: Quantity, context: Context, report_year: int | None,
              section_start: int = 0, narrative: bool = False) -> int | None:
    """The year a value refers to: its table column, a year in its clause, a year leading its
    line ("2022 - 132 demandes", "En 2023 : 88"), a short year heading above a list ("Les
    chiffres de 2022"), else the report's."""
    if context.table and context.table.header_year:
        return context.table.header_year
    line_start, line_end = _line_bounds(plain, quantity.start)
    lead = _YEAR_LEAD.match(plain[line_start : quantity.start])
    if lead:
        return int(lead.group(1))
    after = plain[slice(*context.label_range)]
    after = after[: len(_clause_after(after, 0, len(after)))]
    match = _YEAR.search(after)
    if not match and re.fullmatch(r"[\s*]*(?:en|au|pour|sur)?\s*", after, re.I):
        # the clause continues on the next line ("48 EN\n2023)")
        _, next_end = _line_bounds(plain, line_end + 1)
        continuation = plain[line_end + 1 : next_end]
        head = re.match(r"^\s*(?:en\s+)?((?:19|20)\d{2})", continuation, re.I)
        match = _YEAR.search(head.group(1)) if head else None
    between = re.sub(r"\d+\s*ans\b", "", after[: match.start()] if match else "")  # "21 ans en 2022"
    if match and not re.search(r"\d", between.replace(quantity.unit_raw, "")):
        return _year_value(match)
    before = plain[slice(*context.before_range)]
    years = list(_YEAR.finditer(before))
    if years and not re.search(r"\d", before[years[-1].end():]):
        return _year_value(years[-1])
    if years and re.search(r"\b(?:en|exercice|année)\s+$", before[: years[-1].start()], re.I):
        return _year_value(years[-1])
    if narrative:
        told = list(_NARRATIVE_YEAR.finditer(plain[line_start : quantity.start]))
        if told:
            return int(told[-1].group(1))
    heading = _year_heading_above(plain, line_start, section_start)
    return heading or report_year


def _year_heading_above(plain: str, line_start: int, section_start: int) -> int | None:
    """The year of a short heading line above, within the section ("Les chiffres de 2022")."""
    for previous_start, line in islice(_lines_above(plain, line_start), HEADING_LOOKBACK_LINES):
        if previous_start < section_start:
            return None
        line = line.strip()
        if not line or len(line.split()) > 5:
            continue
        if _TARGET_SECTION.search(line):
            return None  # "Perspectives 2020" heads plans, not figures
        heading = _YEAR_HEADING.match(line)
        if heading and len(re.findall(r"\d+", line)) == 1:
            return int(heading.group(1))
        if not re.search(r"\d", line):
            return None  # another heading ("Chiffres clés") starts a new block
    return None


def build_context(document: Document, plain: str, quantity: Quantity, sections: list[Section],
                  previous_end: int = 0, next_start: int | None = None) -> Context:
    """The label, clause and table around `quantity`, bounded by its neighbouring numbers."""
    next_start = len(plain) if next_start is None else next_start
    line_start, line_end = _line_bounds(plain, quantity.start)
    line = plain[line_start:line_end]
    unit_end = quantity.unit_end or quantity.end
    table = table_context(plain, quantity)
    alone = not re.sub(r"[\d\s€%.,+\-*]", "", line.replace(quantity.raw, ""))
    if table:
        cell_start = plain.rfind("\t", line_start, quantity.start) + 1 or line_start
        cell_end = plain.find("\t", quantity.end, line_end)
        cell_end = line_end if cell_end < 0 else cell_end
        label_range = (quantity.end, max(cell_end, min(unit_end, line_end)))
        before_range = (cell_start, quantity.start)
    elif alone or unit_end > line_end:
        _, block_end = _block_after(plain, line_end + 1)
        label_range = (quantity.end, min(max(block_end, unit_end), next_start))
        clause_before = "" if alone else _clause_before(plain, quantity.start, line_start)
        before_range = (max(quantity.start - len(clause_before), previous_end), quantity.start)
    else:
        clause = _clause_after(plain, unit_end, line_end)
        label_range = (quantity.end, min(unit_end + len(clause), next_start))
        clause_before = _clause_before(plain, quantity.start, line_start)
        before_range = (max(quantity.start - len(clause_before), previous_end), quantity.start)
        if not plain[unit_end:line_end].strip() and not plain[slice(*before_range)].strip():
            _, block_end = _block_after(plain, line_end + 1)
            label_range = (quantity.end, min(max(block_end, unit_end), next_start))
    if _LOWER_START.match(plain[before_range[0]:before_range[1]]) and not plain[
            line_start:before_range[0]].strip():
        intro = _list_intro_start(document.text, line_start)
        if intro is not None:
            before_range = (max(intro, previous_end), before_range[1])
    section = section_at(sections, quantity.start)
    context = Context(
        label=" ".join(plain[slice(*label_range)].split()),
        before=" ".join(plain[slice(*before_range)].split()),
        label_range=label_range,
        before_range=before_range,
        table=table,
        sections=section_path(sections, section),
        preceding=_preceding_sections(sections, section),
    )
    context.scope = find_scope(plain, quantity, table.row if table else "")
    return context


_BULLET_LINE = re.compile(r"^\s*[-–—»•▪●◦■]\s")
_LOWER_START = re.compile(r"^\s*[a-zà-ÿ]")


def _list_intro_start(text: str, line_start: int) -> int | None:
    """The start of the line introducing the bulleted list just above `line_start`, when the
    line goes on with no subject of its own ("Les 5 Relais d'Assistants Maternelles :", bullets,
    "ont accueilli 499 enfants"): that line is the clause's subject."""
    bullets = 0
    for previous_start, previous in _lines_above(text, line_start):
        if not previous.strip():
            continue
        if _BULLET_LINE.match(previous):
            bullets += 1
            continue
        return previous_start if bullets and previous.rstrip().endswith(":") else None
    return None


def _local_heading(minor: list[tuple[int, str]], offset: int, path: list[Section]) -> str:
    """The nearest minor heading above `offset` inside its innermost section, if any."""
    index = bisect.bisect_right(minor, (offset, "")) - 1
    if index < 0 or not path:
        return ""
    start, title = minor[index]
    return title if path[-1].start < start < offset else ""


def _preceding_sections(sections: list[Section], section: Section | None) -> list[Section]:
    """The headings before `section`, nearest first: plain-text reports often lose the levels
    that make "LES TRANSPORTS" a part of "LES DÉPENSES EN SECOURS"."""
    if section is None:
        return []
    index = next(i for i, candidate in enumerate(sections) if candidate is section)
    return sections[max(0, index - TOPIC_LOOKBACK) : index][::-1]


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
        self._label_cache: dict[tuple[str, bool], set[str]] = {}
        self._entity_cache: dict[tuple[str, bool], set[str]] = {}
        self._service_cache: dict[str, frozenset[str]] = {}
        # "la commune de Peyriac", "un accueil de loisirs": one thing of the unit
        self.one_of_unit_patterns = {
            entry_id: re.compile(r"(?<!\w)(?:la|le|l'|un|une)\s?(?:"
                                 + "|".join(re.escape(unit) for unit in sorted(units)) + r")(?!\w)")
            for entry_id, units in self.unit_keys.items()
        }
        self.named_ids = {entry.id for entry in self.catalogue.indicators if entry.named}
        self.budget_part_pattern = _word_pattern(self.catalogue.budget_parts)
        self.planned_column_pattern = _word_pattern(self.catalogue.planned_columns)
        self.unit_owners: dict[str, int] = {}
        for keys in self.unit_keys.values():
            for key in keys:
                self.unit_owners[key] = self.unit_owners.get(key, 0) + 1
        self.alias_heads = {
            entry_id: {key.split()[0] for key in keys if key} for entry_id, keys in self.alias_keys.items()
        }
        # one word-bounded rule for titles, minor headings and clauses naming a service
        self.service_patterns = {
            entry.id: _word_pattern(entry.section_words)
            for entry in self.catalogue.indicators if entry.section_words
        }
        self.excluded_patterns = {
            entry.id: _word_pattern(entry.excluded_by)
            for entry in self.catalogue.indicators if entry.excluded_by
        }
        self.alias_patterns = {
            entry_id: [re.compile(rf"(?<!\w){re.escape(key)}(?!\w)") for key in keys]
            for entry_id, keys in self.alias_keys.items()
        }

    def unit_fits(self, entry: Indicator, quantity: Quantity, unit_key: str) -> bool | None:
        """True when the number's unit (`unit_key`: its lemma key) is one of the indicator's;
        None when it has no unit."""
        if quantity.unit is None:
            if entry.kind in UNIT_BY_KIND:
                return False
            if quantity.noun and singular(quantity.noun) not in self.alias_heads[entry.id]:
                return False  # it counts something else: "6 coordonnateurs", "116 Titulaires"
            return None
        if entry.kind in UNIT_BY_KIND:
            return quantity.unit in UNIT_BY_KIND[entry.kind]
        if quantity.unit in ("EUR", "%"):
            return False
        return unit_key in self.unit_keys[entry.id]

    def unit_weight(self, unit_key: str) -> float:
        """The weight of a fitting unit: more for a unit only one indicator counts."""
        return SPECIFIC_UNIT_WEIGHT if self.unit_owners.get(unit_key, 0) == 1 else UNIT_WEIGHT

    def services_in(self, key: str) -> frozenset[str]:
        """Ids whose service words a lemma key (title, minor heading, clause) names, as whole
        words ("accueillis" does not name the "accueil"). Cached: every number under a heading
        asks for it again."""
        if key not in self._service_cache:
            self._service_cache[key] = frozenset(
                entry_id for entry_id, pattern in self.service_patterns.items() if key and pattern.search(key)
            )
        return self._service_cache[key]

    def section_score(self, entry: Indicator, title_services: list[frozenset[str]],
                      local_services: frozenset[str] = frozenset()) -> float:
        """1 when the innermost section's title (`title_services`: what each title of the path
        names) names the indicator's service, 0.7 for an enclosing one, a little more than 1 for
        a minor heading above the number inside the section (`local_services`)."""
        if entry.id in local_services:
            return LOCAL_HEADING
        for depth, services in enumerate(reversed(title_services)):
            if entry.id in services:
                return 1.0 if depth == 0 else 0.7
        return 0.0

    def label_alias_ids(self, label: str, whole: bool = False) -> set[str]:
        """Indicator ids whose aliases appear in a short label (section title, table row label,
        header or caption); with `whole`, only an alias that is the whole label but for names
        ("Charges de personnel", "Subvention Agglo"; not the "Charges" of "Charges
        financières" or "Autres charges"). Cached: every cell of a row and every number of a
        section asks again."""
        if (label, whole) not in self._label_cache:
            key = lemma_key(label)
            words = label.replace("-", " ").split()  # one word per word of `key`
            self._label_cache[label, whole] = {
                entry_id for entry_id, patterns in self.alias_patterns.items()
                if any((found := pattern.search(key)) and
                       (not whole or _only_names_besides(words, found, key))
                       for pattern in patterns)
            }
        return self._label_cache[label, whole]

    def link(self, quantity: Quantity, context: Context, alias_hits: dict[str, float]):
        """Return (indicator, score, method) for the best catalogue indicator, or None.

        Evidence: an alias near the number (or a near miss by rapidfuzz), an alias in a title of
        the sections it sits in ("LES DÉPENSES EN SECOURS"), the unit, the section's service.
        """
        best = None
        label_key = lemma_key(f"{context.label} {context.before}")  # table labels match exactly
        title_services = [self.services_in(lemma_key(section.title)) for section in context.sections]
        local_ids = self.services_in(lemma_key(context.local_heading))
        clause_key = lemma_key(_without_asides(f"{context.before} {context.label}"))
        clause_ids = self.services_in(clause_key)
        titled = set().union(*(self.label_alias_ids(s.title) for s in context.sections))
        for earlier in context.preceding:
            if titled:
                break
            titled = self.label_alias_ids(earlier.title)
        unit_key = lemma_key(quantity.unit or "")
        local_services = {self.catalogue.by_id[entry_id].prefix for entry_id in local_ids}
        for entry in self.catalogue.indicators:
            unit = self.unit_fits(entry, quantity, unit_key)
            if unit is False or entry.min_value is not None and quantity.value < entry.min_value:
                continue
            alias = alias_hits.get(entry.id, 0.0)
            method = "lemma_match" if alias else ""
            if not alias:
                # the alias must be the needle: "principal" alone is no near miss of "budget principal"
                fuzzy = max((fuzz.partial_ratio(key, label_key) for key in self.alias_keys[entry.id]
                             if 5 < len(key) <= len(label_key)), default=0)
                if fuzzy >= 90:
                    alias = FUZZY_STRENGTH
                    method = "fuzzy"
            if entry.named and method != "lemma_match":
                continue
            excluded = self.excluded_patterns.get(entry.id)
            if excluded and excluded.search(clause_key):
                continue
            section = self.section_score(entry, title_services, local_ids)
            if entry.id in clause_ids:
                section = CLAUSE_SECTION  # "les 3 LAEP ont accueilli 39 enfants"
            in_title = TITLE_ALIAS_WEIGHT if entry.id in titled else 0.0
            if not alias and not (unit and (section or in_title)):
                continue
            score = (ALIAS_WEIGHT * max(alias, in_title) + (self.unit_weight(unit_key) if unit else 0.0)
                     + SECTION_WEIGHT * section)
            if local_services and entry.prefix not in local_services and section < CLAUSE_SECTION:
                score -= OTHER_SERVICE_PENALTY  # under "ESA", "personnes accompagnées" are the ESA's
            if not method:
                method = "section_context"
            if context.table and alias:
                method = "table"
            if best is None or score > best[1]:
                best = (entry, score, method)
        if best and best[1] >= MIN_SCORE:
            return best
        return None

    def is_budget_part(self, row: str) -> bool:
        """True for a table row naming a budget or one of its sections ("Investissement")."""
        return bool(self.budget_part_pattern.search(lemma_key(row)))

    def unit_owner_ids(self, label: str) -> set[str]:
        """The indicator whose own unit (counted by no other) the whole label is."""
        key = lemma_key(label)
        if self.unit_owners.get(key) != 1:
            return set()
        return {entry_id for entry_id, units in self.unit_keys.items() if key in units}

    def row_entity_ids(self, row: str, caption: bool = False) -> set[str]:
        """Ids whose unit a table row label names as the one thing the row is about ("Accueil
        de loisirs de Badens", "AL Minervo sur la commune de Peyriac"), or a `caption` as the
        kind of thing every row is ("Accueils de loisirs"): their cells count something else."""
        if (row, caption) not in self._entity_cache:  # asked again by every cell of the row
            key = lemma_key(row)
            single = fold(row)
            self._entity_cache[row, caption] = {
                entry_id for entry_id, units in self.unit_keys.items()
                if any(key.startswith(unit + " ") or caption and key == unit for unit in units)
                or self.one_of_unit_patterns[entry_id].search(single)
            }
        return self._entity_cache[row, caption]


def _word_pattern(words: list[str]) -> re.Pattern[str]:
    """A pattern finding any of `words` (lemma keys, whole words) in a lemma key."""
    alternatives = "|".join(re.escape(lemma_key(word)) for word in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)" if words else r"(?!)")


_LINK_WORDS = {"de", "du", "des", "la", "le", "les", "l'", "d'", "et", "à", "au", "aux"}


def _only_names_besides(words: list[str], found: re.Match[str], key: str) -> bool:
    """True when the words of a label outside the matched alias are names (capitalised, not
    first) or link words: the alias is what the label is, not a qualified part of it."""
    first = len(key[: found.start()].split())
    last = first + len(found.group().split())
    return all(word.lower() in _LINK_WORDS or (index > 0 and word[:1].isupper())
               for index, word in enumerate(words) if not first <= index < last)


@dataclass
class AliasSpans:
    """The document's alias matches, sorted by start, for lookups by character range."""

    spans: list
    text: str = ""
    starts: list[int] = field(init=False)
    asides: set[int] = field(init=False)  # indexes of the spans inside parentheses

    def __post_init__(self) -> None:
        self.spans = sorted(self.spans, key=lambda span: span.start_char)
        self.starts = [span.start_char for span in self.spans]
        self.asides = set()
        for aside in _ASIDE.finditer(self.text):
            first = bisect.bisect_left(self.starts, aside.start())
            last = bisect.bisect_left(self.starts, aside.end())
            self.asides.update(i for i in range(first, last) if self.spans[i].end_char <= aside.end())

    def within(self, start: int, end: int):
        """(span, inside parentheses) for the spans between `start` and `end`."""
        first = bisect.bisect_left(self.starts, start)
        last = bisect.bisect_left(self.starts, end)
        return ((self.spans[i], i in self.asides) for i in range(first, last)
                if self.spans[i].end_char <= end)


def alias_hits_for(spans: AliasSpans, start: int, end: int) -> dict[str, float]:
    """Indicator ids whose aliases are matched between `start` and `end`."""
    hits: dict[str, float] = {}
    for span, aside in spans.within(start, end):
        # the longer alias wins a tie: "provient de la communauté de communes" over "provient"
        weight = 1.0 + LONGER_ALIAS_BONUS * (len(span) - 1)
        if aside:  # "4 agents chargés de la facturation (Aide à domicile, portage...)"
            weight *= ASIDE_WEIGHT
        hits[span.label_] = max(hits.get(span.label_, 0.0), weight)
    return hits


def extract_indicators(document: Document, sections: list[Section], *,
                       report_year: int | None, catalogue: Catalogue | None = None,
                       narrative: bool = False) -> list[IndicatorValue]:
    """Return every value of `document`: catalogue indicators and uncatalogued quantities.

    `narrative` (an article, not a report): a value without a year of its own takes the year
    the paragraph last named ("constituée en 2001 ... A l'époque, ... 17 agents").
    """
    catalogue = catalogue or default_catalogue()
    linker = Linker(catalogue)
    plain = document.plain
    doc = alias_pipeline()(plain)
    spans = AliasSpans(list(doc.spans[SPAN_KEY]), plain)
    values: list[IndicatorValue] = []
    seen: set[tuple] = set()
    seen_unscoped: set[tuple] = set()
    section_index = {id(section): index for index, section in enumerate(sections)}
    quantities = [q for q in find_quantities(plain) if q.role == "value"]
    heading_starts = sorted(section.start for section in sections)
    minor = [(heading.line.start, heading.title) for heading in minor_headings(document)]
    for index, quantity in enumerate(quantities):
        # A number's label ends at the next number or the next heading: "2023 - 19" then the
        # heading "SECOURS" is no count of secours.
        next_start = quantities[index + 1].start if index + 1 < len(quantities) else len(plain)
        next_heading = bisect.bisect_right(heading_starts, quantity.end)
        if next_heading < len(heading_starts):
            next_start = min(next_start, heading_starts[next_heading])
        if quantity.unit_end and quantity.unit_end > next_start:
            quantity = quantity.model_copy(update={"unit": None, "unit_raw": "", "unit_end": None})
            quantities[index] = quantity
        previous_end = quantities[index - 1].end if index else 0
        context = build_context(document, plain, quantity, sections, previous_end, next_start)
        if any(_TARGET_SECTION.search(s.title) for s in context.sections[-1:]):
            continue  # targets and perspectives are not activity (gold-format.md)
        context.local_heading = _local_heading(minor, quantity.start, context.sections)
        hits = _context_hits(quantity, context, spans, linker)
        linked = linker.link(quantity, context, hits)
        if linked is None and values and index and values[-1].indicator:
            previous = values[-1]
            entry = catalogue.by_id[previous.indicator]
            # a named indicator needs its own alias: "405.000 euros [de la communauté de
            # communes], 60.000 euros du département" are two sources of revenue
            if not entry.named and previous.start == quantities[index - 1].start and _continues_previous(
                    plain, quantities[index - 1], quantity, linker.unit_keys[entry.id]):
                linked = (entry, 2.0, "ellipsis")
        innermost = context.sections[-1] if context.sections else None
        year = find_year(plain, quantity, context, report_year,
                         section_start=innermost.start if innermost else 0, narrative=narrative)
        line_start, line_end = _line_bounds(document.text, quantity.start)
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
        # One instance per (indicator, year, scope, value), at its first occurrence; a large
        # number or an amount repeated under another label is the same fact, not a new scope.
        distinctive = value.value >= DISTINCT_VALUE or value.unit == "EUR"
        # a small count without a scope of its own is scoped by its section ("2 agents" of the
        # SSIAD and "2 agents" of the ALAE are two facts)
        key = (value.indicator, value.year, "" if distinctive else value.scope or value.section,
               round(value.value) if value.value >= DISTINCT_VALUE else round(value.value, 2))
        if value.indicator and key in seen:
            continue
        seen.add(key)
        if value.indicator and not distinctive and not value.scope:
            unscoped = (value.indicator, value.year, round(value.value, 2))
            if unscoped in seen_unscoped:
                value.scope = value.section  # the second "2 agents" is told apart by its section
            seen_unscoped.add(unscoped)
        values.append(value)
    return values


_LIST_GAP = re.compile(r"^(?:(?!\n\s*\n)[^.;!?]){0,60}?(?:,|\bet\b|\bdont\b|/|\bpuis\b)[^.;!?]{0,12}$")
_PART = re.compile(r"\bdont\s*$")


def _continues_previous(plain: str, previous: Quantity, quantity: Quantity, units: set[str]) -> bool:
    """True when `quantity` goes on from `previous`, linked to an indicator counting `units`:
    the next item of the same list ("43 dossiers en 2022, 48 en 2023", "754 bénéficiaires
    dont 653 ... et 101", "4 dossiers ... et 2 dossiers") or a part of it ("39 975 / Le nombre
    d'appels gérés dont 5 124 en interne"), and names nothing else."""
    if quantity.noun or quantity.unit and lemma_key(quantity.unit) not in units:
        return False
    gap = re.sub(r"\([^()]*\)", "", plain[previous.unit_end or previous.end : quantity.start])
    if _PART.search(gap.replace("*", " ").rstrip()) and not re.search(r"[.!?;]\s|\n\s*\n", gap.lstrip()):
        return True
    same_noun = quantity.unit is None or quantity.unit == previous.unit
    return same_noun and bool(_LIST_GAP.match(gap))


def _context_hits(quantity: Quantity, context: Context, spans: AliasSpans,
                  linker: Linker) -> dict[str, float]:
    """Alias matches in the number's own label, the clause before it, or its table labels.

    A table caption names what every cell counts only when the rows hold one number each;
    a chart-of-accounts row ("011. Charges à caractère général") is a detail line, named by its
    own label alone, never by the caption or the column header.
    """
    hits: dict[str, float] = {}
    table = context.table
    if table and table.account and linker.planned_column_pattern.match(lemma_key(table.header)):
        return hits  # the planned credits of a chapter, beside what was realised

    def add(found: dict[str, float] | set[str], weight: float) -> None:
        for key in found:
            strength = weight * (found[key] if isinstance(found, dict) else 1.0)
            hits[key] = max(hits.get(key, 0.0), strength)

    add(alias_hits_for(spans, *context.label_range), 1.0)
    add(alias_hits_for(spans, *context.before_range), 1.0)
    if table:
        row_ids = linker.label_alias_ids(table.row, whole=table.account)
        header_ids = set() if table.account else linker.label_alias_ids(table.header)
        if not header_ids:  # a column header naming the measure makes the row a scope only
            add(row_ids - linker.row_entity_ids(table.row), 1.0)
            add(linker.unit_owner_ids(table.row), 1.0)  # "ALAE | 67" reads "67 ALAE"
        if not table.account:
            add(header_ids, 1.0)
            if table.value_columns <= 1:
                # a caption names what a row counts ("nombre d'enfants accueillis"); for amounts
                # only when the row is a budget or a part of one: the lines under "Dépenses
                # d'équipement" are details, not the expenses of a budget
                caption_ids = (linker.label_alias_ids(table.caption)
                               - linker.row_entity_ids(table.caption, caption=True))
                if not linker.is_budget_part(table.row):
                    caption_ids = caption_ids - linker.named_ids
                add(caption_ids, 0.8)
    return hits


def _unit_for(entry: Indicator, quantity: Quantity) -> str:
    if quantity.unit and lemma_key(quantity.unit) in {lemma_key(u) for u in entry.units}:
        return next(u for u in entry.units if lemma_key(u) == lemma_key(quantity.unit))
    return entry.unit
