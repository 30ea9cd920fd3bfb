"""Sections: find a report's heading tree in a `Document`.

`find_sections(document)` is a chain of small steps: drop the lines that are not content (table of
contents, running headers and footers, page numbers: `contents.py`, `headings.py`), pick heading
lines by their cues (outline numbers, font size and weight in PDFs, short title lines in text),
give each a level, check that the tree is plausible, then cut the text into sections.
"""

from __future__ import annotations

import bisect
import re

from pydantic import BaseModel, Field
from rapidfuzz import fuzz

from .contents import contents_numbers, entry_key, find_contents, toc_headings, toc_titles
from .document import Document, Line
from .headings import (
    MAX_HEADING_WORDS,
    Candidate,
    body_font_size,
    clean_line,
    cue_headings,
    fold_title,
    normalise_title,
)

__all__ = ["Section", "find_sections", "minor_headings", "minor_titles", "normalise_title",
           "section_at", "section_path"]

MIN_CONTENTS_FOUND = 0.3  # share of contents entries found in the body for the contents to lead
MAX_HEADINGS_PER_PAGE = 8  # more, on average, and the cues are reading list items or labels
MIN_PAGES_WITH_HEADINGS = 5  # a report this long has chapters
LARGER = 1.05  # a type this much larger than the body's is a heading's


class Section(BaseModel):
    """A heading and the text under it, up to the next heading of any level."""

    title: str
    level: int = Field(ge=1, le=3)
    parent: int | None = Field(None, description="index of the parent section in the list")
    page_start: int
    page_end: int
    start: int = Field(description="offset of the heading in Document.text")
    end: int = Field(description="offset where the next section starts")
    text: str = ""


def heading_candidates(document: Document, warnings: list[str] | None = None) -> list[Candidate]:
    """Pick the heading lines of a document and give each a level (1 to 3).

    Where the report has a table of contents, its entries are the headings: a body line is a
    heading when it matches an entry (fuzzy, for the converters' spacing), in the contents' order;
    numbered headings that fit the outline are added. When few entries are found in the body
    (the contents belong to another edition, or the text lost them), the layout cues decide and
    a warning says so.
    """
    contents, skip, listed, cues = _layout_headings(document)
    covers = title_blocks(document, contents)
    cues = [c for c in cues if not c.text_only  # lines in a PDF's body type are no sections
            and (c.outline is not None  # a numbered chapter is on no cover
                 or not any(start <= c.line.start < end for start, end in covers))]
    if len(listed) >= 5:
        matched = toc_headings(document, skip, listed)
        found = len({entry_key(c.title) for c in matched} & set(listed)) / len(set(listed))
        if found >= MIN_CONTENTS_FOUND:
            starts = {c.line.start for c in matched}
            numbers = contents_numbers(contents)
            # set in the type of the headings the contents list (PDF): a heading the contents
            # left out ("Édito", a sub-chapter); a line repeating a listed title elsewhere (an
            # organisation chart) is not that chapter
            body = body_font_size(document)
            styles = {_style(c) for c in matched  # bold in the body's size is too common a style
                      if body and (c.line.font_size or 0) > body * LARGER}
            keys = {entry_key(c.title) for c in matched}
            extra = [c for c in cues if c.line.start not in starts and (
                _style(c) in styles and entry_key(c.title) not in keys
                or c.outline is not None and fuzz.partial_ratio(
                    numbers.get(c.outline.parts, entry_key(c.title)), entry_key(c.title)) >= 80)]
            return sorted(matched + extra, key=lambda c: c.line.start)
        if warnings is not None:
            warnings.append(f"table of contents: only {found:.0%} of its entries found in the "
                            "text; headings taken from the layout")
    return cues


COVER_LINES = 8  # a first page with no more lines than this, none of running text, is a cover
_SENTENCE = re.compile(r"[.!?]\W*$")


def _running_text(line: Line) -> bool:
    """A line of running text: more words than a title has, or a sentence of some length."""
    words = clean_line(line).split()
    return len(words) > MAX_HEADING_WORDS or len(words) >= 4 and bool(
        _SENTENCE.search(line.text))


def title_blocks(document: Document, contents: list) -> list[tuple[int, int]]:
    """Spans of the text that are title pages, whose lines name the report and open no
    section: the first page when it holds a few short lines only (title, year, place), and the
    short lines above a contents title on its page ("CONSEIL D'ADMINISTRATION" / "2022 - 2023"
    over "SOMMAIRE")."""
    blocks: list[tuple[int, int]] = []
    pages = document.pages
    if len(pages) >= 2:
        shown = [line for line in pages[0].lines if not line.is_blank]
        if shown and len(shown) <= COVER_LINES and not any(map(_running_text, shown)):
            blocks.append((pages[0].start, pages[0].end))
    for found in contents:
        if found.kind != "title":
            continue
        title = found.line
        start = title.start
        page = next((page for page in pages if page.number == title.page), None)
        for line in reversed([line for line in (page.lines if page else [])
                              if line.start < title.start]):
            if not line.is_blank and _running_text(line):
                break
            start = line.start
        if start < title.start:
            blocks.append((start, title.start))
    return blocks


def _style(candidate: Candidate) -> tuple[float | None, bool]:
    return candidate.line.font_size, candidate.line.bold


def minor_headings(document: Document) -> list[Candidate]:
    """Heading lines below the level of the table of contents ("ESA", "Transport accompagné"
    under "Le Service Portage-Instruction-Facturation"): what the layout cues would take as
    headings in a report with no contents. Empty for a report without one (they are its
    sections already). In a PDF, they include the short lines in the body's type that the text
    cues take for headings (set apart, no final period), as they are read in a converted text."""
    _, _, listed, cues = _layout_headings(document)
    return [] if len(listed) < 5 else cues


def minor_titles(document: Document) -> list[tuple[int, str]]:
    """(offset, title) of the document's minor headings, in document order (the linker's
    `local_heading` bisects them)."""
    return [(heading.line.start, heading.title) for heading in minor_headings(document)]


_LAST_LAYOUT: list = []  # (document, its layout headings): the sections and the linker ask both


def _layout_headings(document: Document) -> tuple[list, set[int], list[str], list[Candidate]]:
    """The contents lines, their offsets, the titles they list and the layout's heading
    candidates of `document`, computed once for the document last asked about (the heading
    tree and the linker's minor headings both need them)."""
    if not _LAST_LAYOUT or _LAST_LAYOUT[0] is not document:
        contents = find_contents(document.lines)
        skip = {found.line.start for found in contents}
        _LAST_LAYOUT[:] = [document, (contents, skip, toc_titles(contents),
                                      cue_headings(document, skip))]
    contents, skip, listed, cues = _LAST_LAYOUT[1]
    return contents, skip, listed, list(cues)


def drop_repeats(candidates: list[Candidate]) -> list[Candidate]:
    """A chapter title repeated on each of its pages counts once: a heading equal to an earlier
    one of the same level, with no heading of that level or above in between, is dropped."""
    kept: list[Candidate] = []
    for candidate in candidates:
        for previous in reversed(kept):
            if previous.level < candidate.level:
                break
            if previous.level == candidate.level:
                if fold_title(previous.title) == fold_title(candidate.title):
                    candidate = None
                break
        if candidate is not None:
            kept.append(candidate)
    return kept


def build_tree(document: Document, candidates: list[Candidate]) -> list[Section]:
    """Given the heading lines, return sections with parents, page ranges and text spans."""
    sections: list[Section] = []
    stack: list[int] = []
    page_ends = [page.end for page in document.pages]
    for position, candidate in enumerate(candidates):
        end = candidates[position + 1].line.start if position + 1 < len(candidates) else len(
            document.text
        )
        while stack and sections[stack[-1]].level >= candidate.level:
            stack.pop()
        start = candidate.line.start
        sections.append(
            Section(
                title=candidate.title,
                level=candidate.level,
                parent=stack[-1] if stack else None,
                page_start=candidate.line.page,
                page_end=_page_at(document, page_ends, max(start, end - 1)),
                start=start,
                end=end,
                text=document.text[start:end],
            )
        )
        stack.append(len(sections) - 1)
    return sections


def _page_at(document: Document, page_ends: list[int], offset: int) -> int:
    """`document.page_at(offset)` by bisection over the pages' ends (a long report has many
    pages and many sections)."""
    index = bisect.bisect_right(page_ends, offset)
    if index < len(page_ends):
        return document.pages[index].number
    return document.pages[-1].number if document.pages else 1


def find_sections(document: Document, warnings: list[str] | None = None) -> list[Section]:
    """Return the heading tree of `document`, in reading order.

    An implausible tree (no heading in a long report, or more headings than a reader would see
    on a page) is still returned, with a warning appended to `warnings`.
    """
    sections = build_tree(document, drop_repeats(heading_candidates(document, warnings)))
    pages = max(1, len(document.pages))
    if warnings is not None:
        if not sections and pages >= MIN_PAGES_WITH_HEADINGS:
            warnings.append(f"no heading found in {pages} pages: values have no section")
        elif len(sections) > MAX_HEADINGS_PER_PAGE * pages:
            warnings.append(f"{len(sections)} headings in {pages} pages: the heading tree is "
                            "implausible, sections may be wrong")
    return sections


def section_at(sections: list[Section], offset: int) -> Section | None:
    """The innermost section holding character `offset`, of `sections` in reading order (as
    `find_sections` gives them): the last one starting at or before it that holds it, found by
    bisection (it is asked for every number of a long report)."""
    index = bisect.bisect_right(sections, offset, key=lambda section: section.start)
    for position in range(index - 1, -1, -1):
        if offset < sections[position].end:
            return sections[position]
    return None


def section_path(sections: list[Section], section: Section | None) -> list[Section]:
    """The chain of sections from the top level down to `section`."""
    chain = []
    while section is not None:
        chain.append(section)
        section = sections[section.parent] if section.parent is not None else None
    return chain[::-1]
