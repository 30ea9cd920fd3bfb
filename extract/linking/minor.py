"""Minor headings for the linker: the nearest heading below the contents' level above a number.

`local_heading` picks it among the document's minor headings (`sections.minor_headings`, which in
a PDF include the title-like lines set apart in body type, as blank lines make them minor headings
in the same report as text).
"""

from __future__ import annotations

import bisect

from ..sections import Section


def local_heading(minor: list[tuple[int, str]], offset: int, path: list[Section]) -> str:
    """The nearest minor heading above `offset` inside its innermost section, if any."""
    index = bisect.bisect_right(minor, (offset, "")) - 1
    if index < 0 or not path:
        return ""
    start, title = minor[index]
    return title if path[-1].start < start < offset else ""
