"""Candidates and their named features: the evidence that a number is a catalogue indicator.

A candidate is a (number, indicator) pair that some evidence supports: an alias near the
number (or a near miss), or a fitting unit with a heading or title naming the indicator.
Each feature is one small function of the candidate's `Facts`, registered with `@feature`;
the linker's score is a weighted sum of them (weights fitted on gold, `weights.py`).
Adding a feature is one function here; `ccas-extract train` then gives it its weight. The facts
of each candidate are gathered by `candidates.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..catalogue import Indicator
from ..quantities import Quantity
from .context import Context


@dataclass
class Evidence:
    """What a number's context says, independent of any one indicator (computed once)."""

    quantity: Quantity
    context: Context
    sources: dict[str, set[str]]  # indicator id -> where its aliases were found near the number
    alias_words: dict[str, int]  # indicator id -> words of its longest alias found near the number
    role: str = "value"
    label_key: str = ""
    clause_key: str = ""
    title_services: list[frozenset[str]] = field(default_factory=list)
    local_ids: frozenset[str] = frozenset()
    clause_ids: frozenset[str] = frozenset()
    titled: set[str] = field(default_factory=set)
    unit_key: str = ""
    unit_owners: int = 0  # indicators counting the number's unit
    local_services: set[str] = field(default_factory=set)
    continues: bool = False  # a list item going on from the previous number, naming no noun
    eligible: frozenset[str] | None = None  # the indicators with a candidate for the number


@dataclass
class Facts:
    """What is known of one candidate; the features read it."""

    entry: Indicator
    evidence: Evidence
    alias: str = ""  # where an alias (lemma) was found near the number: "near", "caption", "aside"
    alias_words: int = 0  # words of the longest alias found
    fuzzy: bool = False  # a near miss of an alias (rapidfuzz) near the number
    title: bool = False  # an alias in a section title
    unit: bool | None = None  # the number's unit is one of the indicator's; None: no unit
    specific_unit: bool = False
    section: str = ""  # the heading naming the service: "", "outer", "inner", "local" (minor heading)
    clause: bool = False  # the number's own clause names the indicator's service
    clause_other: bool = False  # the clause names another service, not the indicator's
    other_service: bool = False
    continues: bool = False


@dataclass
class Candidate:
    indicator: str
    features: dict[str, float]
    method: str


FEATURES: dict[str, Callable[[Facts], float]] = {}


def feature(name: str):
    """Register a feature function under `name`."""
    def register(function: Callable[[Facts], float]) -> Callable[[Facts], float]:
        FEATURES[name] = function
        return function
    return register


@feature("alias_any")
def _alias_any(f: Facts) -> float:
    """Some alias evidence: found in the number's own words or its table's caption, a near miss,
    or a section title. The features below say where, as departures from this one (so that the
    fit shrinks a rarely seen place towards the common weight, not towards nothing)."""
    return float(f.alias in ("near", "caption") or f.fuzzy or f.title)


@feature("alias_caption")
def _alias_caption(f: Facts) -> float:
    """An alias in the caption of the number's table only: it names what the table counts, less
    surely than the cell's own labels."""
    return float(f.alias == "caption")


@feature("alias_aside")
def _alias_aside(f: Facts) -> float:
    """An alias inside parentheses only (not the number's own): a detail of the clause, not what
    it counts. Not part of `alias_any`: until gold shows such a link, it weighs nothing."""
    return float(f.alias == "aside")


@feature("alias_title")
def _alias_title(f: Facts) -> float:
    """An alias in a section title (or an earlier heading), none near the number."""
    return float(f.title and not f.alias)


@feature("alias_longest")
def _alias_longest(f: Facts) -> float:
    """The longest alias found in the number's own words, another indicator's alias there being
    shorter: "provient de la communauté de communes" wins over "provient" in the same clause
    (an alias in a caption or an aside is no rival: `Hits`)."""
    words = f.evidence.alias_words
    return float(f.alias == "near" and f.alias_words == max(words.values())
                 and min(words.values()) < f.alias_words)


@feature("alias_fuzzy")
def _alias_fuzzy(f: Facts) -> float:
    """Only a near miss of an alias (rapidfuzz) near the number."""
    return float(f.fuzzy and not f.alias)


@feature("unit_fit")
def _unit_fit(f: Facts) -> float:
    """The number's unit is one of the indicator's units."""
    return float(f.unit is True)


@feature("unit_specific")
def _unit_specific(f: Facts) -> float:
    """The fitting unit is counted by this indicator only ("appels", "ETP", "nuitées")."""
    return float(f.unit is True and f.specific_unit)


@feature("unit_share")
def _unit_share(f: Facts) -> float:
    """One over the number of indicators counting the fitting unit: the fewer, the surer."""
    owners = f.evidence.unit_owners
    return 1.0 / owners if f.unit is True and owners else 0.0


@feature("unit_and_heading")
def _unit_and_heading(f: Facts) -> float:
    """The unit fits and a heading or title names the indicator, with no alias near the number."""
    return float(f.unit is True and bool(f.section or f.title or f.clause) and not (f.alias or f.fuzzy))


@feature("unit_only")
def _unit_only(f: Facts) -> float:
    """Nothing but the unit supports the pair: no alias, heading, title or list it goes on."""
    return float(f.unit is True and not (f.alias or f.fuzzy or f.section or f.title or f.clause
                                         or f.continues))


@feature("unit_specific_only")
def _unit_specific_only(f: Facts) -> float:
    """Nothing but the unit supports the pair, and that unit is counted by this indicator only
    ("976 rendez-vous administratifs"): the noun itself names the measure, less surely than an
    alias but more than a unit many indicators share."""
    return float(_unit_only(f) and f.specific_unit)


@feature("unit_none")
def _unit_none(f: Facts) -> float:
    """The number has no unit of its own."""
    return float(f.unit is None)


for _level in ("inner", "outer", "local"):
    feature(f"service_{_level}")(lambda f, level=_level: float(f.section == level))
    FEATURES[f"service_{_level}"].__doc__ = f"The indicator's service is named by the {_level} heading."


@feature("service_clause")
def _service_clause(f: Facts) -> float:
    """The number's own clause names the indicator's service ("les 3 LAEP ont accueilli 39 enfants")."""
    return float(f.clause)


@feature("clause_over_heading")
def _clause_over_heading(f: Facts) -> float:
    """The clause names the indicator's service and no heading does: "Les 3 LAEP ont accueilli
    39 enfants" under "Petite enfance" counts the LAEP's children."""
    return float(f.clause and not f.section)


@feature("service_nearest")
def _service_nearest(f: Facts) -> float:
    """The indicator's service is the one named nearest to the number: its clause, else a minor
    heading above it, else the innermost title, else an enclosing one. A service none of whose
    indicators can take the number is passed over: "LES TRANSPORTS" under "LES DÉPENSES EN
    SECOURS" names no service of an amount, the heading above does."""
    ev = f.evidence
    for named in (ev.clause_ids, ev.local_ids, *reversed(ev.title_services)):
        if ev.eligible is not None:
            named = named & ev.eligible
        if named:
            return float(f.entry.id in named)
    return float(f.entry.id in ev.titled)


@feature("clause_other_service")
def _clause_other_service(f: Facts) -> float:
    """The number's own clause names a service, not the indicator's."""
    return float(f.clause_other)


@feature("other_service")
def _other_service(f: Facts) -> float:
    """A minor heading above names another service than the indicator's."""
    return float(f.other_service)


@feature("continues_list")
def _continues(f: Facts) -> float:
    """The number goes on from the previous one, linked to this indicator ("43 en 2022, 48 en 2023")."""
    return float(f.continues)


@feature("named")
def _named(f: Facts) -> float:
    """The indicator is `named` (a budget line): its alias must be next to the number."""
    return float(f.entry.named)


@feature("small_value")
def _small_value(f: Facts) -> float:
    """A value under 3: often a rank, an article number or one person, rarely a total."""
    return float(f.evidence.quantity.value < 3)
