"""The number grammar: word lists, the patterns of numbers in digits and their exact values.

`grammar()` holds the word lists of `schemas/quantities.yaml` (units, multipliers, number words,
role words); `patterns()` the regular expressions built from them; `exact_number(raw)` reads a
number as a French reader does (gold-format.md, "Normalising values"): spaces, no-break, thin and
figure spaces and apostrophes group thousands, a comma is the decimal mark, a point groups
thousands before exactly three digits and is a decimal mark before one or two. `quantities.py`
finds the numbers of a text and gives each a role.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from .catalogue import Catalogue, default_catalogue, fold, lemma_key, read_yaml
from .paths import SCHEMAS_DIR

_SPACE = "[ \u00a0\u202f\u2009\u2007]"  # spaces that group thousands, figure space included
_MAX_DIGITS = 308  # more integer digits than a float holds: refused, never parsed


@dataclass(frozen=True)
class Grammar:
    """The word lists of the number grammar (`schemas/quantities.yaml`)."""

    unit_synonyms: dict[str, str]
    multipliers: dict[str, int]
    multiplier_abbreviations: dict[str, int]
    currencies: tuple[str, ...]
    glued_units: tuple[str, ...]
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
    signed_labels: tuple[str, ...]
    identifier_prefixes: tuple[str, ...]
    call_words: frozenset[str]
    reference_articles: frozenset[str]
    outline_words: frozenset[str]
    page_words: frozenset[str]
    contents_titles: tuple[str, ...]

    @classmethod
    def load(cls, catalogue: Catalogue | None = None) -> Grammar:
        """The grammar of `schemas/quantities.yaml`, with the units of `catalogue` (default: the
        default catalogue's)."""
        data = read_yaml((SCHEMAS_DIR / "quantities.yaml").read_text(encoding="utf-8"))
        units: dict[str, str] = {}
        for entry in (catalogue or default_catalogue()).indicators:
            for unit in entry.units:
                units.setdefault(lemma_key(unit), unit)
        for raw, unit in data["unit_synonyms"].items():
            units[lemma_key(str(raw))] = unit

        def folded(key: str) -> tuple[str, ...]:
            return tuple(fold(str(w)) for w in data[key])

        return cls(
            unit_synonyms={fold(str(k)): v for k, v in data["unit_synonyms"].items()},
            multipliers={fold(k): v for k, v in data["multipliers"].items()},
            multiplier_abbreviations={str(k): v for k, v in data["multiplier_abbreviations"].items()},
            currencies=tuple(str(w) for w in data["currencies"]),
            glued_units=tuple(str(w) for w in data["glued_units"]),
            number_words={fold(k): v for k, v in data["number_words"].items()},
            approx_markers=folded("approx_markers"),
            legal_prefixes=frozenset(folded("legal_prefixes")),
            months=frozenset(folded("months")),
            age_units=folded("age_units"),
            change_after=folded("change_after"),
            change_before=folded("change_before"),
            units=units,
            max_unit_words=max(len(key.split()) for key in units),
            not_nouns=frozenset(folded("not_nouns")),
            leading_adjectives=frozenset(folded("leading_adjectives")),
            signed_labels=folded("signed_labels"),
            identifier_prefixes=folded("identifier_prefixes"),
            call_words=frozenset(folded("call_words")),
            reference_articles=frozenset(folded("reference_articles")),
            outline_words=frozenset(folded("outline_words")),
            page_words=frozenset(folded("page_words")),
            contents_titles=folded("contents_titles"),
        )


@cache
def grammar() -> Grammar:
    return Grammar.load()


_CATALOGUE_GRAMMARS: dict[int, tuple[Catalogue, Grammar]] = {}


def grammar_for(catalogue: Catalogue | None) -> Grammar:
    """The grammar whose unit nouns are `catalogue`'s (`grammar()` for the default catalogue),
    built once per catalogue object."""
    if catalogue is None or catalogue is default_catalogue():
        return grammar()
    held = _CATALOGUE_GRAMMARS.get(id(catalogue))
    if held is None or held[0] is not catalogue:  # (an id may be reused)
        held = _CATALOGUE_GRAMMARS[id(catalogue)] = (catalogue, Grammar.load(catalogue))
    return held[1]


def _alternatives(words: list[str] | tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class Patterns:
    """The regular expressions of numbers in digits, built from the grammar's word lists."""

    number: re.Pattern[str]
    multiplier: re.Pattern[str]
    identifier: re.Pattern[str]

    @classmethod
    def build(cls, g: Grammar) -> Patterns:
        abbreviation = (rf"(?:{_alternatives(list(g.multiplier_abbreviations))})"
                        rf"{_SPACE}?(?=(?i:{_alternatives(g.currencies)})(?!\w))")
        glued = rf"(?i:{_alternatives(g.glued_units)})(?!\w)"
        number = re.compile(  # `(?=\d)`: the engine skips to the next digit (no look-behinds tried)
            rf"(?=\d)(?<![\w.,/\d])(?<!\d-)(?<!\d['’])(?P<num>"
            rf"\d{{1,3}}(?:{_SPACE}\d{{3}})+(?!\d)(?:,\d+|\.\d{{1,2}}(?!\d))?"  # 12 345,5  1 234.56
            rf"|\d{{1,3}}(?:['’]\d{{3}})+(?!\d)(?:[.,]\d{{1,2}}(?!\d))?"  # 12'500
            rf"|\d{{1,3}}(?:,\d{{3}})+\.\d{{1,2}}(?!\d)|\d{{1,3}}(?:,\d{{3}}){{2,}}(?![\d,])"  # 1,234,567
            rf"|\d{{1,3}}(?:\.\d{{3}})+(?!\d)(?:,\d+)?"  # 9.500
            rf"|(?P<sequence>\d{{1,4}}(?:\.\d{{1,4}}){{2,}})"  # 1.3.2, 31.12.2023: never a value
            rf"|\d+(?:,\d+|\.\d{{1,2}}(?!\d))?"
            rf")(?!\.?\d)(?={abbreviation}|{glued}|[^\w]|$)"
        )
        multiplier = re.compile(
            rf"{_SPACE}?(?:(?P<abbr>{_alternatives(list(g.multiplier_abbreviations))})"
            rf"{_SPACE}?(?=(?i:{_alternatives(g.currencies)})(?!\w))"
            rf"|(?P<word>(?i:{_alternatives(list(g.multipliers))}))(?!\w))"
        )
        # (a look-ahead for the first letters lets the engine skip to them, as `(?=\d)` above)
        initials = re.escape("".join(sorted({prefix[0] for prefix in g.identifier_prefixes})))
        identifier = re.compile(
            (rf"(?=(?i:[{initials}]))" if initials else "")
            + rf"(?i:\b(?:{_alternatives(g.identifier_prefixes)}))\b[^\d\n]{{0,12}}"
            rf"(?P<id>\d(?:[ \u00a0.]?\d){{8,13}})(?!\d)"
        )
        return cls(number, multiplier, identifier)


@cache
def patterns() -> Patterns:
    return Patterns.build(grammar())


def exact_number(raw: str) -> Decimal | None:
    """The number as written, exactly; None when it has more digits than a float holds."""
    compact = re.sub(r"[\s'’]", "", raw)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", compact):
        compact = compact.replace(".", "")  # 9.500 → 9500
    elif re.fullmatch(r"\d{1,3}(?:,\d{3})+\.\d+|\d{1,3}(?:,\d{3}){2,}", compact):
        compact = compact.replace(",", "")  # 1,234,567 → 1234567
    whole, _, fraction = compact.replace(",", ".").partition(".")
    if len(whole.lstrip("0")) > _MAX_DIGITS:
        return None
    return Decimal(f"{whole or 0}.{fraction[:20] or 0}")


def parse_number(raw: str) -> float:
    """Normalise a number as written: `39 975` → 39975, `12 072,33` → 12072.33, `9.500` → 9500,
    `76.42` → 76.42, `1 234.56` → 1234.56, `1,234,567` → 1234567, `12’500` → 12500; inf when
    it is beyond the range of a float."""
    number = exact_number(raw)
    return float(number) if number is not None else math.inf


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


@cache
def number_words_pattern() -> re.Pattern[str]:
    """Runs of number words ("dix-sept", "quatre-vingt-dix", "un million")."""
    words = sorted(set(grammar().number_words) | set(grammar().multipliers), key=len, reverse=True)
    alternatives = "|".join(re.escape(w) for w in words if w.isalpha())
    initials = re.escape("".join(sorted({w[0] for w in words if w.isalpha()})))
    return re.compile(  # (the initials' look-ahead lets the engine skip to them)
        (rf"(?=[{initials}])" if initials else "")
        + rf"(?<![\w-])(?P<words>(?:{alternatives})(?:[- ](?:et[- ])?(?:{alternatives}))*)(?![\w-])",
        re.I,
    )
