"""Role lines of a team: a team listed by role is counted by its lines, not one of them.

"8 travailleurs sociaux / 6 agents administratifs mobilisés" lists a team by role: each line is a
part of the team (gold-format.md, conventions 1 and 2), while "13 travailleurs sociaux mobilisés"
alone under its heading is the team's size. A number in one of the units of `schemas/roles.yaml`
(`role_lines`) is a role line when another number of the same unit and year sits beside it: in
the same paragraph, or in the next short paragraph of a list, with no heading between them.
"""

from __future__ import annotations

import bisect
import re
from functools import cache
from pathlib import Path

import yaml

from ..quantities import Quantity
from .roles import ROLES_PATH

PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n")
LIST_LINE_CHARS = 160  # a paragraph of one line up to this length can be a list item


def role_line_cues(path: str | Path | None = None) -> tuple[str, frozenset[str]]:
    """The role a role line takes and the units that make one (`role_lines` in roles.yaml, or in
    a catalogue's own `catalogue.linker.roles`)."""
    return _role_line_cues(Path(path or ROLES_PATH).read_text(encoding="utf-8"))


@cache  # keyed by the text, as `roles.role_cues`
def _role_line_cues(text: str) -> tuple[str, frozenset[str]]:
    data = yaml.safe_load(text)
    cues = data.get("role_lines") or {}
    return cues.get("role", "part"), frozenset(cues.get("units", []))


def role_lines(plain: str, quantities: list[Quantity], linkable: list[bool], years: list[int | None],
               heading_starts: list[int], units: frozenset[str] | None = None) -> set[int]:
    """Indexes (in `quantities`) of the numbers that are role lines of a team listed by role: a
    `linkable` value (one with candidates) in one of `units` beside another of the same unit
    and year ("8 travailleurs sociaux / 6 agents administratifs"; not "65 agents" beside "2
    nouveaux agents", a part, nor "12 agents" beside "43 agents ont suivi la formation")."""
    units = role_line_cues()[1] if units is None else units
    found: set[int] = set()
    last: dict[str, int] = {}  # unit -> index of the last value in that unit
    for i, quantity in enumerate(quantities):
        if quantity.unit not in units or not linkable[i]:
            continue
        j = last.get(quantity.unit)
        last[quantity.unit] = i
        if j is not None and years[j] == years[i] and _beside(plain, quantities[j], quantity,
                                                              heading_starts):
            found.update((i, j))
        elif _starts_line(plain, quantity) and any(
                _other_role_line(plain, quantities, years, heading_starts, i, k) for k in (i - 1, i + 1)):
            found.add(i)
    return found


_LINE_LEAD = re.compile(r"[\s\-–—»•▪●◦■◆*]*")


def _starts_line(plain: str, quantity: Quantity) -> bool:
    """True when the number opens its line (after a bullet): a list item."""
    start = plain.rfind("\n", 0, quantity.start) + 1
    return _LINE_LEAD.fullmatch(plain[start : quantity.start]) is not None


def _other_role_line(plain: str, quantities: list[Quantity], years: list[int | None],
                     heading_starts: list[int], i: int, k: int) -> bool:
    """True when number `k` opens the list item next to number `i`'s and counts another noun
    ("- 1 responsable / - 8 agents", "3 cadres mobilisés / 4 agents administratifs")."""
    if not 0 <= k < len(quantities) or years[k] != years[i]:
        return False
    other = quantities[k]
    if other.unit is not None or not other.noun or not _starts_line(plain, other):
        return False
    first, second = sorted((quantities[i], other), key=lambda q: q.start)
    return _beside(plain, first, second, heading_starts) and plain.count(
        "\n", first.start, second.start) >= 1


def _beside(plain: str, first: Quantity, second: Quantity, heading_starts: list[int]) -> bool:
    """True when no heading starts between the two numbers and they share a paragraph or sit in
    consecutive one-line paragraphs of a list."""
    if bisect.bisect_right(heading_starts, first.end) != bisect.bisect_right(heading_starts, second.start):
        return False
    between = plain[first.end : second.start]
    breaks = list(PARAGRAPH_BREAK.finditer(between))
    if not breaks:
        return True
    if between[breaks[0].end() : breaks[-1].start()].strip():
        return False  # a paragraph between them
    return _list_item(plain, first.start) and _list_item(plain, second.start)


def _list_item(plain: str, offset: int) -> bool:
    """True when the paragraph holding `offset` is short enough to be an item of a list."""
    window = max(0, offset - LIST_LINE_CHARS - 2)
    start = next(reversed([found.end() for found in PARAGRAPH_BREAK.finditer(plain, window, offset)]), None)
    end_break = PARAGRAPH_BREAK.search(plain, offset, offset + LIST_LINE_CHARS + 2)
    if start is None and offset > LIST_LINE_CHARS + 2:
        return False
    end = end_break.start() if end_break else len(plain)
    return end - (start or 0) <= LIST_LINE_CHARS
