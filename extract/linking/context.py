"""What a reader sees around a number: its label, its clause, its table cell, its sections.

`build_context` gives the words after the number (same line, or the next lines for an
infographic number standing alone), the clause before it, the row label, column header and
caption of a table, and the path of sections (and the minor heading) it sits in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice

from ..document import Document
from ..quantities import Quantity
from ..sections import Section, section_at, section_path
from .scope import find_scope
from .text import line_bounds, lines_above

CLAUSE_BREAK = re.compile(r"[;:.!?](?:\s|$)|\s[-–—]\s|,\s(?=[A-ZÉ]|dont\b)|\n\s*\n")
WRAP_LOOKBACK_LINES = 4  # lines of a wrapped clause read back from a number
TOPIC_LOOKBACK = 8  # earlier headings searched for a title alias when the section has none

MAX_CLAUSE_CHARS = 600  # characters of a clause before or after a number


@dataclass
class Table:
    """Where a number sits in a tab-separated table."""

    row: str = ""  # the row's label (after an account number)
    header: str = ""  # the column's header
    caption: str = ""  # the text line above the table
    header_year: int | None = None
    value_columns: int = 1  # cells of the row that hold numbers
    account: bool = False  # the row is a chart-of-accounts line ("011. Charges ...", "2184 Mobilier")


@dataclass
class Context:
    """What a reader sees around a number, as text and as character ranges of `Document.plain`."""

    label: str  # words after the number (its own label)
    before: str  # words before it in its clause
    label_range: tuple[int, int] = (0, 0)
    before_range: tuple[int, int] = (0, 0)
    table: Table | None = None
    sections: list[Section] = field(default_factory=list)
    preceding: list[Section] = field(default_factory=list)  # earlier headings, nearest first
    local_heading: str = ""  # a heading below the contents' level, above the number ("ESA")
    scope: str = ""


def _block_after(text: str, position: int, max_lines: int = 5) -> tuple[str, int]:
    """The lines after `position` up to a blank line after some content (an infographic label)."""
    lines = []
    cursor = position
    seen_content = False
    while len(lines) < max_lines and cursor < len(text):
        end = text.find("\n", cursor)
        end = len(text) if end < 0 else end
        line = text[cursor:end]
        if line.strip():
            if "\t" in line or (seen_content and starts_with_number(line)):
                break
            lines.append(line.strip())
            seen_content = True
        elif seen_content:
            break
        cursor = end + 1
    return " ".join(lines), cursor


def starts_with_number(line: str) -> bool:
    return bool(re.match(r"^\s*[+\-]?\s?\d", line))


ASIDE = re.compile(r"\([^()\n]*\)")  # a parenthesis on one line


def without_asides(segment: str) -> str:
    """`segment` with the inside of its parentheses blanked (same length): the commas of
    "Les 3 LAEP (Trèbes, Moussoulens et Villemoustaussou) ont accueilli" break no clause."""
    return ASIDE.sub(lambda found: "(" + " " * (len(found.group()) - 2) + ")", segment)


def _clause_before(text: str, start: int, line_start: int) -> str:
    """The clause before a number; for "Nombre de délibérations : 104" the label before the colon.
    A clause wrapped over lines (an infographic box, a narrow column: "Le nombre de dossiers de /
    domiciliation / traités soit 40 personnes") goes on over the lines above."""
    line_start = _wrapped_start(text, line_start)
    segment = text[line_start:start]
    breaks = list(CLAUSE_BREAK.finditer(without_asides(segment)))
    if breaks and not segment[breaks[-1].end():].strip(" *\t") and breaks[-1].group().startswith(":"):
        label = segment[: breaks[-1].start()]
        earlier = list(CLAUSE_BREAK.finditer(without_asides(label)))
        return segment[earlier[-1].end() if earlier else 0 :]
    return segment[breaks[-1].end():] if breaks else segment


_WRAP_END = re.compile(r"[.;:!?]\W*$")


def _wrapped_start(text: str, line_start: int) -> int:
    """The start of the first line of the wrapped text block that `line_start` continues: the
    lines above, up to a blank line, a table row, a bullet or a line ending a sentence."""
    for previous_start, previous in islice(lines_above(text, line_start), WRAP_LOOKBACK_LINES):
        if not _LOWER_START.match(text[line_start : line_start + 40].lstrip("* ")):
            break
        if (not previous.strip() or "\t" in previous or BULLET_LINE.match(previous)
                or _WRAP_END.search(previous)):
            break
        line_start = previous_start
    return line_start


def clause_after(text: str, end: int, line_end: int) -> str:
    segment = text[end:line_end]
    found = CLAUSE_BREAK.search(without_asides(segment))
    return segment[: found.start()] if found else segment


_ACCOUNT = re.compile(r"^\s*\d{2,6}(?:\s*\+\s*\d{2,4})?\.?(?:\s|$)")


def typed_table_context(document: Document, plain: str, quantity: Quantity
                        ) -> tuple[Table, int, int] | None:
    """For a number in a body cell of one of the document's typed tables (`Document.tables`):
    its row label, the words naming its measure (column header, or the label under an
    infographic figure), the year of its cell by the table's year axis (columns or rows), the
    caption, and the cell's span. None when it sits in no table or in a header."""
    typed = document.table_from(quantity.start)
    if typed is None:
        return None
    cell = typed.cell_at(quantity.start)
    if cell is None or cell.row < typed.header_rows:
        return None
    if typed.label_rows and typed.cell(cell.row + 1, cell.col) is None:
        return None
    label = typed.row_label(cell.row)
    in_stub = cell.col < typed.stub_columns  # an account number or a figure inside a row label
    table = Table(value_columns=sum(bool(re.search(r"\d", c.text)) for c in typed.row(cell.row)
                                    if c.col >= typed.stub_columns),
                  header=typed.measure_of(cell) if typed.label_rows else typed.column_header(cell.col),
                  header_year=None if in_stub else typed.year_of(cell))
    accounts = typed.year_axis != "rows"  # a stub of years holds no account numbers
    if in_stub and starts_with_number(label) and not _ACCOUNT.match(label):
        label = ""  # a row label that starts with a figure is no label of that figure
    if accounts and re.fullmatch(r"\d{2,6}", label) and typed.stub_columns == 1 and cell.col > 1:
        label = typed.cell(cell.row, 1).text if typed.cell(cell.row, 1) else label
        table.account = True
    elif accounts and _ACCOUNT.match(label):
        label = _ACCOUNT.sub("", label).strip()
        table.account = True
    table.row = label.strip()
    table.caption = next((previous.strip() for _, previous in lines_above(plain, typed.start)
                          if previous.strip()), "")
    return table, cell.start, cell.end


def build_context(document: Document, plain: str, quantity: Quantity, sections: SectionIndex,
                  previous_end: int = 0, next_start: int | None = None) -> Context:
    """The label, clause and table around `quantity`, bounded by its neighbouring numbers."""
    next_start = len(plain) if next_start is None else next_start
    line_start, line_end = line_bounds(plain, quantity.start)
    line = plain[line_start:line_end]
    unit_end = quantity.unit_end or quantity.end
    typed = typed_table_context(document, plain, quantity)
    table = typed[0] if typed else None
    alone = not re.sub(r"[\d\s€%.,+\-*]", "", line.replace(quantity.raw, ""))
    if typed:
        table, cell_start, cell_end = typed
        label_range = (quantity.end, max(cell_end, min(unit_end, line_end)))
        before_range = (cell_start, quantity.start)
    elif alone or unit_end > line_end:
        _, block_end = _block_after(plain, line_end + 1)
        label_range = (quantity.end, min(max(block_end, unit_end), next_start))
        clause_before = "" if alone else _clause_before(plain, quantity.start, line_start)
        before_range = (max(quantity.start - len(clause_before), previous_end), quantity.start)
    else:
        clause = clause_after(plain, unit_end, line_end)
        label_range = (quantity.end, min(unit_end + len(clause), next_start))
        clause_before = _clause_before(plain, quantity.start, line_start)
        before_range = (max(quantity.start - len(clause_before), previous_end), quantity.start)
        if not plain[unit_end:line_end].strip() and not plain[slice(*before_range)].strip():
            _, block_end = _block_after(plain, line_end + 1)
            label_range = (quantity.end, min(max(block_end, unit_end), next_start))
    if _LOWER_START.match(plain[before_range[0]:before_range[1]]) and not plain[
            line_start:before_range[0]].strip():
        intro = _list_intro_start(document.text, line_start)
        if intro is not None:
            before_range = (max(intro, previous_end), before_range[1])
    label_range = _within_parentheses(plain, quantity, line_start, line_end, label_range)
    # A clause is never longer than this: a text without line breaks or clause marks (a
    # converter's single line) must not make every number read the whole document.
    label_range = (label_range[0], min(label_range[1], label_range[0] + MAX_CLAUSE_CHARS))
    before_range = (max(before_range[0], before_range[1] - MAX_CLAUSE_CHARS), before_range[1])
    path = sections.path_at(quantity.start)
    context = Context(
        label=" ".join(plain[slice(*label_range)].split()),
        before=" ".join(plain[slice(*before_range)].split()),
        label_range=label_range,
        before_range=before_range,
        table=table,
        sections=path,
        preceding=[earlier for enclosing in reversed(path)
                   for earlier in sections.preceding(enclosing)],
    )
    context.scope = find_scope(plain, quantity, table.row if table else "")
    return context


def _within_parentheses(plain: str, quantity: Quantity, line_start: int, line_end: int,
                        label_range: tuple[int, int]) -> tuple[int, int]:
    """A number inside parentheses on its line has its label end at the closing one: the words
    after it belong to the sentence around ("(11 communes, 9.500 habitants) a ajouté l'action
    sociale" counts no action sociale). The words before stay its clause: "provient de la
    communauté de communes (405.000 euros)" names the amount."""
    opening = plain.rfind("(", line_start, quantity.start)
    if opening < 0 or ")" in plain[opening:quantity.start]:
        return label_range
    closing = plain.find(")", quantity.end, line_end)
    if closing < 0:
        return label_range
    return label_range[0], max(label_range[0], min(label_range[1], closing))


BULLET_LINE = re.compile(r"^\s*[-–—»•▪●◦■]\s")
_LOWER_START = re.compile(r"^\s*[a-zà-ÿ]")


def _list_intro_start(text: str, line_start: int) -> int | None:
    """The start of the line introducing the bulleted list just above `line_start`, when the
    line goes on with no subject of its own ("Les 5 Relais d'Assistants Maternelles :", bullets,
    "ont accueilli 499 enfants"): that line is the clause's subject."""
    bullets = 0
    for previous_start, previous in lines_above(text, line_start):
        if not previous.strip():
            continue
        if BULLET_LINE.match(previous):
            bullets += 1
            continue
        return previous_start if bullets and previous.rstrip().endswith(":") else None
    return None


class SectionIndex:
    """A document's sections for the lookups of every number: its section path and the
    headings before each section of it, computed once per section, not once per number."""

    def __init__(self, sections: list[Section]):
        self.sections = sections
        self._position = {id(section): i for i, section in enumerate(sections)}
        self._preceding: dict[int, list[Section]] = {}

    def path_at(self, offset: int) -> list[Section]:
        """The sections holding `offset`, from the top level down."""
        return section_path(self.sections, section_at(self.sections, offset))

    def preceding(self, section: Section) -> list[Section]:
        """`_preceding_sections` of `section`, cached."""
        if id(section) not in self._preceding:
            self._preceding[id(section)] = _preceding_sections(
                self.sections, section, self._position[id(section)])
        return self._preceding[id(section)]


def _preceding_sections(sections: list[Section], section: Section, index: int) -> list[Section]:
    """The headings before `section` (at `index` in `sections`) at its level, nearest first,
    back to the heading enclosing it: plain-text reports often lose the levels that make "LES
    TRANSPORTS" a part of "LES DÉPENSES EN SECOURS"; a deeper heading ("1.5.5 Les mises à l'abri"
    before "1.6") is a part of another section, and one above the section's level encloses it
    (it is in its path). Asked for each section of a number's path, innermost first."""
    found = []
    for earlier in sections[max(0, index - TOPIC_LOOKBACK) : index][::-1]:
        if earlier.level < section.level:
            break  # the enclosing heading: what lies before it is another chapter
        if earlier.level == section.level:
            found.append(earlier)  # a deeper one is a sibling's part, never an enclosing topic
    return found
