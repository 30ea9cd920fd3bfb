"""Small text helpers shared by the linking steps: lines, years."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..quantities import season_end

YEAR = re.compile(r"(?<![\d,.])(?:19[5-9]\d|20[0-4]\d)(?:\s?[/-]\s?((?:19|20)?\d{2}))?(?!\d|,\d)")


def line_bounds(text: str, offset: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return start, len(text) if end < 0 else end


def lines_above(text: str, line_start: int) -> Iterator[tuple[int, str]]:
    """The lines above the line starting at `line_start`, nearest first, as (start, text)."""
    while line_start > 0:
        previous_start = text.rfind("\n", 0, line_start - 1) + 1
        yield previous_start, text[previous_start : line_start - 1]
        line_start = previous_start



def year_value(match: re.Match[str]) -> int:
    first = int(match.group(0)[:4])
    if match.group(1):  # "2022/2023" and "2022-23" are the later year; "2022 / 36" is no pair
        return season_end(match.group(0)) or first
    return first
