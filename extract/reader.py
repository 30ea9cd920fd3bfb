"""Readers: turn a file (PDF, .txt, .md) into one `Document`.

Given a path, `read_document` picks the reader by extension and returns a `Document`, or raises a
`ReportError` subclass whose message is one line naming the file and the reason.

Two PDF readers (`pdf_reader.py`) share one output: `read_pdf_pdfium` (pypdfium2's text layer,
fast, the default) and `read_pdf_plumber` (pdfplumber, slower, with its table finder); both lay
pages out with `pdf_layout.py` (columns, tables as tab-separated rows, paragraphs joined).
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from pydantic import TypeAdapter

from .document import Document, Line, Page
from .errors import EmptyFile, ReportError, TooLarge, UndecodableText, UnsupportedFile
from .pdf_reader import read_pdf_pdfium, read_pdf_plumber, sha256_of  # noqa: F401 (re-export)

TEXT_SUFFIXES = {".txt", ".md"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | PDF_SUFFIXES
MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 200 * MIB

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
    try:
        size = path.stat().st_size
    except RuntimeError:  # Python < 3.13 reports a symlink loop this way
        raise ReportError(path, "symlink loop (the link points back to itself)") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise ReportError(path, "symlink loop (the link points back to itself)") from None
        raise ReportError(path, f"cannot read file ({error.strerror})") from None
    if path.is_dir():
        raise ReportError(path, "is a folder, not a file (ingest reads folders)")
    if not path.is_file():
        raise ReportError(path, "not a regular file")
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UnsupportedFile(path, f"unsupported file type '{suffix or path.name}' (use {allowed})")
    if not os.access(path, os.R_OK):
        raise ReportError(path, "cannot read file (Permission denied)")
    if size == 0:
        raise EmptyFile(path, "empty file")
    if size > max_bytes:
        raise TooLarge(path, f"file is {size / MIB:.0f} MiB, over the {max_bytes / MIB:.0f} MiB "
                             "limit")
    if suffix in TEXT_SUFFIXES:
        return read_text(path)
    readers: dict[str, Callable[[Path], Document]] = {
        "pdfium": read_pdf_pdfium,
        "pdfplumber": read_pdf_plumber,
    }
    return readers[pdf_reader](path)


# --- text ---------------------------------------------------------------------------------------


# Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16")]
# Encodings a French report saved as text may be in when it is not UTF-8: Windows, ISO, old Mac
# and DOS Western code pages, and UTF-16/32 without a byte-order mark.
FALLBACK_ENCODINGS = ["utf_16_le", "utf_16_be", "utf_32_le", "utf_32_be", "cp1252", "latin_1",
                      "iso8859_15", "mac_roman", "cp850"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_HTML_START = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!doctype html|<html[\s>])", re.I)
_TAG = re.compile(r"</?(?:html|head|body|div|span|p|a|table|tr|td|script|style|meta|link|br|li|ul)"
                  r"\b[^>]*>", re.I)


def decode_text(path: Path, data: bytes) -> tuple[str, list[str]]:
    """Given the bytes of a text report, return its text and any warning about the decoding.

    UTF-8 first; a byte-order mark names UTF-8, UTF-16 or UTF-32; otherwise charset-normalizer
    picks among `FALLBACK_ENCODINGS`, with a warning. Text that is still not readable (control
    characters, NUL bytes) and HTML pages are refused with `UndecodableText`.
    """
    if not data.strip(b"\x00"):
        raise UndecodableText(path, "holds only NUL bytes, no text")
    warnings: list[str] = []
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            raise UndecodableText(path, f"not valid {encoding.upper()} despite its byte-order "
                                        f"mark (invalid bytes at offset {error.start})") from None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            text, encoding = _guess(path, data, error.start)
            warnings.append(f"not UTF-8 (invalid byte at offset {error.start}): decoded as "
                            f"{encoding}")
        else:
            if "\x00" in text:  # UTF-16 or UTF-32 without a byte-order mark reads as ASCII + NULs
                text, encoding = _guess(path, data, text.index("\x00"))
                warnings.append(f"no byte-order mark: decoded as {encoding}")
    _refuse_unreadable(path, text, encoding or "UTF-8")
    return text, warnings


def _guess(path: Path, data: bytes, offset: int) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=FALLBACK_ENCODINGS).best()
    if best is None:
        raise UndecodableText(path, f"not UTF-8 (invalid byte at offset {offset}) and no other "
                                    "encoding reads it as text")
    name = {"windows_1252": "cp1252"}.get(best.encoding, best.encoding)
    return str(best), name


def _refuse_unreadable(path: Path, text: str, encoding: str) -> None:
    sample = text[:100_000]
    controls = len(_CONTROL.findall(sample))
    if controls > max(2, len(sample) // 200):
        raise UndecodableText(path, f"not UTF-8 text: decoded as {encoding} it holds {controls} "
                                    "control characters (binary data or an unknown encoding)")
    if _HTML_START.match(sample) or len(_TAG.findall(sample)) > max(5, len(sample) // 500):
        raise UndecodableText(path, "an HTML page, not a text report (save it as PDF or as "
                                    "plain text)")


def normalise_line_ends(text: str) -> str:
    """Windows (CRLF) and old Mac (CR) line ends as newlines, before any offset is taken."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


_LINES = TypeAdapter(list[Line])


def split_lines(text: str, start: int, end: int, page: int) -> list[Line]:
    """Given a span of `text`, return its lines with offsets (line ends exclude the newline)."""
    rows = []
    position = start
    for raw in text[start:end].split("\n"):
        rows.append({"text": raw, "start": position, "end": position + len(raw), "page": page})
        position += len(raw) + 1
    return _LINES.validate_python(rows)  # one call for the page: a third cheaper than a Line each


def page_spans(text: str) -> Iterator[tuple[int, int]]:
    """Given a document text, yield the (start, end) span of each page."""
    start = 0
    for match in _PAGE_BREAK.finditer(text):
        yield start, match.start()
        start = match.end()
    yield start, len(text)


def read_text(path: Path) -> Document:
    """Read a .txt or .md report: the decoded text, pages split on page breaks, its lines."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReportError(path, f"cannot read file ({error.strerror})") from None
    text, warnings = decode_text(path, data)
    text = normalise_line_ends(text)
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
