"""The year a value refers to: its table column, its clause, its line, a year heading above it."""

from __future__ import annotations

import re
from itertools import islice

from ..quantities import Quantity
from .context import Context, clause_after
from .text import YEAR, line_bounds, lines_above, year_value

TARGET_SECTION = re.compile(r"perspective|objectifs? 20|projet", re.I)
_YEAR_LEAD = re.compile(r"^\W*(?:en\s+|année\s+)?((?:19|20)\d{2})\s*[:,\-–]\s*$", re.I)
_YEAR_HEADING = re.compile(r"^\W*(?:[^\d\n]{0,40}\s)?((?:19|20)\d{2})\s*:?\W*$")
_CLAUSE_YEAR_LEAD = re.compile(r"^\W*(?:en\s+)?((?:19|20)\d{2})\s*[:\-–]\s", re.I)
HEADING_LOOKBACK_LINES = 12
_NARRATIVE_YEAR = re.compile(r"\ben\s+((?:19|20)\d{2})\b", re.I)


def find_year(plain: str, quantity: Quantity, context: Context, report_year: int | None,
              section_start: int = 0, narrative: bool = False) -> int | None:
    """The year a value refers to: its table column, a year in its clause, a year leading its
    line ("2022 - 132 demandes", "En 2023 : 88"), a short year heading above a list ("Les
    chiffres de 2022"), else the report's."""
    if context.table and context.table.header_year:
        return context.table.header_year
    line_start, line_end = line_bounds(plain, quantity.start)
    lead = _YEAR_LEAD.match(plain[line_start : quantity.start])
    if lead:
        return int(lead.group(1))
    after = plain[slice(*context.label_range)]
    after = after[: len(clause_after(after, 0, len(after)))]
    match = YEAR.search(after)
    if not match and re.fullmatch(r"[\s*]*(?:en|au|pour|sur)?\s*", after, re.I):
        # the clause continues on the next line ("48 EN\n2023)")
        _, next_end = line_bounds(plain, line_end + 1)
        continuation = plain[line_end + 1 : next_end]
        head = re.match(r"^\s*(?:en\s+)?((?:19|20)\d{2})", continuation, re.I)
        match = YEAR.search(head.group(1)) if head else None
    between = re.sub(r"\d+\s*ans\b", "", after[: match.start()] if match else "")  # "21 ans en 2022"
    if match and not re.search(r"\d", between.replace(quantity.unit_raw, "")):
        return year_value(match)
    before = plain[slice(*context.before_range)]
    years = list(YEAR.finditer(before))
    if years and not re.search(r"\d", before[years[-1].end():]):
        return year_value(years[-1])
    if years and re.search(r"\b(?:en|exercice|année)\s+$", before[: years[-1].start()], re.I):
        return year_value(years[-1])
    continued = _continued_line_year(plain, line_start, quantity.start)
    if continued:
        return continued
    if narrative:
        told = list(_NARRATIVE_YEAR.finditer(plain[line_start : quantity.start]))
        if told:
            return int(told[-1].group(1))
    heading = _year_heading_above(plain, line_start, section_start)
    return heading or report_year


def _year_heading_above(plain: str, line_start: int, section_start: int) -> int | None:
    """The year of a short heading line above, within the section ("Les chiffres de 2022")."""
    for previous_start, line in islice(lines_above(plain, line_start), HEADING_LOOKBACK_LINES):
        if previous_start < section_start:
            return None
        line = line.strip()
        if not line or len(line.split()) > 5:
            continue
        if TARGET_SECTION.search(line):
            return None  # "Perspectives 2020" heads plans, not figures
        heading = _YEAR_HEADING.match(line)
        if heading and len(re.findall(r"\d+", line)) == 1:
            return int(heading.group(1))
        if not re.search(r"\d", line):
            return None  # another heading ("Chiffres clés") starts a new block
    return None


def _continued_line_year(plain: str, line_start: int, start: int) -> int | None:
    """The year leading the line above when the number's line goes on from it in lower case
    ("2022 : 8 femmes accueillies en urgence" / "soit 170 nuitées"): the year heads both."""
    if not re.match(r"^[\W_]*[a-zà-ÿ]", plain[line_start:start]):
        return None
    for _, previous in islice(lines_above(plain, line_start), 1):
        lead = _CLAUSE_YEAR_LEAD.match(previous)
        return int(lead.group(1)) if lead else None
    return None

