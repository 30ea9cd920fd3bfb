"""Tables: find the tables of a `Document` and type their cells.

A table reaches this module as lines of `Document.text`, in one of three layouts:

- ``tabs``: one line per row, cells separated by tab characters (what the PDF readers emit for a
  ruled or aligned table, and what many converters write);
- ``markdown``: ``| a | b |`` rows, with an optional ``|---|`` separator under the header;
- ``aligned``: rows whose cells are separated by runs of spaces that line up from row to row.

This is the one place where a row is split into cells. Each `Table` knows its header rows and
stub column, where its years are (a year axis in either orientation) and its "Total" rows and
columns; readers of a number ask `Table.cell_at(offset)` and the table says what names it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from .document import Cell, Document, Line, Table

_YEAR_CELL = re.compile(r"^\s*(?:19[5-9]\d|20[0-4]\d)(?:\s?[/-]\s?(?:19|20)?\d{2})?\s*$")
# a figure, with a sign, grouping spaces, a decimal mark and a short unit ("12,5 %", "3 038 €")
_NUMERIC_CELL = re.compile(
    r"^[\s+\-–(]*\d[\d\s\u00a0\u202f.,']*(?:[%€)]|[kKM]?€|\s?[a-zA-Zéè²/.]{0,12})?\s*$")
_MARKDOWN_ROW = re.compile(r"^\s*\|.*\|\s*$")
_MARKDOWN_RULE = re.compile(r"^\s*\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*$")
MIN_ALIGNED_ROWS = 2
ALIGN_TOLERANCE = 2  # characters a column's left edge may drift between rows


def is_year(text: str) -> bool:
    return bool(_YEAR_CELL.match(text))


def is_numeric(text: str) -> bool:
    return bool(text.strip()) and bool(_NUMERIC_CELL.match(text)) and not is_year(text)


def year_of(text: str) -> int | None:
    """The year a header cell names ("2023", "2022/2023" → 2023), else None."""
    if not is_year(text):
        return None
    digits = re.findall(r"\d+", text)
    year = int(digits[0])
    if len(digits) > 1:
        second = int(digits[1])
        second = second + (year // 100) * 100 if second < 100 else second
        if second == year + 1:
            return second
    return year


# --- splitting rows into cells ------------------------------------------------------------------


def _split(line: Line, separator: re.Pattern[str]) -> list[tuple[str, int, int]]:
    """The cells of one row as (text, start, end), offsets into the document text."""
    cells = []
    position = 0
    for piece in separator.split(line.text):
        stripped = piece.strip()
        offset = piece.find(stripped) if stripped else 0
        cells.append((stripped, line.start + position + offset,
                      line.start + position + offset + len(stripped)))
        position += len(piece)
        match = separator.match(line.text, position)
        if match:
            position = match.end()
    return cells


_TAB = re.compile(r"\t")
_PIPE = re.compile(r"\|")


def _tab_cells(line: Line) -> list[tuple[str, int, int]]:
    return _split(line, _TAB)


def _markdown_cells(line: Line) -> list[tuple[str, int, int]]:
    cells = _split(line, _PIPE)
    return cells[1:-1]  # the text before the first and after the last pipe


_WIDE_GAP = re.compile(r"\t|\s{2,}")
_GAP = re.compile(r"\S(?:\t|\s{2,})\S")  # a gap between two cells: a row of two cells or more


def _wide_cells(line: Line) -> list[tuple[str, int, int]]:
    """Cells of a space-aligned row or an infographic row: separated by a tab or by two blanks
    or more (one blank, a no-break space inside "1 234", stays inside its cell)."""
    return [cell for cell in _split(line, _WIDE_GAP) if cell[0]]


# --- finding runs of rows -----------------------------------------------------------------------


def _runs(lines: list[Line], is_row, continues=None) -> Iterator[list[Line]]:
    """Maximal runs of consecutive lines (blank lines inside a run are skipped) that are rows;
    `continues` accepts, inside a run, a row too sparse to start one."""
    run: list[Line] = []
    for line in lines:
        if is_row(line) or (run and continues is not None and continues(line)):
            run.append(line)
        elif run and line.is_blank:
            continue
        else:
            if run:
                yield run
            run = []
    if run:
        yield run


def _is_tab_row(line: Line) -> bool:
    return "\t" in line.text and sum(1 for cell in line.text.split("\t") if cell.strip()) >= 2


def _continues_tab_rows(line: Line) -> bool:
    """A row of one figure under other rows, its label cell empty ("\t\t37 944 274 €", the
    total of a column): part of the table above."""
    return line.text.startswith("\t") and any(cell.strip() for cell in line.text.split("\t"))


def _is_markdown_row(line: Line) -> bool:
    return bool(_MARKDOWN_ROW.match(line.text))


_SPACED = re.compile(r"\S {2,}\S")


def _is_aligned_row(line: Line) -> bool:
    # the tests on the text first: most lines have no wide gap, and are not split at all
    if "\t" in line.text or "|" in line.text or _SPACED.search(line.text) is None:
        return False
    cells = _wide_cells(line)
    return len(cells) >= 2 and any(is_numeric(text) or is_year(text) for text, _, _ in cells[1:])


def _aligned(run: list[Line]) -> bool:
    """Rows of an aligned table share column edges: the left edge of each cell after the first
    of most rows matches a cell edge of another row."""
    edges = [{start - line.start for _, start, _ in _wide_cells(line)[1:]} for line in run]
    rows_at: Counter[int] = Counter(edge for row_edges in edges for edge in row_edges)

    def matched(edge: int, own: set[int]) -> bool:
        """Another row has an edge within the tolerance (counted once for all rows: linear)."""
        near = range(edge - ALIGN_TOLERANCE, edge + ALIGN_TOLERANCE + 1)
        return sum(rows_at[e] for e in near) > sum(e in own for e in near)

    shared = sum(all(matched(edge, row_edges) for edge in row_edges) for row_edges in edges)
    return shared >= max(MIN_ALIGNED_ROWS, (len(run) + 1) // 2)


def _build(rows: list[list[tuple[str, int, int]]], lines: list[Line], source: str,
           header_rule: int | None = None) -> Table:
    cells = [Cell(row=r, col=c, text=text, start=start, end=end)
             for r, row in enumerate(rows) for c, (text, start, end) in enumerate(row)]
    table = Table(page=lines[0].page, start=lines[0].start, end=lines[-1].end, cells=cells,
                  source=source)
    if _labels_under_figures(rows):
        table.label_rows = 1
        return table
    table.header_rows = header_rule if header_rule is not None else _header_rows(table)
    table.stub_columns = _stub_columns(table)
    return table


def _labels_under_figures(rows: list[list[tuple[str, int, int]]]) -> bool:
    """Two rows: N figures over N labels, an infographic row (the labels pair in order)."""
    if len(rows) != 2:
        return False
    top, bottom = ([text for text, _, _ in row if text] for row in rows)
    return (len(top) >= 2 and len(top) == len(bottom) and all(map(is_numeric, top))
            and not any(is_numeric(text) or is_year(text) for text in bottom))


def _header_rows(table: Table) -> int:
    """The first row is a header when it holds no figure but years, and a later row does."""
    if table.n_rows < 2:
        return 0
    first = [cell.text for cell in table.cells if cell.row == 0]
    later = [cell.text for cell in table.cells if cell.row > 0]  # one pass, not one a row
    if any(is_numeric(text) for text in first):
        return 0
    return 1 if any(is_numeric(text) for text in later) or sum(map(is_year, first)) >= 2 else 0


def _stub_columns(table: Table) -> int:
    """The first column labels the rows when its body cells are words or years, not figures."""
    texts = [cell.text for cell in table.cells
             if cell.col == 0 and cell.row >= table.header_rows and cell.text]
    if not texts or table.n_cols < 2:
        return 0
    return 1 if sum(not is_numeric(text) for text in texts) >= len(texts) / 2 else 0


def find_tables(document: Document) -> list[Table]:
    """The tables of a document, in reading order."""
    tables = []
    for page in document.pages:
        lines = page.lines
        for run in _runs(lines, _is_tab_row, _continues_tab_rows):
            tables.append(_build([_tab_cells(line) for line in run], run, "tabs"))
        for run in _runs(lines, _is_markdown_row):
            rows = [line for line in run if not _MARKDOWN_RULE.match(line.text)]
            rule = next((i for i, line in enumerate(run) if _MARKDOWN_RULE.match(line.text)), None)
            if rows:
                tables.append(_build([_markdown_cells(line) for line in rows], rows, "markdown",
                                     header_rule=rule))
        for run in _runs(lines, _is_aligned_row):
            if len(run) >= MIN_ALIGNED_ROWS and _aligned(run):
                tables.append(_build([_wide_cells(line) for line in run], run, "aligned"))
        taken = [(table.start, table.end) for table in tables]
        for figures, labels in _figures_over_labels(lines):
            if not any(start <= figures.start <= end for start, end in taken):
                tables.append(_build([_wide_cells(figures), _wide_cells(labels)],
                                     [figures, labels], "labels"))
    return sorted(tables, key=lambda table: table.start)


def _figures_over_labels(lines: list[Line]) -> Iterator[tuple[Line, Line]]:
    """An infographic row: a line of N figures over a line of N labels ("39 975   5 124" over
    "appels gérés   visites"), one blank line allowed between them; the labels pair in order."""
    content = [(index, line) for index, line in enumerate(lines) if not line.is_blank]
    cells = [_wide_cells(line) if _GAP.search(line.text) else None for _, line in content]
    for position, ((i, figures), (j, labels)) in enumerate(zip(content, content[1:], strict=False)):
        # a row of one cell (no gap in its line: most lines) is no row of figures
        if j - i > 2 or cells[position] is None:
            continue
        below = cells[position + 1] if cells[position + 1] is not None else _wide_cells(labels)
        if _labels_under_figures([cells[position], below]):
            yield figures, labels
