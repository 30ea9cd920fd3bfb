"""Quantities: every number in a text, normalised, with its unit, hedge, span and role.

`find_quantities(text)` returns `Quantity` objects for numbers written in digits ("39 975",
"12 072,33 €", "4,8M€", "9.500") and in words ("cinquante places", "un million d'euros").
Each gets a `role`: ``value`` for a measure that may be an indicator, or one for numbers that
never are: ``year``, ``date``, ``time`` (de 9h à 12h), ``phone`` (02 43 09 09 65, composer le 17),
``reference`` (le 115, au 3919), ``identifier`` (SIRET), ``postcode``, ``legal``, ``age``,
``change``, ``ordinal`` (1er, Partie 2), ``outline`` (the 1.3.2 of a heading), ``page`` (of the
table of contents). The reading of a number is in `number_grammar.py`, the roles that layout gives
in `number_layout.py`, the word lists in `schemas/quantities.yaml`.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel

from .catalogue import Catalogue, fold, lemma_key
from .number_grammar import (
    Grammar,
    exact_number,
    grammar,
    grammar_for,
    number_words_pattern,
    parse_number,
    parse_number_words,
    patterns,
)
from .number_layout import layout_roles

__all__ = ["Quantity", "Role", "classify", "counted_noun", "find_quantities",
           "find_word_quantities", "grammar", "match_unit", "number_warnings", "parse_number",
           "parse_number_words", "refused_warnings", "season_end"]

Role = Literal[
    "value", "year", "date", "time", "phone", "reference", "identifier", "postcode", "legal", "age",
    "change", "ordinal", "outline", "page",
]

# Patterns run over a whole text that can only match from a digit open with `(?=\d)`: the
# regular-expression engine then skips to the next digit instead of trying the look-behinds at
# every character (the same matches, about six times faster).
_PHONE = re.compile(r"(?=\d)(?:(?<!\d)0\d(?:[ .]?\d{2}){4}(?!\d)"
                    r"|(?<!\d)0[ .]?8\d{2}(?:[ .]?\d{3}){2}(?!\d))")
_TIME = re.compile(r"(?=\d)(?:(?<!\d)\d{1,2}\s?h\s?\d{2}(?!\d)|(?<!\d)\d{1,2}/\d{1,2}(?:/\d{2,4})?(?!\d)"
                   r"|(?<!\d)\d{1,2}\s?[hj]\s?/\s?\d{1,2}\s?[hj]?(?!\w))")
_DOTTED_DATE = re.compile(r"(?=\d)(?<![\d.])(?:[0-3]?\d[.-][01]?\d[.-](?:19|20)\d{2}"
                          r"|[0-3]\d\.[01]\d\.\d{2})(?![\d.]\d)")
_SIRET = re.compile(r"(?=\d)(?<!\d)(?<!\d[ .\u00a0])"
                    r"\d{3}[ .\u00a0]?\d{3}[ .\u00a0]?\d{3}[ .\u00a0]?\d{5}(?!\d)")
_YEAR_PAIR = re.compile(r"(?=\d)(?<!\d)(?:19|20)\d{2}\s?[/-]\s?(?:19|20)?\d{2}(?!\d)")
_ORDINAL_AFTER = re.compile(r"^\s{0,3}(?:er|ère|ere|e|ème|eme|nd|nde|è)\b")
_WORD = re.compile(r"[\w'’-]+|[€%]", re.U)
_YEAR = re.compile(r"(?:19[5-9]\d|20[0-5]\d)")
_CENTURY_YEAR = re.compile(r"(?:19|20)\d{2}")
_AGE_RANGE = re.compile(r"^\s?(?:-|–|à|a|et)\s?\d{1,3}\s?(?:ans|mois)\b")
_SIGN_BEFORE = re.compile(r"[+\-−–]\s?$")
_FIVE_DIGITS = re.compile(r"\d{5}")
_CAPITAL_AFTER = re.compile(r"\s[A-ZÉ]")
_WINDOW = 300  # characters of a line read around a number (bounds the cost on one-line texts)


class Quantity(BaseModel):
    """A number found in the text."""

    value: float
    raw: str
    start: int
    end: int
    unit: str | None = None
    unit_raw: str = ""
    unit_end: int | None = None
    noun: str = ""  # the counted noun when it is no catalogue unit ("coordonnateurs")
    approx: bool = False
    role: Role = "value"


def _words_after(text: str, position: int, limit: int = 6) -> list[tuple[str, int, int]]:
    """The next words after `position` on the same line, then the next non-empty line's words
    when the number stands alone at the end of its line (infographics)."""
    found = []
    line_end = text.find("\n", position, position + _WINDOW)
    if line_end < 0:  # a long line: its next words are near, and no next line is read
        line_end = min(len(text), position + _WINDOW)
        if line_end < len(text):
            return [(m.group(), m.start(), m.end())
                    for m in itertools.islice(_WORD.finditer(text, position, line_end), limit)]
    for match in _WORD.finditer(text, position, line_end):
        found.append((match.group(), match.start(), match.end()))
        if len(found) >= limit:
            return found
    if found or "\t" in text[_line_start(text, position) : line_end]:
        return found  # a table cell's label is its row and column, never the next row
    # Alone on its line: look at the first words of the next non-blank line (at most 2 lines on).
    cursor = line_end
    for _ in range(3):
        if cursor >= len(text):
            break
        next_end = text.find("\n", cursor + 1, cursor + 1 + _WINDOW)
        next_end = min(len(text), cursor + 1 + _WINDOW) if next_end < 0 else next_end
        segment = text[cursor + 1 : next_end]
        if segment.strip():
            for match in _WORD.finditer(text, cursor + 1, next_end):
                found.append((match.group(), match.start(), match.end()))
                if len(found) >= limit:
                    break
            break
        cursor = next_end
    return found


def match_unit(words: list[tuple[str, int, int]],
               g: Grammar | None = None) -> tuple[str | None, str, int | None]:
    """Given the words after a number, return (catalogue unit, noun as written, end offset);
    `g`: the grammar of a custom catalogue (`grammar_for`)."""
    g = g or grammar()
    if len(words) > 1 and fold(words[0][0]) in g.leading_adjectives:
        unit, unit_raw, unit_end = match_unit(words[1:], g)
        if unit:  # "23 nouveaux dossiers"
            return unit, unit_raw, unit_end
    if not words:
        return None, "", None
    first = fold(words[0][0])
    if first == "nombre" and len(words) > 1:  # "86 612 nombre d'heures d'accueil"
        return match_unit(words[1:], g)
    if first in g.unit_synonyms and len(first) <= 3 or first in ("€", "%"):
        return g.unit_synonyms.get(first, first), words[0][0], words[0][2]
    for size in range(min(g.max_unit_words, len(words)), 0, -1):
        chunk = words[:size]
        key = lemma_key(" ".join(w for w, _, _ in chunk))
        if key in g.units:
            return g.units[key], " ".join(w for w, _, _ in chunk), chunk[-1][2]
    # "d'euros", "de repas": skip one "de"
    if first in ("de", "d'euros", "d'", "d") or first.startswith(("d'", "d’")):
        rest = words[0][0][2:] if len(words[0][0]) > 2 else ""
        if rest and lemma_key(rest) in g.units:
            return g.units[lemma_key(rest)], rest, words[0][2]
        if first == "de" and len(words) > 1:
            return match_unit(words[1:], g)
    return None, words[0][0], None


def counted_noun(words: list[tuple[str, int, int]]) -> str:
    """The folded noun a unit-less number counts, or "" when the next word is no noun."""
    folded = [fold(w).strip("'-") for w, _, _ in words]
    while folded and folded[0] in grammar().leading_adjectives:
        folded.pop(0)  # "329 nouvelles admissions"
    if not folded:
        return ""
    word = folded[0]
    if len(word) < 3 or not word.isalpha() or word in grammar().not_nouns:
        return ""
    return word


def _line_start(text: str, position: int) -> int:
    """The start of the line of `position`, or of the window of the line before it."""
    window = max(0, position - _WINDOW)
    return max(window, text.rfind("\n", window, position) + 1)


def _before(text: str, position: int, chars: int = 30) -> str:
    return fold(text[max(_line_start(text, position), position - chars) : position])


def classify(text: str, quantity: Quantity) -> Role:
    """The role of a number, from its neighbours."""
    g = grammar()
    before = _before(text, quantity.start)
    after = fold(text[quantity.end : quantity.end + 25])
    raw = quantity.raw
    if _ORDINAL_AFTER.match(after):
        return "ordinal"
    first_after = after.split()[0].strip(".,;:)") if after.split() else ""
    if first_after in g.months and quantity.value <= 31:
        return "date"
    if _ends_with_call_word(before):
        return "phone"  # "numéro vert : 3919", "composer le 17", "tél. 115"
    last_before = before.split()[-1] if before.split() else ""
    if last_before in g.legal_prefixes or last_before.endswith(("n°", "l.", "r.", "d.")):
        return "legal"
    if last_before in g.outline_words:
        return "ordinal"  # "Partie 2", "Axe 3", "Tableau 4"
    if last_before in g.page_words:
        return "page"
    if _YEAR.fullmatch(raw) and quantity.unit in (None, "%"):
        return "year"
    if _AGE_RANGE.match(after):
        return "age"  # the first bound of an age range: "(3-11 ans)", "de 3 à 12 ans", "entre 85 et 94 ans"
    if quantity.unit is None and any(after.lstrip().startswith(w + " ") or
                                     after.lstrip().rstrip() == w for w in g.age_units):
        return "age"
    if quantity.unit == "heures" and _is_clock_time(text, quantity):
        return "time"
    if _SIGN_BEFORE.search(before) and (
        quantity.unit == "%" or after.lstrip().startswith(("%", "pt", "point"))
    ):
        return "change"
    # (a tuple of words: `startswith` and `endswith` try each, as `any` over them would)
    if after.lstrip().startswith(g.change_after) and quantity.unit is None:
        return "change"
    if before.rstrip().endswith(g.change_before):
        return "change"
    if last_before in g.reference_articles and quantity.unit is None and raw.isdigit():
        return "reference"  # "le 115", "au 3919": a number that names a service
    return "value"


def _ends_with_call_word(before: str) -> bool:
    """True when `before` ends with a call word, maybe with a colon or "le" after it
    ("numéro vert : 3919", "composer le 17", "(tél. 115")."""
    words = re.sub(r"[\s:]+(?:le|au)?[\s:]*$", "", before).lstrip("(").split()
    calls = grammar().call_words
    return any(" ".join(words[-size:]).lstrip("(") in calls for size in (1, 2, 3))


def _is_clock_time(text: str, quantity: Quantity) -> bool:
    """True for a time of day ("de 9h à 12h", "24h/24"), not a number of hours ("1 500h",
    "20h de formation"): an hour of the clock, the h glued to it, no "de" after."""
    if quantity.value > 24 or not quantity.raw.isdigit() or quantity.unit_raw.lower() != "h":
        return False
    after = text[quantity.end : quantity.end + 6]
    return after[:1].lower() == "h" and not re.match(r"h\s+(?:de|d['’])", after, re.I)


def _is_approx(text: str, start: int) -> bool:
    return _before(text, start, 28).rstrip().endswith(grammar().approx_markers)


class RoleSpans:
    """Spans of the text whose numbers have a known role (phones, dates, outline numbers...)."""

    def __init__(self, spans: list[tuple[int, int, Role]]):
        self.spans = sorted(spans, key=lambda span: span[0])
        self.starts = [start for start, _, _ in self.spans]
        self.reach = list(itertools.accumulate((end for _, end, _ in self.spans), max))

    def role_at(self, position: int) -> Role | None:
        index = bisect.bisect_right(self.starts, position) - 1
        while index >= 0 and self.reach[index] > position:
            if self.spans[index][1] > position:
                return self.spans[index][2]
            index -= 1
        return None


def _role_spans(text: str, g: Grammar | None = None) -> RoleSpans:
    """The spans a number's neighbours give a role before its own words are read."""
    spans: list[tuple[int, int, Role]] = []
    for pattern, role in ((_PHONE, "phone"), (_TIME, "date"), (_DOTTED_DATE, "date"),
                          (_SIRET, "identifier")):
        spans.extend((m.start(), m.end(), role) for m in pattern.finditer(text))
    spans.extend((m.start("id"), m.end("id"), "identifier")
                 for m in patterns().identifier.finditer(text))
    spans.extend((m.start(), m.end(), "year") for m in _YEAR_PAIR.finditer(text)
                 if season_end(m.group()) is not None)
    spans.extend(layout_roles(text, is_measure=lambda offset: _is_measure(text, offset, g)))
    return RoleSpans(spans)


def _is_measure(text: str, offset: int, g: Grammar | None = None) -> bool:
    """True when a unit or a multiplier starts at `offset` ("1.5 ETP", "2.5 millions")."""
    return bool(patterns().multiplier.match(text, offset - 1)) or (
        match_unit(_words_after(text, offset), g)[0] is not None)


def season_end(pair: str) -> int | None:
    """The last year of a season: "2022/2023" and "2022-23" → 2023 (a repeated year counts too);
    None when the second number is no such year ("2022 / 14 893,40 €" is a year, then an amount)."""
    first, second = re.findall(r"\d+", pair)[:2]
    later = int(second) if len(second) == 4 else int(first[:2] + second[-2:])
    return later if int(first) <= later <= int(first) + 1 else None


def _digit_numbers(text: str) -> Iterator[tuple[re.Match[str], Decimal | None, re.Match[str] | None]]:
    """Every number written in digits: its match, exact value (None when out of a float's
    range) and multiplier match."""
    g = grammar()
    compiled = patterns()
    for match in compiled.number.finditer(text):
        if match.group("sequence"):  # its first part: the day of a date, a chapter
            yield match, Decimal(match.group("sequence").split(".")[0]), None
            continue
        number = exact_number(match.group("num"))
        scaled = compiled.multiplier.match(text, match.end("num"))
        if number is not None and scaled:
            factor = (g.multiplier_abbreviations[scaled.group("abbr")] if scaled.group("abbr")
                      else g.multipliers[fold(scaled.group("word"))])
            number *= factor
        if number is not None and not math.isfinite(float(number)):
            number = None
        yield match, number, scaled


def number_warnings(text: str) -> list[str]:
    """One line about the numbers of `text` too large for a float, refused as values (empty
    when there are none)."""
    return refused_warnings([match for match, number, _ in _digit_numbers(text) if number is None])


def refused_warnings(refused: list[re.Match[str]]) -> list[str]:
    """`number_warnings` of the numbers `find_quantities` refused (its `refused` list)."""
    if not refused:
        return []
    first = refused[0]
    shown = first.group("num") if len(first.group("num")) <= 20 else first.group("num")[:17] + "..."
    return [f"{len(refused)} number(s) too large to be a value, ignored (first at offset "
            f"{first.start('num')}: {shown})"]


def find_quantities(text: str, catalogue: Catalogue | None = None,
                    refused: list[re.Match[str]] | None = None) -> list[Quantity]:
    """Return every number of `text` (digits and words), in order, with its role.

    `text` should be `Document.plain` (markup blanked) so that offsets are the document's.
    A number too large for a float is left out (`number_warnings` says so; it is added to
    `refused` when given). The unit nouns are those of `catalogue` (default: the default
    catalogue's).
    """
    g = grammar_for(catalogue)
    roles = _role_spans(text, g)
    found: list[Quantity] = []
    multiplier_spans: list[tuple[int, int]] = []
    for match, number, scaled in _digit_numbers(text):
        start, end = match.span("num")
        unit_from = scaled.end() if scaled else end
        if scaled:
            multiplier_spans.append((end, unit_from))
        if number is None:
            if refused is not None:
                refused.append(match)
            continue
        raw = match.group("num")
        words = _words_after(text, unit_from)
        unit, unit_raw, unit_end = match_unit(words, g)
        if unit_end and _CENTURY_YEAR.fullmatch(raw) and "\n" in text[end:unit_end]:
            unit, unit_raw, unit_end = None, "", None  # a year ending its line, not "2023 attestations"
        quantity = Quantity(
            value=float(number), raw=raw, start=start, end=end, unit=unit,
            unit_raw=unit_raw, unit_end=unit_end, approx=_is_approx(text, start),
            noun="" if unit or scaled else counted_noun(words),
        )
        inside = roles.role_at(start)
        if inside:
            quantity.role = inside
        elif match.group("sequence"):
            quantity.role = "reference"  # "voir 2.3.1", a version number
        elif _FIVE_DIGITS.fullmatch(raw) and _CAPITAL_AFTER.match(text, end, end + 2):
            quantity.role = "postcode"
        else:
            quantity.role = classify(text, quantity)
            if quantity.role == "value" and _is_negative_result(text, quantity):
                quantity.value = -quantity.value
        found.append(_in_kilograms(quantity))
    # the "millions" of "2,05 millions" is the multiplier of a number, not a number of its own
    found.extend(q for q in find_word_quantities(text, g) if not _inside(multiplier_spans, q.start))
    found.sort(key=lambda q: q.start)
    return found


def _inside(spans: list[tuple[int, int]], position: int) -> bool:
    index = bisect.bisect_right(spans, (position, math.inf)) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]


def _is_negative_result(text: str, quantity: Quantity) -> bool:
    """True for a result written negative: "Résultat : -12 345 €", "Résultat (12 345) €" (a
    sign elsewhere is no part of a number: gold-format.md, "+ 624" → 624)."""
    before = text[_line_start(text, quantity.start) : quantity.start]
    minus = re.search(r"[^\s\-−–][\s:=]*[\s:=][-−–]\s?$", before)  # not "N-1", not a bullet
    parenthesised = before.rstrip(" \u00a0").endswith("(") and re.match(
        r"\s?(?:€|(?i:eur|euros?))?\s?\)", text[quantity.end : quantity.end + 12])
    label = fold(before) if minus or parenthesised else ""
    return any(word in label for word in grammar().signed_labels)


def find_word_quantities(text: str, g: Grammar | None = None) -> list[Quantity]:
    """Numbers written in words, kept only when a unit noun or a multiplier follows them
    ("cinquante places", "un million d'euros"): "un" alone is an article, not a count."""
    found = []
    for match in number_words_pattern().finditer(text):
        words = [fold(w) for w in re.split(r"[- ]", match.group("words")) if w]
        value = parse_number_words(words)
        if value is None:
            continue
        unit, unit_raw, unit_end = match_unit(_words_after(text, match.end()), g)
        if unit is None or value <= 1 and unit not in ("tonnes", "EUR"):
            continue
        quantity = Quantity(
            value=value, raw=match.group("words"), start=match.start(), end=match.end(),
            unit=unit, unit_raw=unit_raw, unit_end=unit_end,
            approx=_is_approx(text, match.start()),
        )
        quantity.role = classify(text, quantity)
        found.append(_in_kilograms(quantity))
    return found


def _in_kilograms(quantity: Quantity) -> Quantity:
    """Tonnes are counted in kg, as the catalogue's unit (gold-format.md: "une tonne" → 1000)."""
    if quantity.unit == "tonnes":
        quantity.value *= 1000
        quantity.unit = "kg"
    return quantity
