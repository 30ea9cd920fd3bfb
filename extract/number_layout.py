"""Numbers that the layout of a report gives a role: outline numbers and contents page numbers.

A reader knows without reading the words that the "1.3.2" opening a heading is its outline number
and that the number closing a line of the table of contents is a page: neither is a measure.
`layout_roles(text, ...)` returns their spans. It reads lines, never sections (it runs before
them and knows nothing of them); the table of contents is `contents.find_contents`'s and the
outline numbers are read by `outline.parse_outline`, as the heading tree reads them:

- on a line of the table of contents, its page number and its outline number;
- an outline number opening a line and a title: "1.3.2 Les aides" (three levels or more,
  always), "1.2 Accéder aux droits", "3. Les seniors" or "2) Les familles" (when what follows is
  no unit: "1.5 ETP" stays a value); any number opening a line whose title is an entry of the
  contents ("2 Vie des seniors", "1 3.3 Les aides" where conversion lost a dot).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from .contents import entry_key, find_contents
from .document import Line
from .outline import Outline, parse_outline
from .reader import page_spans, split_lines

LayoutRole = Literal["outline", "page"]

_MARKDOWN = re.compile(r"[ \t]*[#>]*")  # "## 1.2 Titre", "> 1.2 Titre"
_TITLE_KEY = 20  # characters of a folded title compared between contents and body


def text_lines(text: str) -> list[Line]:
    """The lines of a text with their offsets and pages, as the text reader makes them."""
    return [line for number, (start, end) in enumerate(page_spans(text), start=1)
            for line in split_lines(text, start, end, number)]


def layout_roles(text: str, *, is_measure: Callable[[int], bool]
                 ) -> list[tuple[int, int, LayoutRole]]:
    """Given a text, return (start, end, role) of its outline numbers (role ``outline``) and of
    the page numbers of its table of contents (role ``page``).

    `is_measure(offset)`: true when a unit or multiplier starts at `offset` ("1.5 ETP").
    """
    lines = text_lines(text)
    contents = find_contents(lines)
    spans: list[tuple[int, int, LayoutRole]] = []
    for found in contents:
        if found.page is not None:
            spans.append((*found.page, "page"))
        if found.outline is not None and found.outline.style == "decimal":
            spans.append((found.line.start + found.outline.span[0],
                          found.line.start + found.outline.span[1], "outline"))
    listed = {entry_key(found.entry)[:_TITLE_KEY] for found in contents if found.page}
    skip = {found.line.start for found in contents}
    for line in lines:
        if line.start in skip:
            continue
        lead = _MARKDOWN.match(line.text).end()
        outline = _heading_number(line, lead, listed, is_measure)
        if outline is not None:
            spans.append((line.start + lead + outline.span[0], line.start + lead + outline.span[1],
                          "outline"))
    return spans


def _heading_number(line: Line, lead: int, listed: set[str],
                    is_measure: Callable[[int], bool]) -> Outline | None:
    """The number opening `line` (after `lead` characters of markdown marks) when it numbers a
    heading: three levels or more; a title listed in the contents; two levels, or one with its
    mark ("3.", "2)"), before a title that is no unit. A number that lost a dot ("1 3.3 Les
    aides") only when its title is listed."""
    text = line.text[lead:]
    if not text.lstrip()[:1].isdigit():
        return None
    found = parse_outline(text, list_items=True)
    if found is None or found.style not in ("decimal", "list"):
        found = parse_outline(text, loose=True)
        return found if found and entry_key(found.rest)[:_TITLE_KEY] in listed else None
    if found.depth >= 3 or entry_key(found.rest)[:_TITLE_KEY] in listed:
        return found
    if found.depth == 1 and not found.mark:
        return None  # "12 Femmes accueillies": only the contents make it a heading
    return None if is_measure(line.end - len(found.rest)) else found
