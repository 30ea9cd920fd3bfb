"""PDF readers: pypdfium2's text layer (fast, the default) and pdfplumber (with its table finder).

Both cut a page into *pieces*: runs of text on one baseline with ordinary word spacing (a gap of
about a font size starts a new piece: a table cell, the other column). `pdf_layout.page_lines`
then orders them by columns, makes table rows and joins wrapped paragraph lines, so that a PDF
reads like the converted text of the corpus. `benchmarks/run.py` measures both readers.
"""

from __future__ import annotations

import re
from pathlib import Path

from .document import Document, Page
from .errors import CorruptPDF, EmptyFile, EncryptedPDF, ScannedPDF
from .pdf_layout import GAP_EM, Piece, join_carried, page_lines, strip_private
from .pdfium_page import PdfiumPage


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
        self.waiting: tuple[int, list[dict], float, float] | None = None

    def add(self, number: int, lines: list[dict], width: float, height: float) -> None:
        """Add a page from its line specs (text, bbox, font_size, bold), in reading order. A
        paragraph carried over from the page before is read whole, on the page where it starts
        (`pdf_layout.join_carried`): the page waits for the next one before it is laid down."""
        if self.waiting is not None:
            before = self.waiting[1]
            if before and lines and join_carried(before[-1], lines[0]):
                lines = lines[1:]
            self._lay(*self.waiting)
        self.waiting = (number, lines, width, height)

    def _lay(self, number: int, lines: list[dict], width: float, height: float) -> None:
        strip_private(lines)
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
        if self.waiting is not None:
            self._lay(*self.waiting)
            self.waiting = None
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
                lines = page_lines(PdfiumPage(textpage, height).pieces())
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
