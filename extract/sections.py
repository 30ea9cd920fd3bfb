"""Sections: find a report's heading tree in a `Document`.

`find_sections(document)` is a chain of small steps: drop the lines that are not content (table of
contents, running headers and footers, page numbers), pick heading lines by their cues (font size
and weight in PDFs; numbering, short upper-case lines and short title lines between blank lines in
text), give each a level, then cut the text into sections.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import yaml
from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process

from .document import Document, Line, blank_markup
from .outline import Outline, OutlineTracker, parse_outline, strip_outline
from .paths import SCHEMAS_DIR

MAX_HEADING_CHARS = 90
MAX_HEADING_WORDS = 12
LARGE_HEADING_WORDS = 20  # a line set in a much larger type than the body may say more
HEADING_LINES = 5  # lines a heading may be set over in a narrow column
MIN_CONTENTS_FOUND = 0.3  # share of contents entries found in the body for the contents to lead
MAX_HEADINGS_PER_PAGE = 8  # more, on average, and the cues are reading list items or labels
MIN_PAGES_WITH_HEADINGS = 5  # a report this long has chapters
FEW_BLANKS = 0.15  # under this share of blank lines, headings are not set apart by blank lines
_NUMBERING = re.compile(r"^\s*((?:\d{1,2}\.){1,3}\d{0,2}|[IVX]{1,4}\.|[A-H]\.|[a-h]\))\s+\S")
_TOC_ENTRY = re.compile(r"^\s*\S.{2,}?(?:\t|\.{3,}|\s{2,}|…+)\s*\d{1,3}\s*$")
_TOC_TITLE = re.compile(r"^\s*(sommaire|table des mati[èe]res|contents)\s*$", re.I)
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?\s*$", re.I)
_SENTENCE_END = re.compile(r"[.;,]\s*$|^\W*$")
_NOT_TITLE_START = re.compile(r"^[\s\W]*[a-zà-ÿ0-9(+\-–—%€]")
_BULLET = re.compile(r"^\s*[-»•▪●◦■]\s")
_DEFINITION = re.compile(r"^[^:]{1,40}\s?:\s*\S")  # "APA : Allocation ...", "Directeur : X"
_INDENT = re.compile(r"^[ \t\u00a0]{3,}\S")
_SENTENCE_CLOSED = re.compile(r"[.!?:»)]\s*$")  # a line ending a sentence or a list intro
_SENTENCE_OPENS = re.compile(r"^\W{0,3}[A-ZÀ-Ý0-9«\"]")  # a line starting one
# The mark before a list item or a decorated heading ("- ", "• ", "✦ ", "➢ ")
_LEAD_MARK = re.compile(r"^\s*(?:[-–—»•▪●◦■✦➢➤►▶◆◇○□✓✔]|\*(?!\*))+\s*")


@dataclass(frozen=True)
class LayoutCues:
    """Word lists that tell headings from captions, labels and page furniture."""

    caption_first_words: frozenset[str]
    label_first_words: frozenset[str]
    furniture: frozenset[str]
    document_title: re.Pattern[str]

    @classmethod
    def load(cls, path=None) -> LayoutCues:
        data = yaml.safe_load(open(path or SCHEMAS_DIR / "layout.yaml", encoding="utf-8"))
        return cls(
            caption_first_words=frozenset(data["caption_first_words"]),
            label_first_words=frozenset(data["label_first_words"]),
            furniture=frozenset(_fold(w) for w in data["furniture"]),
            document_title=re.compile("|".join(data["document_title_patterns"]), re.I),
        )


_CUES: LayoutCues | None = None


def layout_cues() -> LayoutCues:
    global _CUES
    if _CUES is None:
        _CUES = LayoutCues.load()
    return _CUES


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


@dataclass
class Candidate:
    line: Line
    title: str
    level: int
    outline: Outline | None = None


def normalise_title(title: str) -> str:
    """Whitespace-normalised title, as the gold comparison uses."""
    return " ".join(title.split())


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower().strip()


def clean_text(text: str) -> str:
    """`text` without markup and surrounding blanks, whitespace normalised."""
    return normalise_title(blank_markup(text))


def clean_line(line: Line) -> str:
    """The text of a line without markup and surrounding blanks."""
    return clean_text(line.text)


def heading_title(line: Line) -> str:
    """A heading's title as written: bold/italic stars and bullets dropped, `^{er}` kept."""
    return normalise_title(_LEAD_MARK.sub("", re.sub(r"\*+", " ", line.text)))


def unmarked(text: str) -> str:
    """A line's text without markup, its list mark and a colon at its end: what is compared
    with a contents entry or tested as a title."""
    return clean_text(_LEAD_MARK.sub("", blank_markup(text))).rstrip(" :")


def is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) / len(letters) >= 0.8


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
    for line in lines:
        if _TOC_TITLE.match(clean_line(line)):
            found.add(line.start)
    return found


def repeated_lines(document: Document) -> set[str]:
    """Return the folded texts of running headers and footers: short lines on many pages."""
    if len(document.pages) < 4:
        return set()
    seen: Counter[str] = Counter()
    for page in document.pages:
        texts = [clean_line(line) for line in page.lines if not line.is_blank]
        edge = texts[:2] + texts[-2:]
        seen.update({_fold(text) for text in edge if len(text) < 80})
    threshold = max(3, len(document.pages) // 3)
    return {text for text, count in seen.items() if count >= threshold}


def body_font_size(document: Document) -> float | None:
    """The most common font size, weighted by characters: the body text's size."""
    sizes: Counter[float] = Counter()
    for line in document.lines:
        if line.font_size:
            sizes[line.font_size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else None


def _looks_like_title(text: str, max_words: int = MAX_HEADING_WORDS) -> bool:
    outline = parse_outline(text) or parse_outline(text, loose=True)
    if outline is not None:
        text = outline.rest.rstrip(" :")
    words = text.split()
    max_chars = MAX_HEADING_CHARS * max_words // MAX_HEADING_WORDS
    if not 1 <= len(words) <= max_words or len(text) > max_chars:
        return False
    if len(text) < 3 or _SENTENCE_END.search(text) or _NOT_TITLE_START.match(text):
        return False
    letters = sum(c.isalpha() for c in text)
    if letters < 0.6 * len(text.replace(" ", "")):
        return False
    cues = layout_cues()
    first = _fold(words[0]).strip(":")
    if first in cues.caption_first_words or _fold(text) in cues.furniture:
        return False
    if first in cues.label_first_words and len(words) <= 4:
        return False
    if cues.document_title.match(text):
        return False
    return outline is not None or not _DEFINITION.match(text)


def _entry_key(text: str) -> str:
    """A heading or contents entry as compared: folded, without its number, marks or colon."""
    return _fold(strip_outline(unmarked(text)))


def toc_titles(document: Document, skip: set[int]) -> list[str]:
    """The titles listed in the table of contents (page numbers and outline numbers dropped)."""
    titles = []
    for line in document.lines:
        if line.start in skip and not _TOC_TITLE.match(clean_line(line)):
            # the page number goes before whitespace is normalised: its tab is the separator
            entry = re.sub(r"(?:\t|\.{3,}|\s{2,}|…+)\s*\d{1,3}\s*$", "", line.text)
            key = _entry_key(entry.replace("\t", " "))
            if key:
                titles.append(key)
    return titles


def _contents_numbers(document: Document, skip: set[int]) -> dict[tuple[int, ...], str]:
    """The outline numbers the contents give, with their titles: a body line with one of them
    and another title is not that heading ("3 Plan du site" where the contents' 3 is "La
    gouvernance")."""
    numbers = {}
    for line in document.lines:
        if line.start in skip:
            found = parse_outline(unmarked(line.text.replace("\t", " ")))
            if found is not None and found.style == "decimal":
                numbers[found.parts] = _entry_key(found.rest)
    return numbers


def heading_candidates(document: Document, warnings: list[str] | None = None) -> list[Candidate]:
    """Pick the heading lines of a document and give each a level (1 to 3).

    Where the report has a table of contents, its entries are the headings: a body line is a
    heading when it matches an entry (fuzzy, for the converters' spacing), in the contents' order;
    numbered headings that fit the outline are added. When few entries are found in the body
    (the contents belong to another edition, or the text lost them), the layout cues decide and
    a warning says so.
    """
    skip = toc_lines(document.lines)
    listed = toc_titles(document, skip)
    cues = cue_headings(document, skip)
    if len(listed) >= 5:
        matched = toc_headings(document, skip, listed)
        found = len({_entry_key(c.title) for c in matched} & set(listed)) / len(set(listed))
        if found >= MIN_CONTENTS_FOUND:
            starts = {c.line.start for c in matched}
            numbers = _contents_numbers(document, skip)
            extra = [c for c in cues if c.outline is not None and c.line.start not in starts
                     and fuzz.partial_ratio(numbers.get(c.outline.parts, _entry_key(c.title)),
                                            _entry_key(c.title)) >= 80]
            return sorted(matched + extra, key=lambda c: c.line.start)
        if warnings is not None:
            warnings.append(f"table of contents: only {found:.0%} of its entries found in the "
                            "text; headings taken from the layout")
    return cues


def minor_headings(document: Document) -> list[Candidate]:
    """Heading lines below the level of the table of contents ("ESA", "Transport accompagné"
    under "Le Service Portage-Instruction-Facturation"): what the layout cues would take as
    headings in a report with no contents. Empty for a report without one (they are its
    sections already)."""
    skip = toc_lines(document.lines)
    if len(toc_titles(document, skip)) < 5:
        return []
    return cue_headings(document, skip)


def _few_blank_lines(lines: list[Line]) -> bool:
    """Text whose converter kept few blank lines: headings are not set apart by them."""
    return sum(line.is_blank for line in lines) < FEW_BLANKS * max(1, len(lines))


def cue_headings(document: Document, skip: set[int]) -> list[Candidate]:
    """Heading lines picked by their layout (PDF) or text cues, outside the lines in `skip`.

    An outline number that fits the numbering so far makes a heading wherever it stands and
    gives its level; other lines need the layout (font size and weight against the body's) or,
    in text, a short title line set apart by blank lines or, where the text has few blank
    lines, by the end of a sentence before it.
    """
    lines = document.lines
    furniture = repeated_lines(document)
    body = body_font_size(document)
    dense = _few_blank_lines(lines)
    tracker = OutlineTracker()
    candidates = []
    continued: set[int] = set()  # second lines of headings set over two lines
    for index, line in enumerate(lines):
        if line.is_blank or line.start in skip or "\t" in line.text or index in continued:
            continue
        bulleted = bool(_BULLET.match(line.text))
        title, written = clean_line(line), heading_title(line)
        for offset, following in enumerate(_heading_continuation(lines, index, body), start=1):
            continued.add(index + offset)
            title, written = f"{title} {clean_line(following)}", f"{written} {heading_title(following)}"
        if _fold(title) in furniture or _PAGE_NUMBER.match(title):
            continue
        large = body is not None and (line.font_size or body) >= body * 1.25
        if not _looks_like_title(title, LARGE_HEADING_WORDS if large else MAX_HEADING_WORDS) and \
                not _INDENT.match(line.text):
            continue
        small = body is not None and (line.font_size or body) < body * 0.95  # a footnote
        outline = None if bulleted or small else tracker.read(unmarked(line.text))
        if outline is not None:
            level = min(outline.depth, 3) if outline.style == "decimal" else _style_level(
                candidates, outline)
        elif bulleted or parse_outline(title) is not None:
            continue  # a list item, or a number that does not fit the outline
        elif body:
            level = _level_from_layout(line, body)
        else:
            level = _level_from_text(lines, index, title, dense)
        if level:
            candidates.append(Candidate(line=line, title=written, level=level, outline=outline))
    return candidates


def _heading_continuation(lines: list[Line], index: int, body: float | None) -> list[Line]:
    """In a PDF, the next lines of a heading set over several lines (a narrow column): the
    lines after it in the same larger or bold type, going on in lower case ("Une gouvernance
    qui permet aux maires d'exercer" / "leurs responsabilités")."""
    line = lines[index]
    if body is None or not ((line.font_size or 0) > body * 1.05 or line.bold):
        return []
    found: list[Line] = []
    for following in lines[index + 1 : index + HEADING_LINES]:
        same_type = following.font_size == line.font_size and following.bold == line.bold
        if not (same_type and following.page == line.page
                and re.match(r"^\s*[a-zà-ÿ(]", following.text)):
            break
        found.append(following)
    return found


def _style_level(candidates: list[Candidate], outline: Outline) -> int:
    """Non-decimal numbering styles take levels in the order they first appear ("Partie 1",
    then "A)", then "1.")."""
    styles: list[str] = []
    for candidate in candidates:
        style = candidate.outline.style if candidate.outline else None
        if style and style != "decimal" and style not in styles:
            styles.append(style)
    if outline.style not in styles:
        styles.append(outline.style)
    return min(styles.index(outline.style) + 1, 3)


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
        if not _looks_like_title(title) and ":" not in title:
            continue
        for _, _, entry in process.extract(_entry_key(title), listed, scorer=fuzz.ratio,
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


def _level_from_layout(line: Line, body: float) -> int | None:
    """PDF cue: a heading is set larger than the body, or bold at body size and short (bold
    in a smaller size is a table's header or a caption)."""
    size = line.font_size or body
    if size >= body * 1.6:
        return 1
    if size >= body * 1.25:
        return 2
    if size > body * 1.05 or (line.bold and len(line.text) < 60 and size >= body * 0.95):
        return 3
    return None


def _level_from_text(lines: list[Line], index: int, title: str, dense: bool) -> int | None:
    """Text cue: a short line standing alone between blank lines (or a page edge); in text with
    few blank lines, a short line after the end of a sentence, followed by a line that starts a
    sentence."""
    raw = lines[index].text.strip()
    if raw.startswith("*") and not raw.startswith("**"):
        return None  # italic lines are captions and infographic labels
    line = lines[index]
    previous = lines[index - 1] if index else None
    following = lines[index + 1] if index + 1 < len(lines) else None
    before = previous is None or previous.is_blank or previous.page != line.page
    after = following is None or following.is_blank or following.page != line.page
    if dense and not (before and after):
        before = before or bool(_SENTENCE_CLOSED.search(previous.text))
        after = after or bool(_SENTENCE_OPENS.match(following.text))
        if not (before and after) or title.endswith(":"):
            return None
        return 1 if is_upper(title) else 2
    if not (before and after):
        return None
    if _INDENT.match(line.text) and len(title.split()) <= 16:
        return 1
    if is_upper(title):
        return 1 if len(title.split()) <= 4 else 2
    if len(title.split()) <= 8 and not title.endswith(":"):
        return 3
    return None


def drop_repeats(candidates: list[Candidate]) -> list[Candidate]:
    """A chapter title repeated on each of its pages counts once: a heading equal to an earlier
    one of the same level, with no heading of that level or above in between, is dropped."""
    kept: list[Candidate] = []
    for candidate in candidates:
        for previous in reversed(kept):
            if previous.level < candidate.level:
                break
            if previous.level == candidate.level:
                if _fold(previous.title) == _fold(candidate.title):
                    candidate = None
                break
        if candidate is not None:
            kept.append(candidate)
    return kept


def build_tree(document: Document, candidates: list[Candidate]) -> list[Section]:
    """Given the heading lines, return sections with parents, page ranges and text spans."""
    sections: list[Section] = []
    stack: list[int] = []
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
                page_end=document.page_at(max(start, end - 1)),
                start=start,
                end=end,
                text=document.text[start:end],
            )
        )
        stack.append(len(sections) - 1)
    return sections


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
    """The innermost section holding character `offset`."""
    found = None
    for section in sections:
        if section.start <= offset < section.end:
            found = section
        elif section.start > offset:
            break
    return found


def section_path(sections: list[Section], section: Section | None) -> list[Section]:
    """The chain of sections from the top level down to `section`."""
    chain = []
    while section is not None:
        chain.append(section)
        section = sections[section.parent] if section.parent is not None else None
    return chain[::-1]
