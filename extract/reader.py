"""Readers: turn a file (PDF, .txt, .md) into one `Document`.

Given a path, `read_document` picks the reader by extension and returns a `Document`, or raises a
`ReportError` subclass whose message is one line naming the file and the reason.

Two PDF readers (`pdf_reader.py`) share one output: `read_pdf_pdfium` (pypdfium2's text layer,
fast, the default) and `read_pdf_plumber` (pdfplumber, slower, with its table finder); both lay
pages out with `pdf_layout.py` (columns, tables as tab-separated rows, paragraphs joined).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from .document import Document, Line, Page
from .errors import EmptyFile, ReportError, TooLarge, UndecodableText, UnsupportedFile
from .pdf_reader import read_pdf_pdfium, read_pdf_plumber, sha256_of  # noqa: F401 (re-export)

TEXT_SUFFIXES = {".txt", ".md"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES
DEFAULT_MAX_BYTES = 200 * 1024 * 1024

# PDF-to-text converters mark a page break with a form feed, or (the shared corpus) with a line
# holding only spaces between blank lines.
_PAGE_BREAK = re.compile(r"\f|(?<=\n)[ \t\u00a0]+\n(?=\n|\S)")


def read_document(
    path: str | Path, *, pdf_reader: str = "pdfium", max_bytes: int = DEFAULT_MAX_BYTES
) -> Document:
    """Read one report.

    :param path: a .pdf, .txt or .md file
    :param pdf_reader: ``pdfium`` (fast text layer) or ``pdfplumber``
    :param max_bytes: files larger than this are refused with `TooLarge`
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UnsupportedFile(path, f"unsupported file type '{suffix or path.name}' (use {allowed})")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ReportError(path, f"cannot read file ({error.strerror})") from None
    if size == 0:
        raise EmptyFile(path, "empty file")
    if size > max_bytes:
        raise TooLarge(path, f"file is {size / 1e6:.0f} MB, over the {max_bytes / 1e6:.0f} MB limit")
    if suffix in TEXT_SUFFIXES:
        return read_text(path)
    readers: dict[str, Callable[[Path], Document]] = {
        "pdfium": read_pdf_pdfium,
        "pdfplumber": read_pdf_plumber,
    }
    return readers[pdf_reader](path)


# --- text ---------------------------------------------------------------------------------------


def decode_text(path: Path, data: bytes) -> tuple[str, list[str]]:
    """Given the bytes of a text report, return its text and any warning about the decoding."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise UndecodableText(
            path, f"not UTF-8 (invalid byte at offset {utf8_error.start}) and not cp1252 either"
        ) from None
    return text, [f"not UTF-8 (invalid byte at offset {utf8_error.start}): decoded as cp1252"]


def split_lines(text: str, start: int, end: int, page: int) -> list[Line]:
    """Given a span of `text`, return its lines with offsets (line ends exclude the newline)."""
    lines = []
    position = start
    for raw in text[start:end].split("\n"):
        lines.append(Line(text=raw, start=position, end=position + len(raw), page=page))
        position += len(raw) + 1
    return lines


def page_spans(text: str) -> Iterator[tuple[int, int]]:
    """Given a document text, yield the (start, end) span of each page."""
    start = 0
    for match in _PAGE_BREAK.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def read_text(path: Path) -> Document:
    """Read a .txt or .md report: the decoded text, pages split on page breaks, its lines."""
    data = path.read_bytes()
    text, warnings = decode_text(path, data)
    if not text.strip():
        raise EmptyFile(path, "empty file (only white space)")
    pages = []
    for number, (start, end) in enumerate(page_spans(text), start=1):
        pages.append(
            Page(number=number, start=start, end=end, lines=split_lines(text, start, end, number))
        )
    return Document(
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        format=path.suffix.lower().lstrip("."),
        text=text,
        pages=pages,
        warnings=warnings,
    )
