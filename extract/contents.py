"""Tables of contents: find them, read their entries, match the entries to body headings.

`find_contents(lines)` is the one detector of a table of contents: the heading tree leaves its
lines out and maps the headings from its entries (`sections.py`); the numbers on its lines are
pages and outline numbers, never values (`number_layout.py`). It reads lines only, so it serves a
`Document` and a plain text alike. A reader takes for a table of contents:

- a run of at least three lines that end with a page number (after a tab, dot leaders or spaces),
  with pages that never go down, that a reader recognises as one: a contents title just before
  it ("Sommaire"), outline numbers opening half of its lines, or dot leaders on half of them; a
  part number alone just before the run ("1" over the entries of part 1) belongs to it;
- one line that opens with an outline number and ends with a page after a leader or a tab
  ("1.3.2 Les aides légales … 14");
- a contents title alone on its line, and the short lines under it on its page (an agenda of
  topics, without page numbers).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import islice
from typing import Literal

from rapidfuzz import fuzz, process

from .catalogue import fold
from .document import Document, Line, blank_markup
from .headings import (
    Candidate,
    clean_line,
    fold_title,
    heading_title,
    is_upper,
    looks_like_title,
    unmarked,
)
from .number_grammar import grammar
from .outline import Outline, parse_outline, strip_outline

_PAGE = re.compile(
    r"(?P<leader>\t[ \t]*|[ \t]*(?:\.{2,}|…+|_{2,})[ \t.…_]*| +)(?P<page>\d{1,3})[ \t]*$"
)
_DOTS = re.compile(r"\.{2,}|…|_{2,}")
_LETTER = re.compile(r"[^\W\d_]")
_WORDS = re.compile(r"[^\W\d_]+")
_PART_NUMBER = re.compile(r"[ \t]*(?P<number>\d{1,2})[ \t]*")
_LIST_MARK = re.compile(r"^\s*[-–—»•▪●◦■*]")
_SENTENCE = re.compile(r"[.!?]\W*$")
_TAIL = 80  # a page number is looked for in the last characters of a line only
_MAX_BLANKS = 2  # blank lines allowed inside one table of contents
_TITLE_LOOKBACK = 4  # non-blank lines before a contents run that may hold its title
MAX_ENTRY_CHARS = 90  # a longer line under a "Sommaire" title is running text, not an entry

Kind = Literal["entry", "agenda", "part", "title"]


@dataclass(frozen=True)
class ContentsLine:
    """A line of a table of contents: an entry with its page number, an entry of an agenda (no
    page), the part number alone over a run of entries, or the contents title."""

    line: Line
    kind: Kind
    entry: str  # the text as listed, without leader and page number
    page: tuple[int, int] | None = None  # offsets of the page number in the text
    leader: str = ""  # what separates the entry from its page: a tab, dots, spaces
    outline: Outline | None = None  # the number opening the line (span in `line.text`)

    @property
    def dotted(self) -> bool:
        return bool(_DOTS.search(self.leader))

    @property
    def page_number(self) -> int | None:
        if self.page is None:
            return None
        return int(self.line.text[self.page[0] - self.line.start : self.page[1] - self.line.start])


def is_contents_title(text: str) -> bool:
    """A contents title alone on its line: "SOMMAIRE", "Table des matières :", not "Sommaire
    des actions" over a table."""
    words = _WORDS.findall(text[:_TAIL])
    if not words or len(words) > _title_words():
        return False  # most lines: folding them is the cost of this test
    return fold(" ".join(words)) in grammar().contents_titles


@cache
def _title_words() -> int:
    return max(len(title.split()) for title in grammar().contents_titles)


def _outline(text: str) -> Outline | None:
    return parse_outline(blank_markup(text))


def _page_entry(line: Line) -> ContentsLine | None:
    """`line` as an entry when it ends with a page number after words ("2021 3 8 5 7 23" is a
    table row, not a title and its page)."""
    text = line.text
    if not text.rstrip(" \t\n")[-1:].isdecimal():
        return None  # most lines: no figure at their end, no page number (what `_PAGE` needs)
    page = _PAGE.search(text, max(0, len(text) - _TAIL))
    if page is None or not _LETTER.search(text, 0, page.start()):
        return None
    entry = text[: page.start()].rstrip(" \t.…_")  # a long leader starts before the tail
    return ContentsLine(line=line, kind="entry", entry=entry, leader=page.group("leader"),
                        page=(line.start + page.start("page"), line.start + page.end("page")),
                        outline=_outline(entry))


def find_contents(lines: list[Line]) -> list[ContentsLine]:
    """Given the lines of a document or of a text (`number_layout.text_lines`), return the
    lines of its tables of contents, in reading order."""
    entries = [_page_entry(line) for line in lines]
    found: dict[int, ContentsLine] = {}
    for first, run in _runs(lines, entries):
        if _is_contents(run, [line.text for line in _lines_before(lines, first)]):
            part = _part_number(lines, first)
            found.update((c.line.start, c) for c in ([part] if part else []) + run)
    for index, line in enumerate(lines):
        if len(line.text.strip()) <= 40 and is_contents_title(line.text):
            found[line.start] = ContentsLine(line=line, kind="title", entry=line.text)
            for agenda in _agenda(lines, index, entries):
                found.setdefault(agenda.line.start, agenda)
    return sorted(found.values(), key=lambda c: c.line.start)


def _runs(lines: list[Line], entries: list[ContentsLine | None]
          ) -> Iterator[tuple[int, list[ContentsLine]]]:
    """Runs of lines ending with a page number (a few blank lines allowed between them), each
    with the index of its first line."""
    run: list[ContentsLine] = []
    blanks = first = 0
    for index, entry in enumerate([*entries, None]):
        if index < len(lines) and lines[index].is_blank:
            blanks += 1
            if blanks <= _MAX_BLANKS:
                continue
        elif entry is not None:
            if not run:
                first = index
            run.append(entry)
            blanks = 0
            continue
        if run:
            yield first, run
        run, blanks = [], 0


def _lines_before(lines: list[Line], index: int, count: int = _TITLE_LOOKBACK) -> list[Line]:
    """The last `count` non-blank lines before `lines[index]`, nearest last."""
    found: list[Line] = []
    while index > 0 and len(found) < count:
        index -= 1
        if not lines[index].is_blank:
            found.insert(0, lines[index])
    return found


def _is_contents(run: list[ContentsLine], before: list[str]) -> bool:
    if len(run) == 1:  # alone, a decimal outline number and a leader make it a contents line
        entry = run[0]
        return entry.outline is not None and entry.outline.style == "decimal" and (
            "\t" in entry.leader or entry.dotted)
    pages = [entry.page_number for entry in run]
    if len(run) < 3 or any(b < a for a, b in zip(pages, pages[1:], strict=False)):
        return False
    if any(is_contents_title(line) for line in before):
        return True
    outlined = sum(entry.outline is not None for entry in run)
    dotted = sum(entry.dotted for entry in run)
    return 2 * outlined >= len(run) or 2 * dotted >= len(run)


def _part_number(lines: list[Line], first: int) -> ContentsLine | None:
    """The part number alone on the line just before a run of entries ("1" over part 1)."""
    line = next((line for line in reversed(lines[max(0, first - _MAX_BLANKS - 1) : first])
                 if not line.is_blank), None)
    part = _PART_NUMBER.fullmatch(line.text) if line else None
    if line is None or part is None:
        return None
    number = part.group("number")
    return ContentsLine(line=line, kind="part", entry=line.text, outline=Outline(
        "decimal", (int(number),), number, "", part.span("number")))


def _agenda(lines: list[Line], index: int, entries: list[ContentsLine | None]
            ) -> list[ContentsLine]:
    """The entries listed under a "Sommaire" title without page numbers: the short lines after
    it on its page, up to the first line of running text. A text without page breaks gives no
    end to such a page: nothing is taken."""
    found: list[ContentsLine] = []
    if lines[-1].page == lines[index].page == 1:
        return found
    first: list[str] | None = None  # the words of the first topic (not a sentence, no list mark)
    for line, entry in islice(zip(lines, entries, strict=True), index + 1, None):
        if line.page != lines[index].page or len(line.text.strip()) > MAX_ENTRY_CHARS:
            break
        topic = not line.is_blank and not _LIST_MARK.match(line.text) and \
            not _SENTENCE.search(line.text)
        if topic and first and _words(line.text) == first:
            break  # the first topic comes back: the body begins ("Accueil 2022-23" ... "ACCUEIL")
        if topic and first is None:
            first = _words(line.text)
        if not line.is_blank and entry is None:
            found.append(ContentsLine(line=line, kind="agenda", entry=line.text,
                                      outline=_outline(line.text)))
    return found


def _words(text: str) -> list[str]:
    """The words of a line, folded, without figures, marks or outline numbers."""
    return _WORDS.findall(fold(strip_outline(unmarked(text))))


def entry_key(text: str) -> str:
    """A heading or contents entry as compared: folded, without its number, marks or colon."""
    return fold_title(strip_outline(unmarked(text)))


def toc_titles(contents: list[ContentsLine]) -> list[str]:
    """The titles listed in the table of contents with their page numbers (without the outline
    numbers); a list under a "Sommaire" title without page numbers is an agenda of topics, not
    a map of the headings."""
    keys = (entry_key(found.entry.replace("\t", " ")) for found in contents
            if found.kind == "entry")
    return [title for key in keys if key for title in _with_parts(key)]


def _with_parts(key: str) -> list[str]:
    """An entry, then its parts when it names two titles joined by a slash ("Introduction du
    Maire/Le mot de la Vice-Présidente", two headings in the body): each part of two words or
    more is matched too ("Aides légales/facultatives" stays one title)."""
    parts = [part.strip() for part in key.split("/")]
    if len(parts) == 2 and all(len(part.split()) >= 2 for part in parts):
        return [key, *parts]
    return [key]


def contents_numbers(contents: list[ContentsLine]) -> dict[tuple[int, ...], str]:
    """The outline numbers the contents give, with their titles: a body line with one of them
    and another title is not that heading ("3 Plan du site" where the contents' 3 is "La
    gouvernance")."""
    numbers = {}
    for found in contents:
        if found.outline is not None and found.outline.style == "decimal" and found.outline.rest:
            numbers[found.outline.parts] = entry_key(found.outline.rest)
    return numbers


def toc_headings(document: Document, skip: set[int], listed: list[str]) -> list[Candidate]:
    """Headings of a report with a table of contents: the body lines that match its entries.

    Body headings come in the order of the contents, so of all (line, entry) matches the
    longest chain in that order is kept: an organisation chart or a summary box before the
    chapters names the same services out of order and must not use up their entries.
    Entries and lines are compared without their outline numbers, list marks and markup.
    """
    entries: dict[str, list[int]] = {}  # a title listed twice is compared once
    for index, key in enumerate(listed):
        entries.setdefault(key, []).append(index)
    keys = list(entries)
    matches: list[tuple[Line, int]] = []
    for line in document.lines:
        if line.is_blank or line.start in skip or "\t" in line.text or len(line.text) > 120:
            continue
        title = unmarked(line.text)
        if not looks_like_title(title) and ":" not in title:
            continue
        found = [(score, entry) for key, score, _ in process.extract(
                     entry_key(title), keys, scorer=fuzz.ratio, score_cutoff=92, limit=None)
                 for entry in entries[key]]
        matches.extend((line, entry) for _, entry in sorted(found, key=lambda m: (-m[0], m[1])))
    candidates = []
    for line, _ in _longest_ordered_chain(matches):
        outline = parse_outline(unmarked(line.text))
        level = min(outline.depth, 3) if outline and outline.style == "decimal" else (
            1 if is_upper(clean_line(line)) else 2)
        candidates.append(Candidate(line=line, title=heading_title(line), level=level,
                                    outline=outline))
    return candidates


def _longest_ordered_chain(matches: list[tuple[Line, int]]) -> list[tuple[Line, int]]:
    """The longest subsequence of (line, entry) matches, in reading order, whose lines and
    entries both strictly increase (each line and each entry used once); of equal chains, the
    one that ends first, each link the earliest.

    The chain ending at a match extends the longest chain ending at an earlier line with a
    smaller entry: a Fenwick tree over the entries keeps those maxima, so that the cost is
    n log n in the number of matches (a long report matches many lines to many entries).
    """
    tree = [(0, 0)] * (max((entry for _, entry in matches), default=0) + 2)  # (length, -index)
    best: list[int] = []  # length of the longest chain ending at each match
    previous: list[int | None] = []
    waiting: list[int] = []  # matches of the current line: no link between them
    for index, (line, entry) in enumerate(matches):
        if waiting and matches[waiting[0]][0].start != line.start:
            for earlier in waiting:
                _raise(tree, matches[earlier][1] + 1, (best[earlier], -earlier))
            waiting = []
        length, link = _prefix_max(tree, entry)
        best.append(length + 1)
        previous.append(-link if length else None)
        waiting.append(index)
    chain = []
    cursor = max(range(len(matches)), key=best.__getitem__, default=None)
    while cursor is not None:
        chain.append(matches[cursor])
        cursor = previous[cursor]
    return chain[::-1]


def _raise(tree: list[tuple[int, int]], position: int, value: tuple[int, int]) -> None:
    while position < len(tree):
        tree[position] = max(tree[position], value)
        position += position & -position


def _prefix_max(tree: list[tuple[int, int]], position: int) -> tuple[int, int]:
    """The largest value set at positions 1 to `position` (entries below `position`)."""
    found = (0, 0)
    while position > 0:
        found = max(found, tree[position])
        position -= position & -position
    return found
