"""Minor headings for the linker: the nearest heading below the contents' level above a number.

`local_heading` picks it among the document's minor headings (`sections.minor_headings`); in a
PDF, `label_lines` adds the title-like lines set in body type that blank lines make minor
headings in the same report as text.
"""

from __future__ import annotations

import bisect

from ..document import Document
from ..headings import clean_line, looks_like_title
from ..sections import Section
from .context import BULLET_LINE


def label_lines(document: Document, taken: set[int]) -> list[tuple[int, str]]:
    """In a PDF, the short title-like lines standing apart in body type (a blank line above and
    a blank or a new sentence below, or the end of a sentence above and a blank below; no
    colon ending them: "Les équipes", "ÉQUIPE"): a reader takes them
    for the minor headings they are in the same report as text, where blank lines make them so.
    `taken`: starts of the headings already known. Empty for a text (its minor headings say it
    all)."""
    lines = document.lines
    if not any(line.font_size for line in lines):
        return []
    found = []
    for index in range(1, len(lines) - 1):
        line = lines[index]
        above, below = lines[index - 1].text.strip(), lines[index + 1].text.strip()
        apart = (not above and (not below or below[:1].isupper())
                 or above.endswith((".", "!", "?", ":", ";")) and not below)
        if (apart and line.start not in taken and not line.is_blank
                and not BULLET_LINE.match(line.text) and not line.text.rstrip().endswith(":")
                and looks_like_title(clean_line(line))):
            found.append((line.start, clean_line(line)))
    return found


def local_heading(minor: list[tuple[int, str]], offset: int, path: list[Section]) -> str:
    """The nearest minor heading above `offset` inside its innermost section, if any."""
    index = bisect.bisect_right(minor, (offset, "")) - 1
    if index < 0 or not path:
        return ""
    start, title = minor[index]
    return title if path[-1].start < start < offset else ""
