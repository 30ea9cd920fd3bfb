"""Quantities: every number in a text, normalised, with its unit, hedge, span and role.

`find_quantities(text)` returns `Quantity` objects for numbers written in digits ("39 975",
"12 072,33 €", "4,8M€", "9.500") and in words ("cinquante places", "un million d'euros").
Each gets a `role`: ``value`` for a measure that may be an indicator, or ``year``, ``date``,
``phone``, ``postcode``, ``legal``, ``age``, ``change``, ``ordinal``, ``page`` for numbers that
never are. The rules follow `../shared/spec/gold-format.md`, "Normalising values"; the word lists
are in `schemas/quantities.yaml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

import yaml
from pydantic import BaseModel

from .catalogue import default_catalogue, fold, lemma_key
from .paths import SCHEMAS_DIR

Role = Literal[
    "value", "year", "date", "phone", "postcode", "legal", "age", "change", "ordinal", "page"
]

_SPACE = "[ \u00a0\u202f\u2009]"
_NUMBER = re.compile(
    rf"(?<![\w.,/\d])(?<!\d-)(?P<num>\d{{1,3}}(?:{_SPACE}\d{{3}})+(?:,\d+)?(?![\d.])"
    rf"|\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?(?![\d.])"
    rf"|\d+(?:,\d+|\.\d{{1,2}}(?!\d))?)(?=\s?(?:M€|k€|K€|Md€)|[^\w]|$)"
)
_MULTIPLIER = re.compile(r"^\s?(M€|k€|K€|Md€|millions?\b|milliards?\b)", re.I)
_PHONE = re.compile(r"(?<!\d)0\d(?:[ .]?\d{2}){4}(?!\d)")
_TIME = re.compile(r"(?<!\d)\d{1,2}\s?h\s?\d{2}(?!\d)|(?<!\d)\d{1,2}/\d{1,2}(?:/\d{2,4})?(?!\d)")
_YEAR_PAIR = re.compile(r"(?<!\d)(?:19|20)\d{2}\s?[/-]\s?(?:19|20)?\d{2}(?!\d)")
_ORDINAL_AFTER = re.compile(r"^\s{0,3}(?:er|ère|ere|e|ème|eme|nd|nde|è)\b")
_WORD = re.compile(r"[\w'’-]+|[€%]", re.U)


@dataclass(frozen=True)
class Grammar:
    """The word lists of the number grammar (`schemas/quantities.yaml`)."""

    unit_synonyms: dict[str, str]
    multipliers: dict[str, int]
    number_words: dict[str, int]
    approx_markers: tuple[str, ...]
    legal_prefixes: frozenset[str]
    months: frozenset[str]
    age_units: tuple[str, ...]
    change_after: tuple[str, ...]
    change_before: tuple[str, ...]
    units: dict[str, str]  # lemma key of a unit noun → catalogue unit as written
    max_unit_words: int
    not_nouns: frozenset[str]
    leading_adjectives: frozenset[str]

    @classmethod
    def load(cls) -> Grammar:
        data = yaml.safe_load((SCHEMAS_DIR / "quantities.yaml").read_text(encoding="utf-8"))
        units: dict[str, str] = {}
        for entry in default_catalogue().indicators:
            for unit in entry.units:
                units.setdefault(lemma_key(unit), unit)
        for raw, unit in data["unit_synonyms"].items():
            units[lemma_key(str(raw))] = unit
        return cls(
            unit_synonyms={fold(str(k)): v for k, v in data["unit_synonyms"].items()},
            multipliers={fold(k): v for k, v in data["multipliers"].items()},
            number_words={fold(k): v for k, v in data["number_words"].items()},
            approx_markers=tuple(fold(w) for w in data["approx_markers"]),
            legal_prefixes=frozenset(fold(w) for w in data["legal_prefixes"]),
            months=frozenset(fold(w) for w in data["months"]),
            age_units=tuple(fold(w) for w in data["age_units"]),
            change_after=tuple(fold(w) for w in data["change_after"]),
            change_before=tuple(fold(w) for w in data["change_before"]),
            units=units,
            max_unit_words=max(len(key.split()) for key in units),
            not_nouns=frozenset(fold(w) for w in data["not_nouns"]),
            leading_adjectives=frozenset(fold(w) for w in data["leading_adjectives"]),
        )


@cache
def grammar() -> Grammar:
    return Grammar.load()


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


def parse_number(raw: str) -> float:
    """Normalise a number as written: `39 975` → 39975, `12 072,33` → 12072.33, `9.500` → 9500,
    `76.42` → 76.42."""
    compact = re.sub(r"[ \u00a0\u202f\u2009]", "", raw)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", compact):
        compact = compact.replace(".", "")
    return float(compact.replace(",", "."))


def parse_number_words(words: list[str]) -> float | None:
    """Value of French number words: ["dix", "sept"] → 17, ["quatre", "vingt", "dix"] → 90."""
    table = grammar().number_words
    total = current = 0
    previous = None
    for word in words:
        if word == "et":
            continue
        if word not in table and word not in grammar().multipliers:
            return None
        if word in grammar().multipliers:
            total += max(current, 1) * grammar().multipliers[word]
            current = 0
        elif table[word] == 100:
            current = max(current, 1) * 100
        elif table[word] == 1000:
            total += max(current, 1) * 1000
            current = 0
        elif table[word] == 20 and previous == "quatre":
            current += 80 - 4
        else:
            current += table[word]
        previous = word
    return float(total + current)


def _words_after(text: str, position: int, limit: int = 6) -> list[tuple[str, int, int]]:
    """The next words after `position` on the same line, then the next non-empty line's words
    when the number stands alone at the end of its line (infographics)."""
    found = []
    line_end = text.find("\n", position)
    line_end = len(text) if line_end < 0 else line_end
    for match in _WORD.finditer(text, position, line_end):
        found.append((match.group(), match.start(), match.end()))
        if len(found) >= limit:
            return found
    if found or "\t" in text[text.rfind("\n", 0, position) + 1 : line_end]:
        return found  # a table cell's label is its row and column, never the next row
    # Alone on its line: look at the first words of the next non-blank line (at most 2 lines on).
    cursor = line_end
    for _ in range(3):
        if cursor >= len(text):
            break
        next_end = text.find("\n", cursor + 1)
        next_end = len(text) if next_end < 0 else next_end
        segment = text[cursor + 1 : next_end]
        if segment.strip():
            for match in _WORD.finditer(text, cursor + 1, next_end):
                found.append((match.group(), match.start(), match.end()))
                if len(found) >= limit:
                    break
            break
        cursor = next_end
    return found


def match_unit(words: list[tuple[str, int, int]]) -> tuple[str | None, str, int | None]:
    """Given the words after a number, return (catalogue unit, noun as written, end offset)."""
    g = grammar()
    if len(words) > 1 and fold(words[0][0]) in g.leading_adjectives:
        unit, unit_raw, unit_end = match_unit(words[1:])
        if unit:  # "23 nouveaux dossiers"
            return unit, unit_raw, unit_end
    if not words:
        return None, "", None
    first = fold(words[0][0])
    if first == "nombre" and len(words) > 1:  # "86 612 nombre d'heures d'accueil"
        return match_unit(words[1:])
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
            return match_unit(words[1:])
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


def _before(text: str, position: int, chars: int = 30) -> str:
    line_start = text.rfind("\n", 0, position) + 1
    return fold(text[max(line_start, position - chars) : position])


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
    last_before = before.split()[-1] if before.split() else ""
    if last_before in g.legal_prefixes or last_before.endswith(("n°", "l.", "r.", "d.")):
        return "legal"
    if re.fullmatch(r"(?:19[5-9]\d|20[0-5]\d)", raw) and quantity.unit in (None, "%"):
        return "year"
    if re.match(r"^\s?(?:-|–|à|a)\s?\d{1,3}\s?(?:ans|mois)\b", after):
        return "age"  # the first bound of an age range: "(3-11 ans)", "de 3 à 12 ans"
    if quantity.unit is None and any(after.lstrip().startswith(w + " ") or
                                     after.lstrip().rstrip() == w for w in g.age_units):
        return "age"
    if re.search(r"[+\-−–]\s?$", before) and (
        quantity.unit == "%" or after.lstrip().startswith(("%", "pt", "point"))
    ):
        return "change"
    if any(after.lstrip().startswith(w) for w in g.change_after) and quantity.unit is None:
        return "change"
    if any(before.rstrip().endswith(w) for w in g.change_before):
        return "change"
    return "value"


def _is_approx(text: str, start: int) -> bool:
    before = _before(text, start, 28).rstrip()
    return any(before.endswith(marker) for marker in grammar().approx_markers)


def _masked_spans(text: str) -> list[tuple[int, int, Role]]:
    spans: list[tuple[int, int, Role]] = []
    for pattern, role in ((_PHONE, "phone"), (_TIME, "date")):
        spans.extend((m.start(), m.end(), role) for m in pattern.finditer(text))
    spans.extend((m.start(), m.end(), "year") for m in _YEAR_PAIR.finditer(text)
                 if season_end(m.group()) is not None)
    return spans


def season_end(pair: str) -> int | None:
    """The last year of a season: "2022/2023" and "2022-23" → 2023 (a repeated year counts too);
    None when the second number is no such year ("2022 / 14 893,40 €" is a year, then an amount)."""
    first, second = re.findall(r"\d+", pair)[:2]
    later = int(second) if len(second) == 4 else int(first[:2] + second[-2:])
    return later if int(first) <= later <= int(first) + 1 else None


def find_quantities(text: str) -> list[Quantity]:
    """Return every number of `text` (digits and words), in order, with its role.

    `text` should be `Document.plain` (markup blanked) so that offsets are the document's.
    """
    g = grammar()
    masked = _masked_spans(text)
    found: list[Quantity] = []
    for match in _NUMBER.finditer(text):
        start, end = match.span("num")
        inside = next((role for s, e, role in masked if s <= start < e), None)
        raw = match.group("num")
        value = parse_number(raw)
        multiplier = 1
        unit_from = end
        scaled = _MULTIPLIER.match(text[end : end + 12])
        if scaled:
            multiplier = g.multipliers[fold(scaled.group(1))]
            unit_from = end + scaled.end()
        words = _words_after(text, unit_from)
        if scaled and scaled.group(1).endswith("€"):
            words = [("€", end, unit_from)] + words
        unit, unit_raw, unit_end = match_unit(words)
        if unit_end and re.fullmatch(r"(?:19|20)\d{2}", raw) and "\n" in text[end:unit_end]:
            unit, unit_raw, unit_end = None, "", None  # a year ending its line, not "2023 attestations"
        quantity = Quantity(
            value=value * multiplier, raw=raw, start=start, end=end, unit=unit,
            unit_raw=unit_raw, unit_end=unit_end, approx=_is_approx(text, start),
            noun="" if unit or scaled else counted_noun(words),
        )
        if inside:
            quantity.role = inside
        elif re.fullmatch(r"\d{5}", raw) and re.match(r"\s[A-ZÉ]", text[end : end + 2]):
            quantity.role = "postcode"
        else:
            quantity.role = classify(text, quantity)
        found.append(_in_kilograms(quantity))
    found.extend(find_word_quantities(text))
    found.sort(key=lambda q: q.start)
    return found


_NUMBER_WORDS_RE: re.Pattern[str] | None = None


def _number_words_re() -> re.Pattern[str]:
    global _NUMBER_WORDS_RE
    if _NUMBER_WORDS_RE is None:
        words = sorted(set(grammar().number_words) | set(grammar().multipliers), key=len,
                       reverse=True)
        alternatives = "|".join(re.escape(w) for w in words if w.isalpha())
        _NUMBER_WORDS_RE = re.compile(
            rf"(?<![\w-])(?P<words>(?:{alternatives})(?:[- ](?:et[- ])?(?:{alternatives}))*)"
            r"(?![\w-])",
            re.I,
        )
    return _NUMBER_WORDS_RE


def find_word_quantities(text: str) -> list[Quantity]:
    """Numbers written in words, kept only when a unit noun or a multiplier follows them
    ("cinquante places", "un million d'euros"): "un" alone is an article, not a count."""
    found = []
    for match in _number_words_re().finditer(text):
        words = [fold(w) for w in re.split(r"[- ]", match.group("words")) if w]
        value = parse_number_words(words)
        if value is None:
            continue
        unit, unit_raw, unit_end = match_unit(_words_after(text, match.end()))
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
