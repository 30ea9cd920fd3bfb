"""Page layout for the PDF readers: from pieces of text with positions to lines read in order.

A *piece* is a run of text on one baseline with ordinary word spacing. `page_lines(pieces)`:

1. orders the pieces by columns (`pdf_columns.reading_order`): a vertical white gutter with text
   on both sides splits the page, recursively; pieces crossing it (a title, a full-width table)
   cut the page into bands read one after the other;
2. makes rows of the pieces on one baseline; a row of several pieces is a table row, its cells
   joined by tabs (the contract with `tables.py`), aligned on the columns of its neighbour rows so
   that an empty cell stays a cell;
3. joins the wrapped lines of a paragraph into one line (same font, normal line spacing, and the
   line before is full: the next line's first word would not have fitted on it), keeps headings,
   list items, table rows and short labels as their own lines, and puts a blank line between
   blocks (a vertical gap, a new column), as the converted text corpus has them.
"""

from __future__ import annotations

import re
from functools import lru_cache, partial
from operator import attrgetter

from .pdf_columns import GAP_EM, Piece, reading_order

__all__ = ["GAP_EM", "Piece", "page_lines", "round_tenth"]

BLANK_EM = 0.5  # a vertical gap of half a font size between two lines is a paragraph break
BLANK_LINE_EM = 0.8  # each such height of the gap is one blank line, up to MAX_BLANKS
MAX_BLANKS = 3
# a list item: a bullet symbol then a space ("- ", "• ", "¤ ", "➢ "), or "1) ", "2. " before a word
_BULLET = re.compile(r"^[-–—•»▪●◦■□◆◇✦✧➢➤►▶✓✔*¤→·○❖♦]\s|^\d{1,2}[.)]\s+\D")
# a piece that is only a list marker: a bullet, "1.", "2)", "a)"
_MARKER = re.compile(r"^(?:[-–—•»▪●◦■□◆◇✦✧➢➤►▶✓✔*¤→·○❖♦]|\d{1,2}[.)]|[a-z][.)])$")
_TOP_LEFT, _LEFT = attrgetter("top", "x0"), attrgetter("x0")
_TENTH = lru_cache(maxsize=4096)(partial(round, ndigits=1))


def round_tenth(value: float) -> float:
    """`round(value, 1)`, remembered: Python's exact decimal rounding costs more than the rest
    of a line's layout, and positions and sizes repeat from line to line and page to page. Zero
    is returned as it is (0.0 and -0.0 would share one entry)."""
    return _TENTH(value) if value else value


def page_lines(pieces: list[Piece]) -> list[dict]:
    """The line specs (text, bbox, font_size, bold) of one page, in reading order. A paragraph
    going on from the foot of a column to the head of the next is one line (`join_carried`)."""
    lines: list[dict] = []
    for region in reading_order(pieces):
        block = region_lines(region)
        if lines and block and join_carried(lines[-1], block[0]):
            block = block[1:]
        elif lines and block and lines[-1]["text"]:
            lines.append({"text": ""})
        lines.extend(block)
    head = lines[0].get("_head") if lines else None
    if head is not None and head.measure is not None:  # measured while its page is open: the
        head.first_word, head.measure = head.measure(), None  # page before may ask for it
    return lines


# A paragraph carried over a column or page break: the last line of a column is full (the next
# word would not have fitted on it) and the next column or page opens on a line in the same type
# that starts in lower case (no sentence starts so) and is no list item. Its region is a column
# of text, not a box of labels ("14%" / "de taux" / "de pauvreté").
CARRIED_MIN_WIDTH_EM = 15


def join_carried(last: dict, first: dict) -> bool:
    """Append `first` (the first line of a column or page) to `last` (the last line of the
    column or page before) when it carries the paragraph of `last` on; True when joined."""
    end, head = last.get("_open"), first.get("_head")
    if end is None or head is None:
        return False
    piece, right, width = end
    size = piece.size or 10.0
    if head.bold != piece.bold or abs((head.size or size) - size) > 0.3 or \
            width < CARRIED_MIN_WIDTH_EM * size or _BULLET.match(head.text) or \
            not (head.text[:1].islower() or last["text"].endswith("-")):
        return False
    room = right - 0.2 * size - piece.x1 - 0.3 * size
    word = head.measure() if head.measure is not None else head.first_word
    if word <= room:
        return False
    joined = last["text"] + ("" if last["text"].endswith("-") else " ") + first["text"]
    last["text"] = joined
    last["_open"] = first.get("_open")
    return True


def strip_private(lines: list[dict]) -> list[dict]:
    """The line specs without the layout notes `join_carried` reads."""
    for spec in lines:
        spec.pop("_open", None)
        spec.pop("_head", None)
    return lines


# --- rows, tables and paragraphs ----------------------------------------------------------------


def make_rows(region: list[Piece]) -> list[list[Piece]]:
    """Pieces grouped by baseline (a piece whose middle is within the row's first piece), top to
    bottom, each row left to right."""
    rows: list[list[Piece]] = []
    for piece in sorted(region, key=_TOP_LEFT):
        if rows:
            head = rows[-1][0]
            if head.top <= (piece.top + piece.bottom) / 2 <= head.bottom:
                rows[-1].append(piece)
                continue
        rows.append([piece])
    for index, row in enumerate(rows):
        if len(row) > 1:
            row.sort(key=_LEFT)
            if _MARKER.match(row[0].text) and not row[0].tabbed:
                rows[index] = [_with_marker(row[0], row[1]), *row[2:]]
    return rows


def _with_marker(marker: Piece, piece: Piece) -> Piece:
    """A list item whose bullet or number stands apart from its text (a tab stop): one piece."""
    return Piece(text=f"{marker.text} {piece.text}", x0=marker.x0, top=min(marker.top, piece.top),
                 x1=piece.x1, bottom=max(marker.bottom, piece.bottom), size=piece.size,
                 bold=piece.bold, first_word=marker.x1 - marker.x0)


def _is_table_row(row: list[Piece]) -> bool:
    return len(row) > 1 or row[0].tabbed


def table_cells(rows: list[list[Piece]]) -> list[str]:
    """Tab-joined rows of a run of table rows, cells placed in the columns the rows share (an
    empty cell stays an empty cell); rows as they are when the columns do not line up or leave
    a column mostly empty."""
    slots: list[list[float]] = []
    for x0, x1 in sorted((p.x0, p.x1) for row in rows for p in row if not p.tabbed):
        if slots and x0 <= slots[-1][1]:
            slots[-1][1] = max(slots[-1][1], x1)
        else:
            slots.append([x0, x1])
    grid = []
    filled = [0] * len(slots)  # rows with a text in each slot
    for row in rows:
        if row[0].tabbed or len(slots) < len(row):
            cells = [p.text for p in row]
        else:
            cells = [""] * len(slots)
            for piece in row:
                middle = (piece.x0 + piece.x1) / 2
                slot = 0
                for index, (a, b) in enumerate(slots):
                    if a <= middle <= b:
                        slot = index
                        break
                cells[slot] = f"{cells[slot]} {piece.text}".strip()
        for index, cell in enumerate(cells[:len(slots)]):
            if cell:
                filled[index] += 1
        grid.append(cells)
    if any(count < 0.4 * len(rows) for count in filled):  # no grid (a bar chart's labels)
        grid = [[p.text for p in row] for row in rows]
    return ["\t".join(cells) for cells in grid]


def _continues(last: Piece, nxt: Piece, right: float) -> bool:
    """True when `nxt` is the wrapped continuation of the line ending with `last`."""
    size = last.size or 10.0
    if nxt.bold != last.bold or abs((nxt.size or size) - size) > 0.3:
        return False
    gap = nxt.top - last.bottom
    if gap > BLANK_EM * size or gap < -0.5 * size or _BULLET.match(nxt.text):
        return False
    room = right - 0.2 * size - last.x1 - 0.3 * size  # what was left on the line before
    word = nxt.first_word
    if nxt.measure is not None and 0.7 * room < word < 1.3 * room:
        word = nxt.measure()
    return word > room


def _spec(pieces: list[Piece], text: str) -> dict:
    first = pieces[0]
    x0, top, x1, bottom = first.x0, first.top, first.x1, first.bottom
    for piece in pieces[1:]:  # one pass, not four generators: most rows have one piece
        if piece.x0 < x0:
            x0 = piece.x0
        if piece.top < top:
            top = piece.top
        if piece.x1 > x1:
            x1 = piece.x1
        if piece.bottom > bottom:
            bottom = piece.bottom
    tenth = _TENTH  # `round_tenth` in place: four calls a line
    return {"text": text, "font_size": first.size, "bold": first.bold,
            "bbox": (tenth(x0) if x0 else x0, tenth(top) if top else top,
                     tenth(x1) if x1 else x1, tenth(bottom) if bottom else bottom)}


def region_lines(region: list[Piece]) -> list[dict]:
    """The lines of one column or band: table rows, joined paragraphs, blank lines between
    blocks."""
    if not region:
        return []
    rows = make_rows(region)
    tabular = [_is_table_row(row) for row in rows]
    # the right edge of the text (a table wider than the column does not move it)
    right = right_edge([row[0] for row, table in zip(rows, tabular, strict=True) if not table])
    lines: list[dict] = []
    index, count = 0, len(rows)
    previous: list[Piece] | None = None
    while index < count:
        row = rows[index]
        if previous is not None:
            lines.extend(_blank_lines(previous, row))
        if tabular[index]:
            end = index + 1
            while end < count and tabular[end] and not _break(rows[end - 1], rows[end], 1.0):
                end += 1
            group = rows[index:end]
            lines.extend(_spec(r, t) for r, t in zip(group, table_cells(group), strict=True))
            previous, index = group[-1], end
            continue
        paragraph = [row[0]]
        index += 1
        while index < count and not tabular[index] and \
                _continues(paragraph[-1], rows[index][0], right):
            paragraph.append(rows[index][0])
            index += 1
        text = paragraph[0].text
        for piece in paragraph[1:]:
            text += piece.text if text.endswith("-") else " " + piece.text
        spec = _spec(paragraph, text)
        if not lines:
            spec["_head"] = paragraph[0]
        lines.append(spec)
        previous = [paragraph[-1]]
        if index == count:  # the column ends on this paragraph: it may go on in the next one
            left = min(row[0].x0 for row, table in zip(rows, tabular, strict=True) if not table)
            spec["_open"] = (paragraph[-1], right, right - left)
    return lines


UNBREAKABLE_CHARS = 25  # a "word" this long (a web or mail address) cannot be wrapped


def right_edge(pieces: list[Piece]) -> float:
    """The right edge of a column of text: where its lines end at the furthest, but for a line
    of one unbreakable word (a web address) that may run past the column: it would make every
    other line look short and keep the paragraphs from being joined."""
    return max((p.x1 for p in pieces
                if " " in p.text.strip() or len(p.text.strip()) < UNBREAKABLE_CHARS),
               default=max((p.x1 for p in pieces), default=0.0))


def _gap(above: list[Piece], below: list[Piece]) -> tuple[float, float]:
    """The vertical gap between two rows and the smaller font size of the two."""
    if len(above) == 1 and len(below) == 1:
        upper, lower = above[0], below[0]
        return lower.top - upper.bottom, min(upper.size or 10.0, lower.size or 10.0)
    bottom, top, size = above[0].bottom, below[0].top, above[0].size or 10.0
    for piece in above:
        if piece.bottom > bottom:
            bottom = piece.bottom
        if (piece.size or 10.0) < size:
            size = piece.size or 10.0
    for piece in below:
        if piece.top < top:
            top = piece.top
        if (piece.size or 10.0) < size:
            size = piece.size or 10.0
    return top - bottom, size


def _break(above: list[Piece], below: list[Piece], em: float) -> bool:
    """A vertical gap of more than `em` font sizes between two rows."""
    gap, size = _gap(above, below)
    return gap > em * size


def _blank_lines(above: list[Piece], below: list[Piece]) -> list[dict]:
    """Blank lines for the space between two blocks: one for a paragraph break, more for a
    larger space, as a converter writes them."""
    if len(above) == 1 and len(below) == 1:  # the common case, in place
        upper, lower = above[0], below[0]
        gap, size = lower.top - upper.bottom, min(upper.size or 10.0, lower.size or 10.0)
    else:
        gap, size = _gap(above, below)
    if gap <= BLANK_EM * size:
        return []
    return [{"text": ""} for _ in range(min(MAX_BLANKS, max(1, round(gap / (BLANK_LINE_EM * size)))))]
