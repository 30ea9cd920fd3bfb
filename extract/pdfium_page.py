"""pypdfium2's text layer of one page, cut into pieces for `pdf_layout`: one piece per line of
pdfium's text, or one per text run of a line where a wide gap separates two runs (a table cell,
the other column), which pdfium joins into one line. Used by `pdf_reader.read_pdf_pdfium`.

The reader's speed is set here: hundreds of pdfium calls a page, made through bare ctypes
pointers (see `_pdfium_calls`), and gaps measured only on lines of several runs.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from ctypes import c_double, c_float
from functools import cache

from .pdf_layout import GAP_EM, Piece, round_tenth

MAX_RUNS = 12  # text runs on one line beyond which its gaps are not measured
_ONE = ctypes.c_double(1.0)  # the tolerance of a position lookup, in points


@cache
def _pdfium_calls(typed: bool = False) -> dict[str, Callable]:
    """pdfium's per-character text functions as bare ctypes pointers (no `argtypes`): pypdfium2's
    typed bindings convert every argument on every call, which costs two to three times the call
    itself, and this reader makes hundreds of calls a page. Callers pass the text page as a
    `c_void_p`, indexes as ints, coordinates as `c_double` and out-parameters by reference.
    `typed` gives pypdfium2's own bindings instead (what the tests compare the bare calls to)."""
    import pypdfium2.raw as pdfium_c

    restypes = {"FPDFText_GetLooseCharBox": ctypes.c_int, "FPDFText_GetFontSize": ctypes.c_double,
                "FPDFText_GetFontWeight": ctypes.c_int, "FPDFText_CountRects": ctypes.c_int,
                "FPDFText_GetRect": ctypes.c_int, "FPDFText_GetCharIndexAtPos": ctypes.c_int,
                "FPDFText_GetCharBox": ctypes.c_int}
    calls = {}
    for name, restype in restypes.items():
        bound = getattr(pdfium_c, name)
        if not typed:
            bound = type(bound)(ctypes.cast(bound, ctypes.c_void_p).value)
            bound.argtypes, bound.restype = None, restype
        calls[name.removeprefix("FPDFText_")] = bound
    return calls


def _page_text(textpage, count: int) -> str:
    """The text of a page's `count` characters, as pypdfium2's `PdfTextPage.get_text_range`
    reads it: leading and trailing characters that have no place in pdfium's text are left out
    of the range (they would make pdfium read beyond it)."""
    import pypdfium2.raw as pdfium_c

    text_index = pdfium_c.FPDFText_GetTextIndexFromCharIndex
    start, end = 0, count - 1
    while start <= end and text_index(textpage, start) == -1:
        start += 1
    while start <= end and text_index(textpage, end) == -1:
        end -= 1
    if start > end:
        return ""
    buffer = (ctypes.c_ushort * (text_index(textpage, end) + 2 - text_index(textpage, start)))()
    written = pdfium_c.FPDFText_GetText(textpage, start, end - start + 1, buffer)
    return memoryview(buffer)[:written - 1].tobytes().decode("utf-16-le", errors="ignore")


class PdfiumPage:
    """One page's text layer: its text, and pieces cut where pdfium's text runs leave a gap."""

    def __init__(self, textpage, height: float, *, typed: bool = False) -> None:
        """`textpage`: pdfium's text page handle (`FPDFText_LoadPage`)."""
        import pypdfium2.raw as pdfium_c

        calls = _pdfium_calls(typed)
        self.loose_box, self.font_size = calls["GetLooseCharBox"], calls["GetFontSize"]
        self.font_weight, self.count_rects = calls["GetFontWeight"], calls["CountRects"]
        self.get_rect, self.index_at = calls["GetRect"], calls["GetCharIndexAtPos"]
        self.char_box = calls["GetCharBox"]
        self.raw = textpage if typed else ctypes.cast(textpage, ctypes.c_void_p)
        self.height = height
        self.count = max(0, pdfium_c.FPDFText_CountChars(textpage))
        self.text = _page_text(textpage, self.count)
        self.rect = pdfium_c.FS_RECTF()
        self.rect_pointer = ctypes.byref(self.rect)
        self.values = [c_double() for _ in range(4)]
        self.pointers = [ctypes.byref(value) for value in self.values]

    def box(self, index: int) -> tuple[float, float, float, float]:
        """Loose box (font ascent to descent) of a character, top-down coordinates."""
        self.loose_box(self.raw, index, self.rect_pointer)
        rect = self.rect
        return rect.left, self.height - rect.top, rect.right, self.height - rect.bottom

    def gap_starts(self, start: int, count: int, rects: int) -> list[int]:
        """Indexes of the characters of a line that start a text run after a wide gap on the same
        baseline (a table cell, the other column), which pdfium joins into one line; `rects` is
        pdfium's count of the line's text runs (its rectangles, just computed)."""
        raw = self.raw
        vl, vt, vr, vb = self.values
        pl, pt, pr, pb = self.pointers
        get_rect = self.get_rect
        boxes = []  # all read before `char_at` asks pdfium for other run counts
        for index in range(rects):
            get_rect(raw, index, pl, pt, pr, pb)
            boxes.append((vl.value, vt.value, vr.value, vb.value))
        starts = []
        _, last_top, last_right, last_bottom = boxes[0]
        for index in range(1, rects):
            x0, y1, right, y0 = boxes[index]
            gap = x0 - last_right
            if gap >= GAP_EM * (y1 - y0):  # a tight box is lower than the font size
                height = min(last_top - last_bottom, y1 - y0)
                if height > 0 and min(last_top, y1) - max(last_bottom, y0) > 0.5 * height:
                    found = self.char_at(start, count, index, x0 + 0.5, (y1 + y0) / 2)
                    if start < found < start + count and \
                            gap >= GAP_EM * self.font_size(raw, found):
                        starts.append(found)
            last_top, last_right, last_bottom = y1, right, y0
        return sorted(starts)

    def char_at(self, start: int, count: int, run: int, x: float, y: float) -> int:
        """The character at (x, y), a point just inside the left edge of the line's run `run`.
        pdfium's position lookup scans every character of the page, so the run's first
        character is found first, by bisecting the line with run counts, and taken when its box
        holds the point; the lookup is made only when it does not (a dash lower than the rest of
        its run). This differs from the lookup only where an earlier character of the page
        overlaps that point."""
        raw, count_rects = self.raw, self.count_rects
        low, high = 1, count
        while low < high:  # the shortest start of the line that holds `run + 1` runs
            middle = (low + high) // 2
            if count_rects(raw, start, middle) > run:
                high = middle
            else:
                low = middle + 1
        first = start + low - 1
        vl, vt, vr, vb = self.values
        pl, pt, pr, pb = self.pointers
        self.char_box(raw, first, pl, pr, pb, pt)  # left, right, bottom, top
        px, py = c_float(x).value, c_float(y).value  # pdfium's point is in single precision
        if min(vl.value, vr.value) <= px <= max(vl.value, vr.value) and \
                min(vb.value, vt.value) <= py <= max(vb.value, vt.value):
            return first
        return self.index_at(raw, c_double(x), c_double(y), _ONE, _ONE)

    def piece(self, first: int, stripped: str) -> Piece:
        """The piece of text `stripped` starting at character `first`."""
        raw, rect, loose_box = self.raw, self.rect, self.loose_box
        loose_box(raw, first, self.rect_pointer)
        x0, top, bottom = rect.left, rect.top, rect.bottom
        loose_box(raw, first + len(stripped) - 1, self.rect_pointer)
        x1 = rect.right
        if rect.top > top:
            top = rect.top
        if rect.bottom < bottom:
            bottom = rect.bottom
        space = stripped.find(" ")
        if "  " in stripped:
            stripped = " ".join(stripped.split())
        # the exact width of the first word, measured only when a line break asks for it
        measure = self.word_width(first, space) if space > 0 else None
        # positional arguments (text, x0, top, x1, bottom, size, bold, first_word, tabbed,
        # measure): a dataclass's keyword call costs twice as much, on every line of a page
        return Piece(stripped, x0, self.height - top, x1, self.height - bottom,
                     round_tenth(self.font_size(raw, first)),
                     self.font_weight(raw, first) >= 600,
                     (x1 - x0) * (space if space > 0 else len(stripped)) / len(stripped),
                     False, measure)

    def word_width(self, first: int, space: int) -> Callable[[], float]:
        """The width of the word from character `first` to the one before `space` characters."""
        return lambda: self.box(first + space - 1)[2] - self.box(first)[0]

    def pieces(self) -> list[Piece]:
        """The page's pieces: one per line of pdfium's text, or one per run of a line that has a
        wide gap between two of its runs. A line without a space has no gap to measure (a gap
        reads as a space); nor has a line drawn as one text run (one rectangle), nor a line of
        more than `MAX_RUNS` runs (a PDF drawing word by word), which keeps this reader fast."""
        text, count, raw, count_rects = self.text, self.count, self.raw, self.count_rects
        pieces = []
        position = 0
        for raw_line in text.split("\n"):
            length = len(raw_line)
            stripped = raw_line.strip()
            if stripped:
                rects = count_rects(raw, position, length) if " " in stripped else 1
                gaps = self.gap_starts(position, length, rects) if 1 < rects <= MAX_RUNS else None
                if gaps:
                    cuts = [position, *gaps, position + length]
                    for a, b in zip(cuts, cuts[1:], strict=False):
                        chunk = text[a:b]
                        part = chunk.strip()
                        if part and a + chunk.find(part[0]) + len(part) <= count:
                            pieces.append(self.piece(a + chunk.find(part[0]), part))
                else:
                    first = position + raw_line.find(stripped[0])
                    if first + len(stripped) <= count:
                        pieces.append(self.piece(first, stripped))
            position += length + 1
        return pieces
