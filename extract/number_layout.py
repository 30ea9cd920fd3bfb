"""Numbers that the layout of a report gives a role: outline numbers and contents page numbers.

A reader knows without reading the words that the "1.3.2" opening a heading is its outline number
and that the number closing a line of the table of contents is a page: neither is a measure.
`layout_roles(text, ...)` returns their spans. It reads lines, never sections (it runs before
them and knows nothing of them):

- a table of contents is a run of at least three lines that end with a page number (after a tab,
  dot leaders or spaces), with pages that never go down, and that a reader recognises as one: a
  contents title just before it ("Sommaire"), outline numbers opening half of its lines, or dot
  leaders on half of them. One line that opens with an outline number and closes with a page
  after a leader or a tab is a contents line on its own ("1.3.2 Les aides légales … 14");
- an outline number opens a line and a title: "1.3.2 Les aides" (three levels or more, always),
  "1.2 Accéder aux droits" or "3. Les seniors" (when a capitalised title follows, not a unit:
  "1.5 ETP" stays a value); any number opening a line whose title is an entry of the contents
  ("2 Vie des seniors", "1 3.3 Les aides" where conversion lost a dot).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from .catalogue import fold

LayoutRole = Literal["outline", "page"]

_OUTLINE = re.compile(
    r"[ \t#>]*(?P<number>\d{1,2}(?:\.\d{1,2}){0,4})(?P<mark>[.)]?)(?P<gap>[ \t]+)(?=[^\W\d_])"
)
# a heading whose outline lost a dot in conversion ("1 3.3 Les aides"): kept when its title is
# one of the contents
_LOOSE_OUTLINE = re.compile(
    r"[ \t#>]*(?P<number>\d{1,2}(?:[. ]\d{1,2}){0,4})(?P<mark>[.)]?)(?P<gap>[ \t]+)(?=[^\W\d_])"
)
_PAGE = re.compile(
    r"(?P<leader>\t[ \t]*|[ \t]*(?:\.{2,}|…+|_{2,})[ \t.…_]*| +)(?P<page>\d{1,3})[ \t]*$"
)
_PART_NUMBER = re.compile(r"[ \t]*\d{1,2}[ \t]*")
_DOTS = re.compile(r"\.{2,}|…|_{2,}")
_LETTER = re.compile(r"[^\W\d_]")
_TAIL = 80  # a page number is looked for in the last characters of a line only
_MAX_BLANKS = 2  # blank lines allowed inside one table of contents
_TITLE_LOOKBACK = 4  # non-blank lines before a contents run that may hold its title
_TITLE_KEY = 20  # characters of a folded title compared between contents and body


@dataclass(frozen=True)
class _Line:
    start: int
    text: str
    outline: re.Match[str] | None
    page: re.Match[str] | None  # matched on the line's tail; offsets in `text`

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    def page_span(self) -> tuple[int, int]:
        assert self.page is not None
        return self.start + self.page.start("page"), self.start + self.page.end("page")

    def title(self) -> str:
        """The entry's title, folded, without its outline number and page."""
        begin = self.outline.end() if self.outline else 0
        end = self.page.start() if self.page else len(self.text)
        return fold(self.text[begin:end]).strip(" \t.…_")


def _lines(text: str) -> Iterator[_Line]:
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        line = text[start:end]
        page = _PAGE.search(line, max(0, len(line) - _TAIL))
        if page and not _LETTER.search(line, 0, page.start()):
            page = None  # "2021 3 8 5 7 23": a table row, not a title and its page
        yield _Line(start, line, _OUTLINE.match(line), page)
        start = end + 1


def _contents_runs(lines: list[_Line], contents_titles: tuple[str, ...]) -> Iterator[list[_Line]]:
    """Runs of lines that a reader takes for a table of contents, each with the line of a part
    number alone just before it when there is one ("1" over the entries of part 1)."""
    run: list[_Line] = []
    blanks = first = 0
    for index, line in enumerate([*lines, _Line(0, "end", None, None)]):
        if line.blank:
            blanks += 1
            if blanks <= _MAX_BLANKS:
                continue
        elif line.page is not None:
            if not run:
                first = index
            run.append(line)
            blanks = 0
            continue
        if run and _is_contents(run, _lines_before(lines, first), contents_titles):
            before = next((line for line in reversed(lines[max(0, first - _MAX_BLANKS - 1) : first])
                           if not line.blank), None)
            yield [before, *run] if before and _PART_NUMBER.fullmatch(before.text) else run
        run, blanks = [], 0


def _lines_before(lines: list[_Line], index: int) -> list[str]:
    """The last non-blank lines before `lines[index]`, folded, nearest last."""
    found: list[str] = []
    while index > 0 and len(found) < _TITLE_LOOKBACK:
        index -= 1
        if not lines[index].blank:
            found.insert(0, fold(lines[index].text[:_TAIL]))
    return found


def _is_contents(run: list[_Line], before: list[str], contents_titles: tuple[str, ...]) -> bool:
    if len(run) == 1:
        line = run[0]
        assert line.page is not None
        return line.outline is not None and (
            "\t" in line.page.group("leader") or bool(_DOTS.search(line.page.group("leader"))))
    pages = [int(line.page.group("page")) for line in run if line.page]
    if len(run) < 3 or any(b < a for a, b in zip(pages, pages[1:], strict=False)):
        return False
    # the title alone on its line: "SOMMAIRE", "Table des matières :", not "Sommaire des actions"
    if any(" ".join(re.findall(r"[^\W\d_]+", line)) in contents_titles for line in before):
        return True
    outlined = sum(line.outline is not None for line in run)
    dotted = sum(bool(_DOTS.search(line.page.group("leader"))) for line in run if line.page)
    return 2 * outlined >= len(run) or 2 * dotted >= len(run)


def layout_roles(text: str, *, contents_titles: tuple[str, ...],
                 is_measure: Callable[[int], bool]) -> list[tuple[int, int, LayoutRole]]:
    """Given a text, return (start, end, role) of its outline numbers (role ``outline``) and of
    the page numbers of its table of contents (role ``page``).

    `contents_titles`: folded titles of a table of contents ("sommaire").
    `is_measure(offset)`: true when a unit or multiplier starts at `offset` ("1.5 ETP").
    """
    lines = list(_lines(text))
    spans: list[tuple[int, int, LayoutRole]] = []
    in_contents: set[int] = set()
    titles: set[str] = set()
    for run in _contents_runs(lines, contents_titles):
        for line in run:
            in_contents.add(line.start)
            if line.page is None:  # the part number alone before the entries
                spans.append((line.start, line.start + len(line.text), "outline"))
                continue
            spans.append((*line.page_span(), "page"))
            if line.outline:
                spans.append((line.start + line.outline.start("number"),
                              line.start + line.outline.end("number"), "outline"))
            titles.add(line.title()[:_TITLE_KEY])
    for line in lines:
        if line.start in in_contents:
            continue
        outline = line.outline
        if outline and _is_heading_number(line, outline, is_measure):
            spans.append((line.start + outline.start("number"), line.start + outline.end("number"),
                          "outline"))
            continue
        loose = _LOOSE_OUTLINE.match(line.text) if titles else None
        if loose and fold(line.text[loose.end():]).strip()[:_TITLE_KEY] in titles:
            spans.append((line.start + loose.start("number"), line.start + loose.end("number"),
                          "outline"))
    return spans


def _is_heading_number(line: _Line, outline: re.Match[str],
                       is_measure: Callable[[int], bool]) -> bool:
    """True when the number opening `line` numbers a heading: "1.3.2 Les aides" always,
    "1.2 Accéder" or "3. Les seniors" before a capitalised title that is no unit ("1.5 ETP")."""
    levels = outline.group("number").count(".") + 1
    if levels >= 3:
        return True
    if levels == 1 and not outline.group("mark"):
        return False  # "12 Femmes accueillies": only a contents title makes it a heading
    return not is_measure(line.start + outline.end()) and (
        line.text[outline.end()].isupper() or "\t" in outline.group("gap"))
