"""Heading lines: what a line looks like, and the cues that make it a heading.

A heading is picked as a reader picks it: an outline number that fits the numbering so far
(`outline.py`), a size or weight above the body's in a PDF, a short title line set apart in
text. `cue_headings(document, skip)` returns the candidates with their levels; `contents.py`
and `sections.py` build on it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import yaml

from .catalogue import fold
from .document import Document, Line, blank_markup
from .outline import Outline, OutlineTracker, parse_outline
from .paths import SCHEMAS_DIR

MAX_HEADING_CHARS = 90
MAX_HEADING_WORDS = 12
LARGE_HEADING_WORDS = 20  # a line set in a much larger type than the body may say more
HEADING_LINES = 5  # lines a heading may be set over in a narrow column
OUTLINE_WORDS = 4  # words an outline number may take before its title ("Partie 2 :", "1 2 3 4")
# lines and titles a cache of this module keeps: all the lines of a long report (a few thousand),
# so that its later passes find them, and a few MB at most
LINE_CACHE = 16384
FEW_BLANKS = 0.15  # under this share of blank lines, headings are not set apart by blank lines
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s*)?\d{1,3}(?:\s*/\s*\d{1,3})?\s*$", re.I)
# a sentence's end: not an ellipsis, which leaves a title hanging ("Un outil ...", "Et demain…")
_SENTENCE_END = re.compile(r"(?<!\.\.)[.;,]\s*$|^\W*$")
_FIGURE = re.compile(r"^\W*\d")
_NOT_TITLE_START = re.compile(r"^[\s\W]*[a-zà-ÿ0-9(+\-–—%€]")
_BULLET = re.compile(r"^\s*[-»•▪●◦■]\s")
_DEFINITION = re.compile(r"^[^:]{1,40}\s?:\s*\S")  # "APA : Allocation ...", "Directeur : X"
_INDENT = re.compile(r"^[ \t\u00a0]{3,}\S")
_SENTENCE_CLOSED = re.compile(r"[.!?:»)]\s*$")  # a line ending a sentence or a list intro
_SENTENCE_OPENS = re.compile(r"^\W{0,3}[A-ZÀ-Ý0-9«\"]")  # a line starting one
# The mark before a list item or a decorated heading ("- ", "• ", "✦ ", "➢ ")
_LEAD_MARK = re.compile(r"^\s*(?:[-–—»•▪●◦■✦➢➤►▶◆◇○□✓✔]|\*(?!\*))+\s*")


@lru_cache(maxsize=LINE_CACHE)  # the same words and titles are folded for many tests of a line
def fold_title(text: str) -> str:
    """A title as compared: lower case, accents and outer blanks removed."""
    return fold(text).strip()


@dataclass(frozen=True)
class LayoutCues:
    """Word lists that tell headings from captions, labels and page furniture."""

    caption_first_words: frozenset[str]
    caption_complements: frozenset[str]
    label_first_words: frozenset[str]
    label_before_figure_words: frozenset[str]
    furniture: frozenset[str]
    document_title: re.Pattern[str]

    @classmethod
    def load(cls, path=None) -> LayoutCues:
        data = yaml.safe_load(open(path or SCHEMAS_DIR / "layout.yaml", encoding="utf-8"))
        return cls(
            caption_first_words=frozenset(data["caption_first_words"]),
            caption_complements=frozenset(fold_title(w) for w in data["caption_complements"]),
            label_first_words=frozenset(data["label_first_words"]),
            label_before_figure_words=frozenset(data["label_before_figure_words"]),
            furniture=frozenset(fold_title(w) for w in data["furniture"]),
            document_title=re.compile("|".join(data["document_title_patterns"]), re.I),
        )


_CUES: LayoutCues | None = None


def layout_cues() -> LayoutCues:
    global _CUES
    if _CUES is None:
        _CUES = LayoutCues.load()
    return _CUES


@dataclass
class Candidate:
    line: Line
    title: str
    level: int
    outline: Outline | None = None
    # in a PDF, a line in the body's type that only the text cues make a heading (a short line
    # set apart, "Transport accompagné"): a minor heading for the linker, not a section
    text_only: bool = False


def normalise_title(title: str) -> str:
    """Whitespace-normalised title, as the gold comparison uses."""
    return " ".join(title.split())


@lru_cache(maxsize=LINE_CACHE)  # a line is cleaned for the heading cues, its outline, the contents
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


def repeated_lines(document: Document) -> set[str]:
    """Return the folded texts of running headers and footers: short lines on many pages."""
    if len(document.pages) < 4:
        return set()
    seen: Counter[str] = Counter()
    for page in document.pages:
        shown = [line for line in page.lines if not line.is_blank]
        edge = [clean_line(line) for line in shown[:2] + shown[-2:]]  # not the lines between
        seen.update({fold_title(text) for text in edge if len(text) < 80})
    threshold = max(3, len(document.pages) // 3)
    return {text for text, count in seen.items() if count >= threshold}


def body_font_size(document: Document) -> float | None:
    """The most common font size, weighted by characters: the body text's size."""
    sizes: Counter[float] = Counter()
    for line in document.lines:
        if line.font_size:
            sizes[line.font_size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else None


def looks_like_title(text: str, max_words: int = MAX_HEADING_WORDS) -> bool:
    """A line that reads as a title: a few words, no sentence, not a caption, label or
    furniture, after any outline number."""
    return _looks_like_title(text, max_words)


@lru_cache(maxsize=LINE_CACHE)  # the heading cues and the contents' matching test the same lines
def _looks_like_title(text: str, max_words: int) -> bool:
    if len(text.rstrip(" :").split()) > max_words + OUTLINE_WORDS:
        return False  # a line of running text (many): too long even without an outline number
    outline = parse_outline(text) or parse_outline(text, loose=True)
    if outline is not None:
        text = outline.rest.rstrip(" :")
    words = text.split()
    max_chars = MAX_HEADING_CHARS * max_words // MAX_HEADING_WORDS
    if not 1 <= len(words) <= max_words or len(text) > max_chars:
        return False
    if len(text) < 3 or _SENTENCE_END.search(text) or _NOT_TITLE_START.match(text):
        return False
    letters = sum(map(str.isalpha, text))
    if letters < 0.6 * len(text.replace(" ", "")):
        return False
    cues = layout_cues()
    first = fold_title(words[0]).strip(":")
    if first in cues.caption_first_words and _completed(words[1:], cues) or \
            fold_title(text) in cues.furniture:
        return False
    if len(words) <= 4 and (first in cues.label_first_words or first in
                            cues.label_before_figure_words and _FIGURE.match(words[1:2][0]
                                                                            if words[1:] else "")):
        return False
    if cues.document_title.match(text):
        return False
    return outline is not None or not _DEFINITION.match(text)


def _completed(rest: list[str], cues: LayoutCues) -> bool:
    """True when the words after a caption word complete it as a caption's: a preposition, a
    colon or a figure ("Carte des quartiers", "Tableau 3", "Source : INSEE")."""
    for word in rest:
        folded = fold_title(word)
        if folded.startswith(":") or _FIGURE.match(word) or \
                re.split(r"['’]", folded)[0] in cues.caption_complements:
            return True
    return not rest  # the caption word alone ("Graphique")


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
    styles: list[str] = []  # non-decimal numbering styles of the headings, in order of appearance
    for index, line in enumerate(lines):
        if line.is_blank or line.start in skip or "\t" in line.text or index in continued:
            continue
        bulleted = bool(_BULLET.match(line.text))
        heading_lines = [line, *_heading_continuation(lines, index, body)]
        continued.update(range(index + 1, index + len(heading_lines)))
        title = " ".join([clean_line(part) for part in heading_lines])
        large = body is not None and (line.font_size or body) >= body * 1.25
        # most lines are running text: the title test rejects them before the furniture test
        # folds them (folding a long line costs more than the test)
        if _PAGE_NUMBER.match(title) or not looks_like_title(
                title, LARGE_HEADING_WORDS if large else MAX_HEADING_WORDS) and \
                not _INDENT.match(line.text) or fold_title(title) in furniture:
            continue
        small = body is not None and (line.font_size or body) < body * 0.95  # a footnote
        outline = None if bulleted or small else tracker.read(unmarked(line.text))
        if outline is not None:
            level = min(outline.depth, 3) if outline.style == "decimal" else _style_level(
                styles, outline)
        elif bulleted or parse_outline(title) is not None:
            continue  # a list item, or a number that does not fit the outline
        text_only = False
        if outline is None and body:
            level = _level_from_layout(line, body)
            if not level and not large and not small:
                level = _level_from_text(lines, index, title, dense)
                text_only = bool(level)
        elif outline is None:
            level = _level_from_text(lines, index, title, dense)
        if level:
            written = " ".join(heading_title(part) for part in heading_lines)
            candidates.append(Candidate(line=line, title=written, level=level, outline=outline,
                                        text_only=text_only))
            if outline is not None and outline.style != "decimal" and outline.style not in styles:
                styles.append(outline.style)
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


def _style_level(styles: list[str], outline: Outline) -> int:
    """Non-decimal numbering styles take levels in the order they first appear ("Partie 1",
    then "A)", then "1."); `styles` are those of the headings before."""
    order = styles if outline.style in styles else [*styles, outline.style]
    return min(order.index(outline.style) + 1, 3)


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
