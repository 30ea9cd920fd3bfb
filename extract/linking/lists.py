"""List items: a number that goes on from the previous one takes its indicator."""

from __future__ import annotations

import re

from ..quantities import Quantity

_LIST_GAP = re.compile(r"^(?:(?!\n\s*\n)[^.;!?]){0,60}?(?:,|\bet\b|\bdont\b|/|\bpuis\b)[^.;!?]{0,12}$")
_LIST_GAP_LONGEST = 60 + len("dont") + 12 + 1  # the longest gap _LIST_GAP matches (a final "\n")
_PART = re.compile(r"\bdont\s*$")
_NEW_ROW_LABEL = re.compile(r"\n[^\n\t]*[^\W\d_][^\n\t]*\t")  # a line break, words, a cell break


def continues_previous(plain: str, previous: Quantity, quantity: Quantity) -> bool:
    """True when `quantity` goes on from `previous`: the next item of the same list ("43
    dossiers en 2022, 48 en 2023", "754 bénéficiaires dont 653 ... et 101") or a part of it
    ("39 975 / Le nombre d'appels gérés dont 5 124 en interne"), naming no noun of its own."""
    if quantity.noun:
        return False
    gap = re.sub(r"\([^()]*\)", "", plain[previous.unit_end or previous.end : quantity.start])
    ending = gap.replace("*", " ").rstrip()
    part = _PART.search(ending, max(0, len(ending) - len("dont")))  # it ends the gap or is absent
    if not part and len(gap) > _LIST_GAP_LONGEST:
        return False  # no list goes on over such a gap (most pairs of numbers: no scan of it)
    if _NEW_ROW_LABEL.search(gap):
        return False  # the first cell of a table row with a label of its own goes on from nothing
    if part and not re.search(r"[.!?;]\s|\n\s*\n", gap.lstrip()):
        return True
    same_noun = quantity.unit is None or quantity.unit == previous.unit
    return same_noun and bool(_LIST_GAP.match(gap))
