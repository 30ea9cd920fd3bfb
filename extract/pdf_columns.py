"""Columns of a PDF page: which pieces of text are read before which.

A *piece* is a run of text on one baseline with ordinary word spacing. `reading_order` finds a
vertical white gutter with text on both sides (pieces of three words or more, or columns of words
whose lines do not pair up like a table's rows), reads the left side before the right,
recursively, and cuts the page into bands where pieces cross the gutter (a title, a full-width
table). Used by `pdf_layout.page_lines`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter

# a horizontal gap of 1.5 font sizes separates two pieces on one baseline (the widest spaces of
# justified text stay below it)
GAP_EM = 1.5
MIN_TEXT_WORDS = 3  # a piece of text (not a label or a cell) has this many words with letters
_WORD = re.compile(r"[^\W\d_]{2,}")
_TOP = attrgetter("top")


@dataclass(slots=True)
class Piece:
    """A run of text on one baseline; coordinates in points, top-down."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float | None
    bold: bool
    first_word: float  # width of its first word (an estimate when `measure` is given)
    tabbed: bool = False  # already a table row with tab-separated cells (a ruled table)
    measure: Callable[[], float] | None = None  # the exact width of the first word, on demand
    words: int = -1  # words with letters, counted once

    def word_count(self) -> int:
        """Its words with letters (counted once: the column finder asks again and again)."""
        if self.words < 0:
            self.words = len(_WORD.findall(self.text))
        return self.words

    def is_text(self) -> bool:
        """A piece of running text (not a cell or a label): three words or more."""
        return self.word_count() >= MIN_TEXT_WORDS


def _text_share(side: list[Piece]) -> float:
    """The share of a side's characters in pieces of running text (not cells or labels)."""
    total = running = 0
    for piece in side:
        length = len(piece.text)
        total += length
        if (piece.words if piece.words >= 0 else piece.word_count()) >= MIN_TEXT_WORDS:
            running += length
    return running / total if total else 0.0


def _column_like(side: list[Piece]) -> bool:
    """A side that reads as a column: mostly words (not a column of figures), its pieces filling
    its width (not several columns of a table)."""
    worded = sum(1 for p in side if p.word_count())
    width = max(p.x1 for p in side) - min(p.x0 for p in side)
    widths = sorted(p.x1 - p.x0 for p in side)
    return worded >= 0.6 * len(side) and widths[len(widths) // 2] >= 0.4 * width


def _filled(side: list[Piece]) -> float:
    """Share of a side's lines that reach near its right edge, as the wrapped lines of a
    paragraph do (the cells of a table end anywhere)."""
    right = max(p.x1 for p in side)
    width = right - min(p.x0 for p in side)
    return sum(1 for p in side if p.x1 >= right - 0.15 * width) / len(side)


def _aligned(left: list[Piece], right: list[Piece]) -> float:
    """Share of the pieces of the smaller side with a piece of the other side on the same
    baseline (as the cells of a table's rows)."""
    few, many = (left, right) if len(left) <= len(right) else (right, left)
    bottoms = sorted(p.bottom for p in many)
    hits = 0
    for piece in few:
        tolerance = 0.25 * (piece.size or 10.0)
        at = bisect_right(bottoms, piece.bottom - tolerance)
        hits += at < len(bottoms) and bottoms[at] <= piece.bottom + tolerance
    return hits / len(few)


def find_gutter(pieces: list[Piece]) -> tuple[float, float] | None:
    """A vertical white strip between two sides that read as columns, crossed by few pieces:
    running text on both sides, or some text or columns of words on each side whose lines do
    not pair up like the rows of a table."""
    starts, ends = [p.x0 for p in pieces], [p.x1 for p in pieces]
    lo, hi = min(starts), max(ends)
    sizes = sorted(p.size or 10.0 for p in pieces)
    min_width = max(6.0, 0.8 * sizes[len(sizes) // 2])
    events = sorted([(x, 1) for x in starts] + [(x, -1) for x in ends])
    allowed = max(1, len(pieces) // 5)
    low, high = lo + 0.1 * (hi - lo), hi - 0.1 * (hi - lo)  # not in the outer tenths
    candidates = []
    coverage = 0
    for (x, delta), (following, _) in zip(events, events[1:], strict=False):
        coverage += delta
        if coverage <= allowed and following - x >= min_width and \
                low < (x + following) / 2 < high:
            candidates.append((coverage, x - following, x, following))
    for _, _, a, b in sorted(candidates)[:3]:
        left = [p for p in pieces if p.x1 <= a]
        right = [p for p in pieces if p.x0 >= b]
        if len(left) < 2 or len(right) < 2:
            continue
        if min(max(p.bottom for p in left), max(p.bottom for p in right)) <= \
                max(min(p.top for p in left), min(p.top for p in right)):
            continue  # one above the other, not side by side
        shares = min(_text_share(left), _text_share(right))
        if shares >= 0.5 and (_filled(left) >= 0.5 or _aligned(left, right) < 0.9):
            return a, b  # running text on both sides (not a table of sentences, row by row)
        if shares >= 0.25 and _aligned(left, right) < 0.8:
            return a, b  # text and a table or labels, not in rows
        if _column_like(left) and _column_like(right) and _aligned(left, right) < 0.6:
            return a, b  # columns of labels, not in rows
    return None


def _side_by_side(pieces: list[Piece]) -> bool:
    """Some two pieces share a height of the page (a page of stacked lines has no columns)."""
    if len(pieces) < 4:
        return False
    ordered = sorted(pieces, key=_TOP)
    lowest = ordered[0].bottom
    for piece in ordered[1:]:
        if piece.top < lowest - 0.25 * (piece.size or 10.0):
            return True
        lowest = max(lowest, piece.bottom)
    return False


def reading_order(pieces: list[Piece], depth: int = 0) -> list[list[Piece]]:
    """The pieces of a page as regions in reading order: columns left to right, bands of pieces
    crossing the gutter between them."""
    gutter = find_gutter(pieces) if depth < 3 and _side_by_side(pieces) else None
    if gutter is None:
        return [pieces] if pieces else []
    a, b = gutter
    # a piece reaching over both columns (a title, a full-width table) cuts the page into
    # bands; one reaching into the gutter from one side only (a line a little longer than its
    # column's others) belongs to that side
    left_end = max((p.x1 for p in pieces if p.x1 <= a), default=a)
    right_start = min((p.x0 for p in pieces if p.x0 >= b), default=b)
    crossing = [p.x0 < left_end and p.x1 > right_start for p in pieces]
    spanning = sorted((p for p, across in zip(pieces, crossing, strict=True) if across), key=_TOP)
    tops = [p.top for p in spanning]
    sides: list[tuple[list[Piece], list[Piece]]] = [([], []) for _ in range(len(spanning) + 1)]
    middle = (a + b) / 2
    for piece, across in zip(pieces, crossing, strict=True):
        if not across:
            side = 0 if piece.x0 < a or (piece.x0 + piece.x1) / 2 < middle else 1
            sides[bisect_right(tops, piece.top)][side].append(piece)
    regions: list[list[Piece]] = []
    band: list[Piece] = []
    for index, (left, right) in enumerate(sides):
        if left or right:
            if band:
                regions.append(band)
                band = []
            regions.extend(reading_order(left, depth + 1))
            regions.extend(reading_order(right, depth + 1))
        if index < len(spanning):
            band.append(spanning[index])
    if band:
        regions.append(band)
    return regions
