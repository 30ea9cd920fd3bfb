"""French full-text search: Snowball stems folded to ASCII, for SQLite FTS5 and for snippets.

The store indexes each section as a string of stems ("aides alimentaires" → "aid alimentair"), so
that one FTS5 query finds every inflection; Datasette turns the reader's words into the same stems
through `fts_query` (registered as a SQL function) and shows where they were found with `snippet`.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

WORD = re.compile(r"\w+")
MIN_WORD = 2  # one-letter words are elisions (d', l') that every section holds
INDEXED_WORD = re.compile(rf"\w{{{MIN_WORD},}}")  # the words of WORD that are long enough
MARK_START, MARK_END = "⟦", "⟧"  # around a matched word; the page turns them into <mark>
SNIPPET_WORDS = 28

_STEMMER = snowballstemmer.stemmer("french")


def fold(text: str) -> str:
    """Lower case without accents: "Hébergement" → "hebergement"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The folded Snowball stem of one word: "aides" and "aide" → "aid"."""
    return fold(_STEMMER.stemWord(word.lower()))


def stem_text(text: str | None) -> str:
    """Every word of `text` as its stem, in order, for the FTS5 index."""
    return " ".join(map(stem, INDEXED_WORD.findall(text or "")))


def query_stems(query: str | None) -> list[str]:
    return [stem(word) for word in WORD.findall(query or "") if len(word) >= MIN_WORD]


def fts_query(query: str | None) -> str:
    """An FTS5 MATCH expression requiring every word's stem; each is quoted, so that no FTS5
    operator or syntax error can come from what a reader types."""
    stems = query_stems(query)
    return " ".join(f'"{s}"' for s in stems) if stems else '""'


def snippet(text: str | None, query: str | None, words: int = SNIPPET_WORDS) -> str:
    """The passage of `text` (about `words` words) with the most distinct query words, then the
    most matches, each marked ⟦like this⟧; the start of the text when no word matches."""
    text = text or ""
    wanted = set(query_stems(query))
    stems = [stem(m.group()) for m in WORD.finditer(text)]
    tokens = [(m.start(), m.end(), s in wanted) for m, s in zip(WORD.finditer(text), stems,
                                                                strict=True)]
    if not tokens:
        return text[:200]
    best, best_score = 0, (-1, -1)
    for first in range(len(tokens)):
        if not tokens[first][2] and first:
            continue
        found = [s for s, token in zip(stems[first:first + words], tokens[first:first + words],
                                       strict=True) if token[2]]
        score = (len(set(found)), len(found))  # most of the query's words, then most hits
        if score > best_score:
            best, best_score = first, score
    first = max(0, best - words // 4)
    window = tokens[first:first + words]
    pieces, cursor = [], window[0][0]
    for start, end, hit in window:
        pieces.append(text[cursor:start])
        word = text[start:end]
        pieces.append(f"{MARK_START}{word}{MARK_END}" if hit else word)
        cursor = end
    following = first + words
    pieces.append(text[cursor:tokens[following][0] if following < len(tokens) else len(text)])
    passage = " ".join("".join(pieces).split())
    before = "… " if first else ""
    after = " …" if following < len(tokens) else ""
    return before + passage + after
