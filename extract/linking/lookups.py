"""The catalogue as lookups for the linker: folded aliases, units, services, alias spans."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ..catalogue import Catalogue, Indicator, fold, lemma_key
from ..number_grammar import grammar_for
from ..quantities import Quantity
from .context import ASIDE
from .roles import role_cues
from .teams import role_line_cues
from .vetoes import load_vetoes
from .vocabulary import norm_key, word_norm
from .weights import load_weights

NEAR_MISS_MIN = 5  # aliases of up to 5 letters are never looked for as near misses
NEAR_MISS_SCORE = 90


@dataclass
class CatalogueIndex:
    """The catalogue's words, units and services folded once, with cached lookups."""

    catalogue: Catalogue

    def __post_init__(self) -> None:
        # the catalogue's own linker data (`Catalogue.linker`), read once per catalogue object
        files = self.catalogue.linker
        self.vetoes = load_vetoes(files.vetoes)
        self.role_cues = role_cues(files.roles)
        self.role_line = role_line_cues(files.roles)
        self.weights = load_weights(files.weights)
        # Folded forms computed once per catalogue, not once per number and indicator.
        self.alias_keys = {
            entry.id: [lemma_key(alias) for alias in entry.aliases]
            for entry in self.catalogue.indicators
        }
        self.unit_keys = {
            entry.id: {lemma_key(unit) for unit in entry.units} for entry in self.catalogue.indicators
        }
        self._label_cache: dict[tuple[str, bool], set[str]] = {}
        # units of measure ("ETP", "h", "km"), which name what a row measures, never a thing
        # the row is about
        self.measure_unit_keys = frozenset(
            lemma_key(unit) for unit in grammar_for(self.catalogue).glued_units)
        self._entity_cache: dict[tuple[str, bool], set[str]] = {}
        self._service_cache: dict[str, frozenset[str]] = {}
        # "la commune de Peyriac", "un accueil de loisirs": one thing of the unit
        self.one_of_unit_patterns = {
            entry_id: re.compile(r"(?<!\w)(?:la|le|l'|un|une)\s?(?:"
                                 + "|".join(re.escape(unit) for unit in sorted(units)) + r")(?!\w)")
            for entry_id, units in self.unit_keys.items()
        }
        self.named_ids = {entry.id for entry in self.catalogue.indicators if entry.named}
        self.budget_part_pattern = word_pattern(self.catalogue.budget_parts)
        self.planned_column_pattern = word_pattern(self.catalogue.planned_columns)
        self.unit_owners: dict[str, int] = {}
        for keys in self.unit_keys.values():
            for key in keys:
                self.unit_owners[key] = self.unit_owners.get(key, 0) + 1
        # aliases in the vocabulary's norm (relogés = relogées = relogement), for labels and near misses
        self.alias_norms = {
            entry.id: [norm_key(alias) for alias in entry.aliases] for entry in self.catalogue.indicators
        }
        self.alias_heads = {
            entry_id: {key.split()[0] for key in keys if key} for entry_id, keys in self.alias_norms.items()
        }
        # one word-bounded rule for titles, minor headings and clauses naming a service
        # (the service words are a prefix's: one pattern per service, then its indicators)
        self.service_patterns: dict[str, tuple[re.Pattern[str], list[str]]] = {}
        for entry in self.catalogue.indicators:
            if entry.section_words:
                pattern, ids = self.service_patterns.setdefault(
                    entry.prefix, (word_pattern(entry.section_words), []))
                ids.append(entry.id)
        self.excluded_patterns = {
            entry.id: word_pattern(entry.excluded_by)
            for entry in self.catalogue.indicators if entry.excluded_by
        }
        # the index: which indicators a unit or a near miss can name, so that a number is scored
        # against those only (tests/test_linking_index.py: the same candidates as scoring all)
        self.by_unit: dict[str, set[str]] = {}
        for entry in self.catalogue.indicators:
            units = self.vetoes.kind_units.get(entry.kind) or self.unit_keys[entry.id]
            for unit in units:
                self.by_unit.setdefault(unit, set()).add(entry.id)
        self.fuzzy_keys = [(key, entry_id) for entry_id, keys in self.alias_norms.items()
                           for key in keys if len(key) > NEAR_MISS_MIN]
        self.fuzzy_choices = [key for key, _ in self.fuzzy_keys]
        self._near_miss_cache: dict[str, set[str]] = {}
        # (alias, its word-bounded pattern): the plain `in` test skips most patterns
        self.alias_patterns = {
            entry_id: [(key, re.compile(rf"(?<!\w){re.escape(key)}(?!\w)")) for key in keys]
            for entry_id, keys in self.alias_norms.items()
        }
        self.order = {entry.id: i for i, entry in enumerate(self.catalogue.indicators)}

    def unit_fits(self, entry: Indicator, quantity: Quantity, unit_key: str) -> bool | None:
        """True when the number's unit (`unit_key`: its lemma key) is one of the indicator's;
        None when it has no unit."""
        kind_units = self.vetoes.kind_units
        if quantity.unit is None:
            if entry.kind in kind_units:
                return False
            if quantity.noun and word_norm(quantity.noun) not in self.alias_heads[entry.id]:
                return False  # it counts something else: "6 coordonnateurs", "116 Titulaires"
            return None
        if entry.kind in kind_units:
            return quantity.unit in kind_units[entry.kind]
        if quantity.unit in self.vetoes.vetoed_units:
            return False
        return unit_key in self.unit_keys[entry.id]

    def unit_ids(self, quantity: Quantity, unit_key: str) -> set[str]:
        """Ids whose units (or whose kind's units) hold the number's unit."""
        if quantity.unit is None:
            return set()
        return self.by_unit.get(quantity.unit, set()) | self.by_unit.get(unit_key, set())

    def counted(self, quantity: Quantity, unit_key: str, clause_key: str) -> bool:
        """True when some indicator counting the number's unit is not excluded by its clause
        (`excluded_by`: "43 agents ont suivi la formation" counts no staff)."""
        return any(not (excluded := self.excluded_patterns.get(entry_id)) or not excluded.search(clause_key)
                   for entry_id in self.unit_ids(quantity, unit_key))

    def near_miss_ids(self, label_key: str) -> set[str]:
        """Ids with an alias found by rapidfuzz in `label_key` (partial ratio ≥ 90), the alias
        being the needle: "principal" alone is no near miss of "budget principal"."""
        if len(label_key) <= NEAR_MISS_MIN:
            return set()
        if label_key not in self._near_miss_cache:
            found = process.extract(label_key, self.fuzzy_choices, scorer=fuzz.partial_ratio,
                                    score_cutoff=NEAR_MISS_SCORE, limit=None)
            self._near_miss_cache[label_key] = {
                self.fuzzy_keys[i][1] for _, _, i in found if len(self.fuzzy_choices[i]) <= len(label_key)}
        return self._near_miss_cache[label_key]

    def specific_unit(self, unit_key: str) -> bool:
        """True for a unit only one indicator counts ("appels", "ETP", "nuitées")."""
        return self.unit_owners.get(unit_key, 0) == 1

    def services_in(self, key: str) -> frozenset[str]:
        """Ids whose service words a lemma key (title, minor heading, clause) names, as whole
        words ("accueillis" does not name the "accueil"). Cached: every number under a heading
        asks for it again."""
        if key not in self._service_cache:
            self._service_cache[key] = frozenset(
                entry_id for pattern, ids in self.service_patterns.values() if key and pattern.search(key)
                for entry_id in ids
            )
        return self._service_cache[key]

    def section_match(self, entry: Indicator, title_services: list[frozenset[str]],
                      local_services: frozenset[str] = frozenset()) -> str:
        """Where a heading names the indicator's service: "local" for a minor heading above the
        number inside its section, "inner" for the innermost section's title, "outer" for an
        enclosing one, "" for none."""
        if entry.id in local_services:
            return "local"
        for depth, services in enumerate(reversed(title_services)):
            if entry.id in services:
                return "inner" if depth == 0 else "outer"
        return ""

    def label_alias_ids(self, label: str, whole: bool = False) -> set[str]:
        """Indicator ids whose aliases appear in a short label (section title, table row label,
        header or caption); with `whole`, only an alias that is the whole label but for names
        ("Charges de personnel", "Subvention Agglo"; not the "Charges" of "Charges
        financières" or "Autres charges"). Cached: every cell of a row and every number of a
        section asks again."""
        if (label, whole) not in self._label_cache:
            key = norm_key(label)
            words = label.replace("-", " ").split()  # one word per word of `key`
            self._label_cache[label, whole] = {
                entry_id for entry_id, patterns in self.alias_patterns.items()
                if any(alias in key and (found := pattern.search(key)) and
                       (not whole or _only_names_besides(words, found, key))
                       for alias, pattern in patterns)
            }
        return self._label_cache[label, whole]

    def is_budget_part(self, row: str) -> bool:
        """True for a table row naming a budget or one of its sections ("Investissement")."""
        return bool(self.budget_part_pattern.search(lemma_key(row)))

    def unit_owner_ids(self, label: str) -> set[str]:
        """The indicator whose own unit (counted by no other) the whole label is."""
        key = lemma_key(label)
        if self.unit_owners.get(key) != 1:
            return set()
        return {entry_id for entry_id, units in self.unit_keys.items() if key in units}

    def row_entity_ids(self, row: str, caption: bool = False) -> set[str]:
        """Ids whose unit a table row label names as the one thing the row is about ("Accueil
        de loisirs de Badens", "AL Minervo sur la commune de Peyriac"), or a `caption` as the
        kind of thing every row is ("Accueils de loisirs"): their cells count something else."""
        if (row, caption) not in self._entity_cache:  # asked again by every cell of the row
            key = lemma_key(row)
            single = fold(row)
            self._entity_cache[row, caption] = {
                entry_id for entry_id, units in self.unit_keys.items()
                if any((key.startswith(unit + " ") or caption and key == unit)
                       and unit not in self.measure_unit_keys for unit in units)
                or self.one_of_unit_patterns[entry_id].search(single)
            }
        return self._entity_cache[row, caption]


def word_pattern(words: list[str]) -> re.Pattern[str]:
    """A pattern finding any of `words` (lemma keys, whole words) in a lemma key."""
    alternatives = "|".join(re.escape(lemma_key(word)) for word in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)" if words else r"(?!)")


_LINK_WORDS = {"de", "du", "des", "la", "le", "les", "l'", "d'", "et", "à", "au", "aux"}


def _only_names_besides(words: list[str], found: re.Match[str], key: str) -> bool:
    """True when the words of a label outside the matched alias are names (capitalised, not
    first) or link words: the alias is what the label is, not a qualified part of it."""
    first = len(key[: found.start()].split())
    last = first + len(found.group().split())
    return all(word.lower() in _LINK_WORDS or (index > 0 and word[:1].isupper())
               for index, word in enumerate(words) if not first <= index < last)


@dataclass
class AliasSpans:
    """The document's alias matches, sorted by start, for lookups by character range."""

    spans: list
    text: str = ""
    starts: list[int] = field(init=False)
    asides: dict[int, tuple[int, int]] = field(init=False)  # span index -> its parentheses

    def __post_init__(self) -> None:
        self.spans = sorted(self.spans, key=lambda span: span.start_char)
        self.starts = [span.start_char for span in self.spans]
        self.asides = {}
        for aside in ASIDE.finditer(self.text):
            first = bisect.bisect_left(self.starts, aside.start())
            last = bisect.bisect_left(self.starts, aside.end())
            self.asides.update((i, aside.span()) for i in range(first, last)
                               if self.spans[i].end_char <= aside.end())

    def within(self, start: int, end: int, number: int = -1):
        """(span, inside parentheses) for the spans between `start` and `end`; parentheses
        holding the `number` (an offset) are its own words, not an aside ("(11 communes,
        9.500 habitants)")."""
        first = bisect.bisect_left(self.starts, start)
        last = bisect.bisect_left(self.starts, end)
        for i in range(first, last):
            if self.spans[i].end_char <= end:
                aside = self.asides.get(i)
                yield self.spans[i], aside is not None and not aside[0] <= number < aside[1]
