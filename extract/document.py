"""The `Document` model: a report's text, its pages and its lines, with stable offsets.

``Document.text`` is the text the extractor sees; every offset in the pipeline (lines, sections,
quantities, gold ``start``) is a Python string index into it. For a text file it is the file's
decoded text, unchanged. ``Document.plain`` has the same length with the light markup of converted
PDFs (``**``, ``*``, ``»`` bullets, ``^{...}``) blanked out, so rules can ignore markup without
losing offsets.
"""

from __future__ import annotations

import bisect
import re
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field

BBox = tuple[float, float, float, float]

# Markup left by PDF-to-text converters; blanked in `Document.plain` (same length, offsets kept):
# bold/italic stars, bullet glyphs at the start of a line, a list dash opening a line before a figure
# ("- 29 % de la population" is a list item, no change of -29 %: a minus sign is glued to its
# number), and the braces of `1 ^{er}` superscripts.
_MARKUP = re.compile(r"\*+|^[ \t]*(?:[»•▪●◦■]|[-–—](?=[ \t]+\d))|\^\{[^}\n]{0,8}\}", re.M)


_MARKUP_CHARS = re.compile(r"[*^»•▪●◦■\-–—]")  # one of them opens every piece of markup


def blank_markup(text: str) -> str:
    """Return `text` with markup replaced by spaces; the result has the same length."""
    if _MARKUP_CHARS.search(text) is None:
        return text  # most lines: a search for a character is much cheaper than the markup's

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


class Page(BaseModel):
    """A page: its number, its span in `Document.text` and its lines."""

    number: int
    start: int
    end: int
    lines: list[Line]
    width: float | None = None
    height: float | None = None


class Cell(BaseModel):
    """One cell of a table: its row and column index and its span in `Document.text`."""

    model_config = ConfigDict(frozen=True)

    row: int
    col: int
    text: str
    start: int
    end: int


class Table(BaseModel):
    """A table found in the text (`tables.find_tables`): typed cells, header rows, stub column."""

    page: int
    start: int
    end: int
    cells: list[Cell]
    header_rows: int = 0
    stub_columns: int = 0
    label_rows: int = Field(0, description="rows of labels under figures (an infographic row)")
    source: str = Field(description="tabs, markdown, aligned or labels")

    @cached_property
    def _grid(self) -> dict[tuple[int, int], Cell]:
        return {(cell.row, cell.col): cell for cell in self.cells}

    @cached_property
    def _rows(self) -> dict[int, list[Cell]]:
        """The cells of each row, in order: a row's label is asked for every row and number."""
        rows: dict[int, list[Cell]] = {}
        for cell in self.cells:
            rows.setdefault(cell.row, []).append(cell)
        return rows

    @property
    def n_rows(self) -> int:
        return max((cell.row for cell in self.cells), default=-1) + 1

    @property
    def n_cols(self) -> int:
        return max((cell.col for cell in self.cells), default=-1) + 1

    def cell(self, row: int, col: int) -> Cell | None:
        return self._grid.get((row, col))

    def row(self, row: int) -> list[Cell]:
        return list(self._rows.get(row, ()))

    def row_label(self, row: int) -> str:
        """The stub cells of a row ("Nombre d'heures réalisées"), or "" without a stub."""
        return " ".join(c.text for c in self.row(row)[: self.stub_columns] if c.text)

    def column_header(self, col: int) -> str:
        """The header cells above a column ("2023", "Dépenses"), or "" without a header."""
        cells = (self.cell(r, col) for r in range(self.header_rows))
        return " ".join(c.text for c in cells if c is not None and c.text)

    def cell_at(self, offset: int) -> Cell | None:
        """The cell whose span holds character `offset`."""
        if not self.start <= offset <= self.end:
            return None
        return next((c for c in self.cells if c.start <= offset < max(c.end, c.start + 1)), None)

    @cached_property
    def year_axis(self) -> str | None:
        """``columns`` when the header names years, ``rows`` when the stub does, else None."""
        from .tables import is_year

        stub = self.stub_columns
        headers = [self.column_header(c) for c in range(stub, self.n_cols)]
        if self.header_rows and sum(map(is_year, headers)) >= max(1, len(headers) // 2):
            return "columns"
        labels = [self.row_label(r) for r in range(self.header_rows, self.n_rows)]
        if stub and labels and sum(map(is_year, labels)) >= max(1, (len(labels) + 1) // 2):
            return "rows"
        return None

    def year_of(self, cell: Cell) -> int | None:
        """The year a body cell belongs to, by the table's year axis."""
        from .tables import year_of

        if self.year_axis == "columns":
            return year_of(self.column_header(cell.col))
        if self.year_axis == "rows":
            return year_of(self.row_label(cell.row))
        return None

    def measure_of(self, cell: Cell) -> str:
        """The words that name what a body cell measures: the label under it in an infographic
        row, the column header when the years run down the rows or the header is no year, else
        the row label."""
        if self.label_rows:
            below = self.cell(cell.row + 1, cell.col)
            return below.text if below is not None else ""
        header = self.column_header(cell.col)
        if self.year_axis == "rows" or (header and self.year_axis is None and not self.stub_columns):
            return header
        return self.row_label(cell.row) or header

    def is_total_row(self, row: int) -> bool:
        return self.row_label(row).strip().lower().startswith("total")

    def is_total_column(self, col: int) -> bool:
        return self.column_header(col).strip().lower().startswith("total")


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

    @cached_property
    def _page_ends(self) -> list[int]:
        return [page.end for page in self.pages]

    def page_at(self, offset: int) -> int:
        """Return the 1-based page number holding character `offset` (by bisection: it is asked
        for every value of a long report)."""
        if not self.pages:
            return 1
        index = bisect.bisect_right(self._page_ends, offset)
        return self.pages[min(index, len(self.pages) - 1)].number

    def line_at(self, offset: int) -> Line | None:
        """Return the line holding character `offset`, if any."""
        if not self.pages:
            return None
        index = min(bisect.bisect_left(self._page_ends, offset), len(self.pages) - 1)
        for page in self.pages[max(0, index - 1):index + 2]:
            if page.start <= offset <= page.end:
                for line in page.lines:
                    if line.start <= offset <= line.end:
                        return line
        return None

    @cached_property
    def tables(self) -> list[Table]:
        """The document's tables (`tables.find_tables`); a reader may set them itself."""
        from .tables import find_tables

        return find_tables(self)

    @cached_property
    def _table_starts(self) -> list[int]:
        return [table.start for table in self.tables]

    def table_from(self, offset: int) -> Table | None:
        """The last table starting at or before `offset`: the one that may hold it (by
        bisection: it is asked for every number of a report)."""
        index = bisect.bisect_right(self._table_starts, offset) - 1
        return self.tables[index] if index >= 0 else None

    @property
    def name(self) -> str:
        from pathlib import PurePath

        return PurePath(self.path).name
