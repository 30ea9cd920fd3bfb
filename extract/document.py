"""The `Document` model: a report's text, its pages and its lines, with stable offsets.

``Document.text`` is the text the extractor sees; every offset in the pipeline (lines, sections,
quantities, gold ``start``) is a Python string index into it. For a text file it is the file's
decoded text, unchanged. ``Document.plain`` has the same length with the light markup of converted
PDFs (``**``, ``*``, ``»`` bullets, ``^{...}``) blanked out, so rules can ignore markup without
losing offsets.
"""

from __future__ import annotations

import re
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field

BBox = tuple[float, float, float, float]

# Markup left by PDF-to-text converters; blanked in `Document.plain` (same length, offsets kept):
# bold/italic stars, bullet glyphs at the start of a line, and the braces of `1 ^{er}` superscripts.
_MARKUP = re.compile(r"\*+|^[ \t]*[»•▪●◦■]|\^\{[^}\n]{0,8}\}", re.M)


def blank_markup(text: str) -> str:
    """Return `text` with markup replaced by spaces; the result has the same length."""

    def blank(match: re.Match[str]) -> str:
        token = match.group()
        if token.startswith("^{"):
            return "  " + token[2:-1] + " "
        return " " * len(token)

    return _MARKUP.sub(blank, text)


class Line(BaseModel):
    """One line of a page, with its offsets into `Document.text` and, for PDFs, its layout."""

    model_config = ConfigDict(frozen=True)

    text: str
    start: int
    end: int
    page: int = Field(description="1-based page number")
    bbox: BBox | None = None
    font_size: float | None = None
    bold: bool = False

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()

    @property
    def cells(self) -> list[str]:
        """Tab-separated table cells (one cell for an ordinary line)."""
        return self.text.split("\t")


class Page(BaseModel):
    """A page: its number, its span in `Document.text` and its lines."""

    number: int
    start: int
    end: int
    lines: list[Line]
    width: float | None = None
    height: float | None = None


class Document(BaseModel):
    """A report as read from one file."""

    path: str
    sha256: str
    format: str = Field(description="pdf, txt or md")
    text: str
    pages: list[Page]
    warnings: list[str] = Field(default_factory=list)

    @property
    def lines(self) -> list[Line]:
        return [line for page in self.pages for line in page.lines]

    @cached_property
    def plain(self) -> str:
        """`text` with markup characters replaced by spaces (same length, same offsets)."""
        return blank_markup(self.text)

    def page_at(self, offset: int) -> int:
        """Return the 1-based page number holding character `offset`."""
        for page in self.pages:
            if offset < page.end:
                return page.number
        return self.pages[-1].number if self.pages else 1

    def line_at(self, offset: int) -> Line | None:
        """Return the line holding character `offset`, if any."""
        for page in self.pages:
            if page.start <= offset <= page.end:
                for line in page.lines:
                    if line.start <= offset <= line.end:
                        return line
        return None

    @property
    def name(self) -> str:
        from pathlib import PurePath

        return PurePath(self.path).name
