"""The candidates of a number: the indicators some evidence supports, with their facts.

`evidence_for` reads once what a number's context says about every indicator; `facts_for`
gathers the facts of one (number, indicator) pair, or None when nothing supports it or a veto
holds; `candidates_for` gives every supported pair with its named features (`features.py`).
"""

from __future__ import annotations

from rapidfuzz import fuzz

from ..catalogue import Indicator, lemma_key
from ..quantities import Quantity
from .context import Context, without_asides
from .features import FEATURES, Candidate, Evidence, Facts
from .hits import NEAR_PLACES
from .lookups import NEAR_MISS_MIN, NEAR_MISS_SCORE, CatalogueIndex
from .vocabulary import norm_key


def evidence_for(quantity: Quantity, context: Context, sources: dict[str, set[str]],
                 alias_words: dict[str, int], index: CatalogueIndex, role: str = "value") -> Evidence:
    """What the context says about every indicator, computed once per number."""
    local_ids = index.services_in(lemma_key(context.local_heading))
    # the number's own unit names what it counts, not a service ("13 travailleurs sociaux")
    label = context.label
    if quantity.unit_raw and label.lower().startswith(quantity.unit_raw.lower()):
        label = label[len(quantity.unit_raw):]
    clause_key = lemma_key(without_asides(f"{context.before} {label}"))
    titled = set().union(*(index.label_alias_ids(s.title) for s in context.sections))
    for earlier in context.preceding:
        if titled:
            break
        titled = index.label_alias_ids(earlier.title)
    return Evidence(
        quantity=quantity, context=context, sources=sources, alias_words=alias_words, role=role,
        label_key=norm_key(f"{context.label} {context.before}"),
        clause_key=clause_key,
        title_services=[index.services_in(lemma_key(section.title)) for section in context.sections],
        local_ids=local_ids,
        clause_ids=index.services_in(clause_key),
        titled=titled,
        unit_key=lemma_key(quantity.unit or ""),
        unit_owners=index.unit_owners.get(lemma_key(quantity.unit or ""), 0),
        local_services={index.catalogue.by_id[entry_id].prefix for entry_id in local_ids},
    )


def facts_for(entry: Indicator, ev: Evidence, index: CatalogueIndex,
              near_misses: set[str] | None = None) -> Facts | None:
    """The facts of (number, `entry`), or None when nothing supports the pair or a veto holds.
    `near_misses`: the ids with a near miss of an alias, when already looked up."""
    quantity = ev.quantity
    if not index.vetoes.role_allows(ev.role, entry):
        return None
    unit = index.unit_fits(entry, quantity, ev.unit_key)
    if unit is False or entry.min_value is not None and quantity.value < entry.min_value:
        return None
    facts = Facts(entry, ev, unit=unit, specific_unit=bool(unit) and index.specific_unit(ev.unit_key))
    facts.alias = alias_place(ev.sources.get(entry.id, set()))
    facts.alias_words = ev.alias_words.get(entry.id, 0)
    if not facts.alias:
        if near_misses is None:  # scoring every indicator: each one's aliases looked for
            best = max((fuzz.partial_ratio(key, ev.label_key) for key in index.alias_norms[entry.id]
                        if NEAR_MISS_MIN < len(key) <= len(ev.label_key)), default=0)
            facts.fuzzy = best >= NEAR_MISS_SCORE
        else:
            facts.fuzzy = entry.id in near_misses
    if entry.named and not facts.alias:
        return None
    excluded = index.excluded_patterns.get(entry.id)
    if excluded and excluded.search(ev.clause_key):
        return None
    facts.section = index.section_match(entry, ev.title_services, ev.local_ids)
    facts.clause = entry.id in ev.clause_ids
    facts.clause_other = bool(ev.clause_ids) and not facts.clause
    facts.title = entry.id in ev.titled
    if facts.title and not facts.section:
        facts.section = "outer"  # a heading naming the indicator itself names its service
    facts.other_service = bool(ev.local_services) and entry.prefix not in ev.local_services \
        and not facts.clause
    return facts


def alias_place(places: set[str]) -> str:
    """The surest place an alias was found: the number's own words, else the table's caption,
    else an aside in parentheses; "" for none."""
    if places & NEAR_PLACES:
        return "near"
    return "caption" if "caption" in places else "aside" if "aside" in places else ""


def candidates_for(ev: Evidence, index: CatalogueIndex, exhaustive: bool = False) -> list[Candidate]:
    """Every supported (number, indicator) pair of one number, in catalogue order. The catalogue
    index gives the indicators an alias, a near miss or the unit can name; `exhaustive` scores
    every indicator instead (the same candidates, slower: a test checks it)."""
    entries = index.catalogue.indicators
    near_misses = None
    if not exhaustive:
        near_misses = index.near_miss_ids(ev.label_key)
        named = set(ev.sources) | near_misses | index.unit_ids(ev.quantity, ev.unit_key)
        by_id = index.catalogue.by_id
        entries = [by_id[entry_id] for entry_id in sorted(named & by_id.keys(), key=index.order.get)]
    supported = []
    for entry in entries:
        facts = facts_for(entry, ev, index, near_misses)
        if facts is None:
            continue
        if not (facts.alias or facts.fuzzy or facts.unit):
            continue  # a heading alone, with no alias and no unit, names no number
        supported.append(facts)
    ev.eligible = frozenset(facts.entry.id for facts in supported)
    return [candidate_of(facts) for facts in supported]


def continuing(candidates: list[Candidate], entry: Indicator, ev: Evidence,
               index: CatalogueIndex) -> list[Candidate]:
    """`candidates` with `entry` (the previous number's indicator) marked as continued, when the
    number goes on from the previous one and its unit, if any, is one of the indicator's. A
    named indicator needs its own alias: "405.000 euros [de la communauté de communes],
    60.000 euros du département" are two sources of revenue."""
    unit = ev.quantity.unit
    if not index.vetoes.role_allows(ev.role, entry):
        return candidates
    if entry.named or not ev.continues or unit and lemma_key(unit) not in index.unit_keys[entry.id]:
        return candidates
    facts = facts_for(entry, ev, index) or Facts(entry, ev)
    facts.continues = True
    marked = candidate_of(facts)
    if not any(c.indicator == entry.id for c in candidates):
        marked.method = "ellipsis"
    return [marked if c.indicator == entry.id else c for c in candidates] + (
        [] if any(c.indicator == entry.id for c in candidates) else [marked])


def candidate_of(facts: Facts) -> Candidate:
    features = {name: value for name, function in FEATURES.items() if (value := function(facts))}
    return Candidate(facts.entry.id, features, method_of(facts))


def method_of(facts: Facts) -> str:
    if facts.evidence.context.table and (facts.alias or facts.fuzzy):
        return "table"
    if facts.alias:
        return "lemma_match"
    if facts.fuzzy:
        return "fuzzy"
    return "section_context"

