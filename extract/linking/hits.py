"""Alias matches near a number: in its label, its clause, its table row, header or caption."""

from __future__ import annotations

from ..catalogue import lemma_key
from .context import Context
from .lookups import ASIDE_WEIGHT, LONGER_ALIAS_BONUS, AliasSpans, CatalogueIndex

CAPTION_WEIGHT = 0.8  # a caption names what a table counts less surely than the cell's own labels


class Hits:
    """Indicator id → strongest alias match, and the places its aliases were found."""

    def __init__(self) -> None:
        self.strength: dict[str, float] = {}
        self.sources: dict[str, set[str]] = {}

    def add(self, found: dict[str, float] | set[str], source: str, weight: float = 1.0) -> None:
        for key in found:
            strength = weight * (found[key] if isinstance(found, dict) else 1.0)
            self.strength[key] = max(self.strength.get(key, 0.0), strength)
            self.sources.setdefault(key, set()).add(source)

    def spans(self, spans: AliasSpans, start: int, end: int, source: str) -> None:
        """The alias spans between `start` and `end`; the longer alias wins a tie ("provient de
        la communauté de communes" over "provient"); one inside parentheses is a detail ("4
        agents chargés de la facturation (Aide à domicile, portage...)")."""
        for span, aside in spans.within(start, end):
            weight = 1.0 + LONGER_ALIAS_BONUS * (len(span) - 1)
            if aside:
                weight *= ASIDE_WEIGHT
            self.add({span.label_: weight}, "aside" if aside else source)


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
    hits.spans(spans, *context.label_range, "label")
    hits.spans(spans, *context.before_range, "clause")
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
                hits.add(caption_ids, "caption", CAPTION_WEIGHT)
    return hits
