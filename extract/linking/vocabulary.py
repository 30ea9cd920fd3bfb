"""Vocabulary tolerance: one norm for the forms of a word that a reader takes for the same.

`word_norm` folds a word (lower case, no accents), reads inclusive writing as the masculine
(`assistant.es`, `agent·es`, `maternel.les`, `accompagné(e)s` → `assistant`, `agent`, `maternel`,
`accompagne`), takes the singular, the masculine of participles and adjectives (`relogées` →
`reloge`, `sociales` → `social`, `référente` → `referent`) and one stem for a verb, its
participle and its noun in -ement (`reloger`, `relogé`, `relogement` → `reloge`). The catalogue's
aliases and the report's words go through the same norm, so the aliases stay the only word list.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..catalogue import fold, singular

# A masculine word followed by its inclusive feminine and plural marks.
_INCLUSIVE = re.compile(r"(?<=[a-z]{3})(?:[.·•‧∙](?:[a-z]{1,5})(?:[.·•‧∙][a-z]{0,2})?|\(e?s?\)s?)$")
# The same marks after hyphens ("assistant-e-s", "maternel-le-s", "salarié-es"): only feminine
# endings, so that a compound ("rendez-vous", "aide-soignante") keeps its second word.
_INCLUSIVE_HYPHEN = re.compile(r"(?<=[a-z]{3})-(?:e|le|ne|euse|rice|trice)(?:-s)?\b"
                               r"|(?<=[a-z]{3})-(?:es|les|nes|euses|rices|trices)\b")
# Feminine endings of participles, adjectives and agent nouns, and their masculine.
_FEMININE = (("trice", "teur"), ("euse", "eur"), ("elle", "el"), ("enne", "en"), ("ive", "if"),
             ("ante", "ant"), ("ente", "ent"), ("iere", "ier"), ("ale", "al"), ("ee", "e"),
             ("ie", "i"))
MIN_STEM = 3  # letters left before an ending is read as one


@lru_cache(maxsize=65536)
def word_norm(word: str) -> str:
    """The norm of one word (see the module docstring)."""
    word = _INCLUSIVE_HYPHEN.sub("", fold(word))
    word = _INCLUSIVE.sub("", word)
    if "·" in word or "." in word[3:]:
        word = re.split(r"[.·]", word)[0]
    word = singular(word)
    for feminine, masculine in _FEMININE:
        if word.endswith(feminine) and len(word) - len(feminine) >= MIN_STEM:
            word = word[: -len(feminine)] + masculine
            break
    if word.endswith("ement") and len(word) > 8:  # relogement → reloge, hébergement → heberge
        return word[:-4]
    if word.endswith("er") and len(word) > 6:  # reloger → reloge, accompagner → accompagne
        return word[:-1]
    return word


@lru_cache(maxsize=65536)
def norm_key(text: str) -> str:
    """The norm of every word of `text`, one per word as `lemma_key` gives them."""
    text = _INCLUSIVE_HYPHEN.sub("", fold(text))
    return " ".join(word_norm(word) for word in text.replace("-", " ").split())
