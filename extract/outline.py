"""Outline numbers: the "1.4.2", "II.", "B)", "Partie 3" that number a report's headings.

`parse_outline(title)` reads the number at the start of a heading and returns it with its style,
its depth and the title that follows; `OutlineTracker` follows the numbering through a document
the way a reader does, and accepts a number only where it can come next ("1.3.3" after "1.3.2",
"2" after "1.6", not "2 588 appels" after "1.5.5"). A converter that lost a dot ("1 3.3") is read
as the number that was expected there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "1.4.2 Titre", "2. Titre", "3 - Titre"; not "1) item", the mark of a list
_DECIMAL = re.compile(
    r"^\s*(?P<number>\d{1,2}(?:\.\d{1,2}){0,3})(?P<mark>\.?)(?:\s*[-–—:]\s*|\s+)(?P<rest>\S.*)$")
_LOOSE_DECIMAL = re.compile(r"^\s*(?P<number>\d{1,2}(?:[.\s]\d{1,2}){1,3})(?P<mark>\.?)\s+(?P<rest>\S.*)$")
_ROMAN = re.compile(r"^\s*(?P<number>[IVX]{1,4})\s*[.)/–-]\s*(?P<rest>\S.*)$")
_LETTER = re.compile(r"^\s*(?P<number>[A-H])\s*[.)/]\s*(?P<rest>\S.*)$")
_LIST_ITEM = re.compile(r"^\s*(?P<number>\d{1,2})(?P<mark>\))\s*(?P<rest>\S.*)$")  # "2) Les aides"
_KEYWORDS = "partie|axe|chapitre|titre|volet|section|pôle|pole|objectif|mission"
_KEYWORD = re.compile(
    rf"^\s*(?P<keyword>{_KEYWORDS})\s+"
    r"(?P<number>\d{1,2}|[IVX]{1,4})\b\s*[.:–—-]?\s*(?P<rest>.*)$", re.I)
# what the patterns above open with: a line opening otherwise has no number (most lines)
_OPENING = re.compile(rf"\s*(?:\d|[IVX]{{1,4}}\s*[.)/–-]|[A-H]\s*[.)/]|(?i:{_KEYWORDS}))")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


def roman_value(text: str) -> int:
    total = 0
    for index, char in enumerate(text):
        value = _ROMAN_VALUES[char]
        following = _ROMAN_VALUES[text[index + 1]] if index + 1 < len(text) else 0
        total += -value if value < following else value
    return total


@dataclass(frozen=True)
class Outline:
    """A heading's number: its style ("decimal", "roman", "letter", "list" or a keyword), its
    parts ((1, 4, 2) for "1.4.2"), the title after it, and where the number stands."""

    style: str
    parts: tuple[int, ...]
    text: str  # the number as written
    rest: str
    span: tuple[int, int] = (0, 0)  # of the number in the text read
    mark: str = ""  # the "." of "3. Les seniors", the ")" of a list item

    @property
    def depth(self) -> int:
        return len(self.parts)


def _title_like(rest: str) -> bool:
    """What follows a heading number starts a title: a capital, a quote or an article."""
    rest = rest.lstrip("*«\"“'’ ")
    return bool(rest) and (rest[0].isupper() or rest[:2].lower() in {"l'", "l’", "d'", "d’"})


def parse_outline(title: str, loose: bool = False, list_items: bool = False) -> Outline | None:
    """The outline number at the start of `title`, or None.

    With `loose`, a space may stand for a dot between parts ("1 3.3"): only a tracker that
    expects that number should ask for it. With `list_items`, the number of a list item ("2)
    Les familles", "65. Autres charges": style "list") is read too: no heading's, but no count
    either.
    """
    if not _OPENING.match(title):
        return None
    match = _KEYWORD.match(title)
    if match:
        number = match.group("number")
        value = int(number) if number.isdigit() else roman_value(number.upper())
        return Outline(match.group("keyword").lower(), (value,), number, match.group("rest"),
                       match.span("number"))
    styles = [("decimal", _LOOSE_DECIMAL if loose else _DECIMAL), ("roman", _ROMAN),
              ("letter", _LETTER)] + ([("list", _LIST_ITEM)] if list_items else [])
    for style, pattern in styles:
        match = pattern.match(title)
        if not match or not _title_like(match.group("rest")):
            continue
        number = match.group("number")
        mark = match.groupdict().get("mark") or ""
        if style in ("decimal", "list"):
            parts = tuple(int(p) for p in re.split(r"[.\s]", number))
            if parts[0] == 0 or len(parts) == 1 and parts[0] > 20:
                if not (list_items and mark and len(parts) == 1):
                    return None
                style = "list"  # "65. Autres charges": an item's number or code, no chapter's
        elif style == "roman":
            parts = (roman_value(number),)
        else:
            parts = (ord(number) - ord("A") + 1,)
        return Outline(style, parts, number, match.group("rest"), match.span("number"), mark)
    return None


def strip_outline(title: str) -> str:
    """`title` without its leading outline number."""
    found = parse_outline(title) or parse_outline(title, loose=True)
    return found.rest if found else title


def successors(parts: tuple[int, ...]) -> set[tuple[int, ...]]:
    """The numbers that can follow `parts`: its first child, its next sibling or an ancestor's
    (one number may be skipped: a heading the converter lost), each maybe with its first child
    ("3.1" after "2.5.2" when the chapter line "3" carries no number)."""
    found = {parts + (1,), parts + (2,), parts + (1, 1)}
    for depth in range(1, len(parts) + 1):
        for step in (1, 2):
            sibling = parts[: depth - 1] + (parts[depth - 1] + step,)
            found.update({sibling, sibling + (1,), sibling + (1, 1)})
    return {number for number in found if len(number) <= 4}


class OutlineTracker:
    """Follows a document's numbering and tells whether a number can come next.

    A number may follow any number already accepted of its style, not only the last one: a
    numbered list inside a chapter then cannot derail the headings after it.
    """

    def __init__(self) -> None:
        self.seen: dict[str, set[tuple[int, ...]]] = {}
        self.expected: dict[str, set[tuple[int, ...]]] = {}

    def successors(self, style: str) -> set[tuple[int, ...]]:
        return self.expected.get(style, set()) - self.seen.get(style, set())

    def accepts(self, outline: Outline) -> bool:
        """A number is accepted when it can follow one accepted before, or when it is the first
        of its style and opens the numbering (1, 1.1, 2 ...)."""
        if outline.style not in self.seen:
            return outline.parts[-1] <= 2
        return outline.parts in self.successors(outline.style)

    def accept(self, outline: Outline) -> None:
        self.seen.setdefault(outline.style, set()).add(outline.parts)
        self.expected.setdefault(outline.style, set()).update(successors(outline.parts))

    def read(self, title: str) -> Outline | None:
        """The outline number of a heading line if it fits the numbering so far (and record it)."""
        found = parse_outline(title)
        if found is None or not self.accepts(found):
            loose = parse_outline(title, loose=True)
            found = loose if loose is not None and loose.style == "decimal" and \
                loose.parts in self.successors("decimal") else None
        if found is not None:
            self.accept(found)
        return found
