"""PDF readers: pypdfium2's text layer (fast, the default) and pdfplumber (with its table finder).

Both cut a page into *pieces*: runs of text on one baseline with ordinary word spacing (a gap of
about a font size starts a new piece: a table cell, the other column). `pdf_layout.page_lines`
then orders them by columns, makes table rows and joins wrapped paragraph lines, so that a PDF
reads like the converted text of the corpus. `benchmarks/run.py` measures both readers.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Callable
from ctypes import c_double, c_float
from functools import cache
from pathlib import Path

from .document import Document, Page
from .errors import CorruptPDF, EmptyFile, EncryptedPDF, ScannedPDF
from .pdf_layout import GAP_EM, Piece, page_lines, round_tenth


def sha256_of(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


PAGE_BREAK = "\n\f\n"


class _PageBuilder:
    """Accumulate page texts into one document text, pages joined by a form feed on a line of its
    own (so that every page's first line starts a line, as in a converted text)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pages: list[Page] = []
        self.length = 0
        self.empty_pages: list[int] = []

    def add(self, number: int, lines: list[dict], width: float, height: float) -> None:
        """Add a page from its line specs (text, bbox, font_size, bold), in reading order."""
        if self.parts:
            self.parts.append(PAGE_BREAK)
            self.length += len(PAGE_BREAK)
        start = self.length
        for index, spec in enumerate(lines):
            if index:
                self.parts.append("\n")
                self.length += 1
            text = spec["text"]
            spec["start"], spec["end"], spec["page"] = self.length, self.length + len(text), number
            self.parts.append(text)
            self.length += len(text)
        # the lines validated with their page, in one call (not one model call per line)
        page = Page.model_validate({"number": number, "start": start, "end": self.length,
                                    "lines": lines, "width": width, "height": height})
        if not any(line.text.strip() for line in page.lines):
            self.empty_pages.append(number)
        self.pages.append(page)

    def build(self, path: Path) -> Document:
        if not self.pages:
            raise EmptyFile(path, "PDF has no pages")
        if len(self.empty_pages) == len(self.pages):
            raise ScannedPDF(
                path, f"no text layer on any of its {len(self.pages)} pages (scanned PDF: run OCR)"
            )
        warnings = []
        if self.empty_pages:
            listed = ", ".join(map(str, self.empty_pages[:20]))
            warnings.append(f"pages without a text layer (image-only): {listed}")
        return Document(path=str(path), sha256=sha256_of(path), format="pdf",
                        text="".join(self.parts), pages=self.pages, warnings=warnings)


def _is_bold(font_name: str | None, weight: int | float | None = None) -> bool:
    if weight is not None and weight >= 600:
        return True
    name = (font_name or "").lower()
    return any(mark in name for mark in ("bold", "black", "heavy", "semibold", "gras"))


def _open_pdfium(path: Path):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        message = str(error)
        if "password" in message.lower():
            raise EncryptedPDF(path, "encrypted PDF (needs a password)") from None
        raise CorruptPDF(path, f"corrupt or not a PDF ({message})") from None


# --- pypdfium2 ----------------------------------------------------------------------------------

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


class _PdfiumPage:
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


def read_pdf_pdfium(path: Path) -> Document:
    """Read a PDF through pypdfium2's text layer: lines in reading order (columns, tables as
    tab-separated rows, paragraphs joined) with bbox, font size and weight of their first char."""
    import pypdfium2.raw as pdfium_c

    pdf = _open_pdfium(path)
    builder = _PageBuilder()
    try:
        for index in range(len(pdf)):
            # pdfium's page handles, not pypdfium2's page objects: their finalizers and links to
            # the document cost a few percent of this reader's time, for nothing kept past a page
            page = pdfium_c.FPDF_LoadPage(pdf.raw, index)
            if not page:
                raise CorruptPDF(path, f"corrupt PDF (page {index + 1} cannot be loaded)")
            textpage = pdfium_c.FPDFText_LoadPage(page)
            try:
                if not textpage:
                    raise CorruptPDF(path, f"corrupt PDF (no text page for page {index + 1})")
                width = pdfium_c.FPDF_GetPageWidthF(page)
                height = pdfium_c.FPDF_GetPageHeightF(page)
                lines = page_lines(_PdfiumPage(textpage, height).pieces())
            finally:
                if textpage:
                    pdfium_c.FPDFText_ClosePage(textpage)
                pdfium_c.FPDF_ClosePage(page)
            builder.add(index + 1, lines, width, height)
    finally:
        pdf.close()
    return builder.build(path)


# --- pdfplumber ---------------------------------------------------------------------------------


def _number_tables(page) -> list:
    """The page's ruled tables (pdfplumber's table finder) that hold figures: at least two rows
    and two columns, and a digit in some cell (a framed title box is no table)."""
    tables = []
    for table in page.find_tables():
        rows = table.extract()
        if len(rows) >= 2 and max(len(row) for row in rows) >= 2 and any(
                cell and re.search(r"\d", cell) for row in rows for cell in row):
            row_boxes = [row.bbox for row in table.rows]  # one per extracted row
            tables.append((table.bbox, list(zip(row_boxes, rows, strict=True))))
    return tables


def _inside(box: tuple, table: tuple) -> bool:
    """True when the middle of a box is within a table's box."""
    middle_x, middle_y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return table[0] <= middle_x <= table[2] and table[1] <= middle_y <= table[3]


def _word_piece(words: list[dict]) -> Piece:
    first = words[0]
    return Piece(text=" ".join(w["text"] for w in words), x0=first["x0"],
                 top=min(w["top"] for w in words), x1=words[-1]["x1"],
                 bottom=max(w["bottom"] for w in words), size=round(first["size"], 1),
                 bold=_is_bold(first["fontname"]), first_word=first["x1"] - first["x0"])


def plumber_pieces(page) -> list[Piece]:
    """A pdfplumber page as pieces: its words grouped by baseline and cut at wide gaps; each row
    of a ruled table holding figures is one piece, its cells joined by tabs."""
    tables = _number_tables(page)
    every = page.extract_words(extra_attrs=["size", "fontname"])
    boxes = [(w["x0"], w["top"], w["x1"], w["bottom"]) for w in every]
    words = [w for w, box in zip(every, boxes, strict=True)
             if not any(_inside(box, table) for table, _ in tables)]
    pieces = []
    for _, rows in tables:
        for row_box, row in rows:
            inside = [w for w, box in zip(every, boxes, strict=True) if _inside(box, row_box)]
            first = inside[0] if inside else {"size": 0.0, "fontname": ""}
            pieces.append(Piece(
                text="\t".join(" ".join((cell or "").split()) for cell in row),
                x0=row_box[0], top=row_box[1], x1=row_box[2], bottom=row_box[3],
                size=round(first["size"], 1) or None, bold=_is_bold(first["fontname"]),
                first_word=0.0, tabbed=True))
    words.sort(key=lambda w: (w["top"], w["x0"]))
    rows: list[list[dict]] = []
    for word in words:
        middle = (word["top"] + word["bottom"]) / 2
        if rows and rows[-1][0]["top"] <= middle <= rows[-1][0]["bottom"]:
            rows[-1].append(word)
        else:
            rows.append([word])
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        run = [row[0]]
        for word in row[1:]:
            if word["x0"] - run[-1]["x1"] >= GAP_EM * max(run[-1]["size"], 1.0):
                pieces.append(_word_piece(run))
                run = []
            run.append(word)
        pieces.append(_word_piece(run))
    return pieces


def read_pdf_plumber(path: Path) -> Document:
    """Read a PDF through pdfplumber: the same layout as `read_pdf_pdfium`, and a ruled table
    holding figures (pdfplumber's table finder) as one tab-separated line per row."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    _open_pdfium(path).close()  # same error messages for encrypted or corrupt files
    builder = _PageBuilder()
    try:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                lines = page_lines(plumber_pieces(page))
                builder.add(page.page_number, lines, float(page.width), float(page.height))
                page.close()
    except (PDFSyntaxError, PDFPasswordIncorrect) as error:
        raise CorruptPDF(path, f"pdfplumber cannot parse it ({error})") from None
    return builder.build(path)
