"""Tables of contents: find them, read their entries, match the entries to body headings."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from .document import Document, Line
from .headings import (
    Candidate,
    clean_line,
    fold_title,
    heading_title,
    is_upper,
    looks_like_title,
    unmarked,
)
from .outline import parse_outline, strip_outline

_TOC_ENTRY = re.compile(r"^\s*\S.{2,}?(?:\t|\.{3,}|\s{2,}|…+)\s*\d{1,3}\s*$")
MAX_ENTRY_CHARS = 90  # a longer line under a "Sommaire" title is running text, not an entry
_TOC_TITLE = re.compile(r"^\s*(sommaire|table des mati[èe]res|contents)\s*$", re.I)


def toc_lines(lines: list[Line]) -> set[int]:
    """Given the lines of a document, return the offsets of table-of-contents lines.

    A table of contents is a run of at least three entries ending in a page number, or the lines
    under a "Sommaire" title up to the next blank run.
    """
    found: set[int] = set()
    run: list[Line] = []
    for line in lines + [Line(text="", start=-1, end=-1, page=0)]:
        if _TOC_ENTRY.match(line.text):
            run.append(line)
        elif line.is_blank and run:
            continue
        else:
            if len(run) >= 3:
                found.update(entry.start for entry in run)
            run = []
    for index, line in enumerate(lines):
        if _TOC_TITLE.match(clean_line(line)):
            found.add(line.start)
            found.update(entry.start for entry in _entries_under(lines, index))
    return found


def _entries_under(lines: list[Line], index: int) -> list[Line]:
    """The entries listed under a "Sommaire" title without page numbers: the short lines after
    it on its page, up to the first line of running text. A text without page breaks gives no
    end to such a page: nothing is taken."""
    entries: list[Line] = []
    if lines[-1].page == lines[index].page == 1:
        return entries
    for line in lines[index + 1:]:
        if line.page != lines[index].page or len(line.text.strip()) > MAX_ENTRY_CHARS:
            break
        if not line.is_blank and not _TOC_ENTRY.match(line.text):
            entries.append(line)
    return entries


def entry_key(text: str) -> str:
    """A heading or contents entry as compared: folded, without its number, marks or colon."""
    return fold_title(strip_outline(unmarked(text)))


def toc_titles(document: Document, skip: set[int]) -> list[str]:
    """The titles listed in the table of contents with their page numbers (dropped, with the
    outline numbers); a list under a "Sommaire" title without page numbers is an agenda of
    topics, not a map of the headings."""
    titles = []
    for line in document.lines:
        if line.start in skip and _TOC_ENTRY.match(line.text):
            # the page number goes before whitespace is normalised: its tab is the separator
            entry = re.sub(r"(?:\t|\.{3,}|\s{2,}|…+)\s*\d{1,3}\s*$", "", line.text)
            key = entry_key(entry.replace("\t", " "))
            if key:
                titles.append(key)
    return titles


def contents_numbers(document: Document, skip: set[int]) -> dict[tuple[int, ...], str]:
    """The outline numbers the contents give, with their titles: a body line with one of them
    and another title is not that heading ("3 Plan du site" where the contents' 3 is "La
    gouvernance")."""
    numbers = {}
    for line in document.lines:
        if line.start in skip:
            found = parse_outline(unmarked(line.text.replace("\t", " ")))
            if found is not None and found.style == "decimal":
                numbers[found.parts] = entry_key(found.rest)
    return numbers


def toc_headings(document: Document, skip: set[int], listed: list[str]) -> list[Candidate]:
    """Headings of a report with a table of contents: the body lines that match its entries.

    Body headings come in the order of the contents, so of all (line, entry) matches the
    longest chain in that order is kept: an organisation chart or a summary box before the
    chapters names the same services out of order and must not use up their entries.
    Entries and lines are compared without their outline numbers, list marks and markup.
    """
    matches: list[tuple[Line, int]] = []
    for line in document.lines:
        if line.is_blank or line.start in skip or "\t" in line.text or len(line.text) > 120:
            continue
        title = unmarked(line.text)
        if not looks_like_title(title) and ":" not in title:
            continue
        for _, _, entry in process.extract(entry_key(title), listed, scorer=fuzz.ratio,
                                           score_cutoff=92, limit=None):
            matches.append((line, entry))
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
    entries both strictly increase (each line and each entry used once)."""
    best: list[int] = []  # length of the longest chain ending at each match
    previous: list[int | None] = []
    for index, (line, entry) in enumerate(matches):
        length, link = 1, None
        for earlier in range(index):
            other_line, other_entry = matches[earlier]
            if other_line.start < line.start and other_entry < entry and best[earlier] + 1 > length:
                length, link = best[earlier] + 1, earlier
        best.append(length)
        previous.append(link)
    chain = []
    cursor = max(range(len(matches)), key=best.__getitem__, default=None)
    while cursor is not None:
        chain.append(matches[cursor])
        cursor = previous[cursor]
    return chain[::-1]
