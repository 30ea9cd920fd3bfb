"""Alias matches near a number: in its label, its clause, its table row, header or caption."""

from __future__ import annotations

from ..catalogue import lemma_key
from .context import Context
from .lookups import AliasSpans, CatalogueIndex

NEAR_PLACES = frozenset({"label", "clause", "row", "header"})  # the number's own words


class Hits:
    """Indicator id → the places its aliases were found, and the longest alias found (in words).

    Where an alias is found is evidence of different strength (a caption names what a table
    counts less surely than the cell's own labels; an alias inside parentheses is a detail of
    the clause): the features say where, and `ccas-extract train` weighs each place."""

    def __init__(self) -> None:
        self.sources: dict[str, set[str]] = {}
        self.words: dict[str, int] = {}

    def add(self, found: set[str], source: str, words: int = 1) -> None:
        """Record `found` ids at `source`; the length of aliases is kept for the number's own
        words only (a caption or an aside names no rival of the number's label)."""
        for key in found:
            self.sources.setdefault(key, set()).add(source)
            if source in NEAR_PLACES:
                self.words[key] = max(self.words.get(key, 0), words)

    def spans(self, spans: AliasSpans, start: int, end: int, source: str, number: int = -1) -> None:
        """The alias spans between `start` and `end`, with their length in words ("provient
        de la communauté de communes" is longer than "provient"); one inside parentheses is
        an aside ("4 agents chargés de la facturation (Aide à domicile, portage...)")."""
        for span, aside in spans.within(start, end, number):
            self.add({span.label_}, "aside" if aside else source, len(span))


def context_hits(context: Context, spans: AliasSpans, index: CatalogueIndex) -> Hits:
    """Alias matches in the number's own label, the clause before it, or its table labels.

    A table caption names what every cell counts only when the rows hold one number each;
    a chart-of-accounts row ("011. Charges à caractère général") is a detail line, named by its
    own label alone, never by the caption or the column header.
    """
    hits = Hits()
    table = context.table
    if table and table.account and index.planned_column_pattern.match(lemma_key(table.header)):
        return hits  # the planned credits of a chapter, beside what was realised
    number = context.label_range[0] - 1  # the label starts after the number (and its unit)
    hits.spans(spans, *context.label_range, "label", number)
    hits.spans(spans, *context.before_range, "clause", number)
    if table:
        row_ids = index.label_alias_ids(table.row, whole=table.account)
        header_ids = set() if table.account else index.label_alias_ids(table.header)
        if not header_ids:  # a column header naming the measure makes the row a scope only
            hits.add(row_ids - index.row_entity_ids(table.row), "row")
            hits.add(index.unit_owner_ids(table.row), "row")  # "ALAE | 67" reads "67 ALAE"
        if not table.account:
            hits.add(header_ids, "header")
            if table.value_columns <= 1:
                # a caption names what a row counts ("nombre d'enfants accueillis"); for amounts
                # only when the row is a budget or a part of one: the lines under "Dépenses
                # d'équipement" are details, not the expenses of a budget
                caption_ids = (index.label_alias_ids(table.caption)
                               - index.row_entity_ids(table.caption, caption=True))
                if not index.is_budget_part(table.row):
                    caption_ids = caption_ids - index.named_ids
                hits.add(caption_ids, "caption")
    return hits
