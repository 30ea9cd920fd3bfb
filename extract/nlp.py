"""spaCy components: catalogue aliases matched on lemmas, run by `alias_pipeline()`.

The pipeline is fr_core_news_sm's tokenizer with two rule components of ours:

- ``ccas_lemmas`` sets ``token.norm_`` to a folded, singular, masculine form read through
  inclusive writing and verb-noun families (`Heures réalisées` → `heure realise`, `relogées` and
  `relogement` → `reloge`, `assistant.es` → `assistant`: `linking.vocabulary`), a cheap lemma that
  needs no tagger;
- ``ccas_catalogue_matcher`` matches every catalogue alias on those norms with a `PhraseMatcher`
  whose patterns are generated from `schemas/indicators.yaml`, and stores the matches in
  ``doc.spans["aliases"]`` with the indicator id as label.

The alias pipeline needs spaCy's core only (`spacy_core`: no `Language`, no pipeline
components); both components are registered as spaCy factories once spaCy is whole, for a spaCy
pipeline that wants them.

fr_core_news_sm's statistical components (tagger, parser, NER: about 3,000 words/s here) are not
run on the whole text: `statistical_pipeline()` loads them for the short spans that need them.
"""

# ruff: noqa: E402 - spaCy's core is imported first, by `import_spacy_core`
from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import TYPE_CHECKING

from .spacy_core import import_spacy_core, when_whole

import_spacy_core()  # spaCy's tokenizer, matcher and documents, without its pipelines

import numpy
import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE, LIKE_NUM, NORM, ORTH
from spacy.matcher import PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span

from .catalogue import Catalogue, default_catalogue
from .french_tokenizer import TokenizerUnavailable, assembled_tokenizer
from .linking.vocabulary import norm_key
from .reader import DEFAULT_MAX_BYTES
from .tokenizer_regex import fast_token_match_compile

if TYPE_CHECKING:
    from spacy.language import Language

SPAN_KEY = "aliases"
MODEL = "fr_core_news_sm"
# What the alias pipeline does not load: the statistical components, and the model's stored
# vocabulary (lexeme probabilities and clusters for those components; 0.2-0.5 s to read). Token
# texts, norms set by `ccas_lemmas` and the lexical flags are the same without it
# (tests/test_tokenizer_regex.py compares them on the whole corpus).
ALIAS_EXCLUDE = ["tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner",
                 "senter", "vocab"]


def ccas_lemmas(doc: Doc) -> Doc:
    """Set each token's norm to its folded, singular, masculine form (`linking.vocabulary`).
    Computed once per distinct word and written through token arrays: no Token object is made
    for the tens of thousands of tokens of a report."""
    if not len(doc):
        return doc
    strings = doc.vocab.strings
    words, where = numpy.unique(doc.to_array(ORTH), return_inverse=True)
    norms = [strings.add(norm_key(strings[orth]) or strings[orth]) for orth in words.tolist()]
    doc.from_array([NORM], numpy.array(norms, dtype=numpy.uint64)[where].reshape(-1, 1))
    return doc


def make_catalogue_matcher(nlp: Language, name: str, catalogue_path: str | None):
    from .catalogue import load_catalogue

    catalogue = load_catalogue(catalogue_path) if catalogue_path else default_catalogue()
    return CatalogueMatcher(nlp, catalogue)


def _register_components() -> None:
    """Our components as spaCy factories, for a spaCy `Language` (``nlp.add_pipe("ccas_lemmas")``):
    registered once spaCy is whole (`spacy_core.when_whole`), which the alias pipeline does not
    need."""
    from spacy.language import Language

    Language.component("ccas_lemmas", func=ccas_lemmas)
    Language.factory("ccas_catalogue_matcher", assigns=["doc.spans"], requires=["token.norm"],
                     default_config={"catalogue_path": None}, func=make_catalogue_matcher)


MAX_INSERTED = 3  # words a report may put between an alias's head noun and its predicate


class CatalogueMatcher:
    """Match catalogue aliases (and the labels of the indicators) on token norms: as written,
    and, for an alias of a head noun and a predicate ("entretiens réalisés"), with up to
    `MAX_INSERTED` words between them ("entretiens physiques réalisés", "personnes ont été
    relogées", "dossiers de domiciliation traités")."""

    def __init__(self, nlp: Language | AliasPipeline, catalogue: Catalogue):
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.patterns = list(alias_patterns(catalogue))
        self.by_head: dict[int, list[tuple[int, list[int]]]] = {}  # head norm -> (id, rest), hashed
        tokenizer = nlp.tokenizer
        for pattern in self.patterns:
            doc = ccas_lemmas(tokenizer(pattern["pattern"]))
            self.matcher.add(pattern["id"], [doc])
            norms = [token.norm for token in doc]  # hashes, as `Doc.to_array` gives them
            if len(norms) >= 2:
                self.by_head.setdefault(norms[0], []).append((nlp.vocab.strings.add(pattern["id"]),
                                                              norms[1:]))
        self.heads = numpy.array(list(self.by_head), dtype=numpy.uint64)

    def __call__(self, doc: Doc) -> Doc:
        spans = [Span(doc, start, end, label=match_id) for match_id, start, end in self.matcher(doc)]
        exact = {(span.label_, span.start) for span in spans}
        for start, end, label in self.gapped(doc):
            if (label, start) not in exact:
                spans.append(Span(doc, start, end, label=label))
                exact.add((label, start))
        doc.spans[SPAN_KEY] = sorted(spans, key=lambda span: (span.start, span.end))
        return doc

    def gapped(self, doc: Doc):
        """(start, end, id) of the aliases whose head is followed, after 1 to `MAX_INSERTED` words
        (no punctuation, no number), by the rest of the alias. Read from token arrays: no Token
        object is made for the tens of thousands of tokens of a report."""
        strings = doc.vocab.strings
        rows = doc.to_array([NORM, IS_PUNCT, LIKE_NUM, IS_SPACE])
        if not len(rows):
            return
        norms = rows[:, 0].tolist()
        blocked = (rows[:, 1] | rows[:, 2] | rows[:, 3]).tolist()
        # only the tokens that are some alias's head are looked at (a few in a hundred)
        for start in numpy.flatnonzero(numpy.isin(rows[:, 0], self.heads)).tolist():
            for indicator, rest in self.by_head[norms[start]]:
                for gap in range(1, MAX_INSERTED + 1):
                    first = start + 1 + gap
                    if first > len(norms) or blocked[first - 1]:
                        break
                    if norms[first : first + len(rest)] == rest:
                        yield start, first + len(rest), strings[indicator]
                        break


def alias_patterns(catalogue: Catalogue):
    """Patterns as data, in spaCy's ``{"label", "pattern", "id"}`` shape: one per alias."""
    for entry in catalogue.indicators:
        for alias in dict.fromkeys(entry.aliases):
            yield {"label": "INDICATOR", "pattern": alias, "id": entry.id}


class AliasPipeline:
    """The alias pipeline: a tokenizer, `ccas_lemmas`, then the catalogue matcher. Called as a
    spaCy `Language` with these components is (``pipeline(text)``, and ``disable=
    ["ccas_catalogue_matcher"]`` for the tokens and norms alone), without the configuration and
    registry machinery of a `Language`, which it does not use."""

    def __init__(self, tokenizer: Tokenizer, catalogue: Catalogue):
        self.tokenizer = tokenizer
        # spaCy's 1,000,000-character guard is for the parser and NER, which this pipeline does
        # not run; a long report only costs tokenizer memory (about 1 kB per token), which the
        # memory limit of ingest and extract bounds. Any text the reader accepts fits.
        self.max_length = DEFAULT_MAX_BYTES + 1
        self.matcher = CatalogueMatcher(self, catalogue)

    @property
    def vocab(self):
        return self.tokenizer.vocab

    def __call__(self, text: str, disable: tuple[str, ...] | list[str] = ()) -> Doc:
        if len(text) > self.max_length:
            raise ValueError(f"text of {len(text)} characters, over the {self.max_length} limit")
        doc = ccas_lemmas(self.tokenizer(text))
        return doc if "ccas_catalogue_matcher" in disable else self.matcher(doc)


@cache
def alias_pipeline() -> AliasPipeline:
    """fr_core_news_sm's tokenizer plus our lemma and alias components (no statistical model)."""
    try:
        tokenizer = assembled_tokenizer(MODEL)  # 0.2 s less than `spacy.load`
    except TokenizerUnavailable:
        tokenizer = loaded_tokenizer()
    tokenizer.max_cache_size = TOKENIZER_CACHE_SIZE  # see `prime_tokenizer_cache`
    return AliasPipeline(tokenizer, default_catalogue())


def loaded_tokenizer() -> Tokenizer:
    """The model's tokenizer as `spacy.load` gives it (`assembled_tokenizer` gives the same)."""
    with fast_token_match_compile():  # the same tokens, 3.5 s less at every start
        return spacy.load(MODEL, exclude=ALIAS_EXCLUDE).tokenizer


_MATCHERS: dict[int, tuple[Catalogue, CatalogueMatcher]] = {}


def match_aliases(plain: str, catalogue: Catalogue | None = None) -> Doc:
    """`plain` through the alias pipeline, the aliases those of `catalogue` (a custom catalogue
    gets its own matcher, built once, instead of the default catalogue's)."""
    nlp = alias_pipeline()
    prime_tokenizer_cache(nlp, plain)
    if catalogue is None or catalogue is default_catalogue():
        return nlp(plain)
    known = _MATCHERS.get(id(catalogue))
    if known is None or known[0] is not catalogue:  # (an id may be reused)
        known = _MATCHERS[id(catalogue)] = (catalogue, CatalogueMatcher(nlp, catalogue))
    return known[1](nlp(plain, disable=["ccas_catalogue_matcher"]))


_CHUNK = re.compile(r"\S+")
TOKENIZER_CACHE_SIZE = 100_000  # chunks; an entry is a few dozen bytes
# id(tokenizer) -> (it, entries at most, the chunks primed in it: still in its cache)
_CACHE_FILL: dict[int, tuple[Tokenizer, int, set[str]]] = {}


def prime_tokenizer_cache(nlp: AliasPipeline, text: str) -> None:
    """Tokenize once, alone, each chunk (text between spaces) that `text` repeats, so that spaCy's
    tokenizer cache holds it when `text` is tokenized.

    spaCy caches the tokens of a chunk, but stops caching for the rest of a text after the first
    chunk that is a special case ("etc.", "M."): in a report, most chunks after the first page were
    split again at each occurrence. A chunk's tokens depend on the chunk alone, so they are the
    same whether computed or cached (tests/test_tokenizer_regex.py compares them). The cache is
    bounded and keeps its entries for later texts; before it is full, the pipeline gets a fresh
    tokenizer with the same rules and expressions (compiled once, shared), which frees the old
    cache.
    """
    counts = Counter(_CHUNK.findall(text))
    tokenizer = nlp.tokenizer
    _, filled, primed = _CACHE_FILL.get(id(tokenizer), (tokenizer, 0, set()))
    filled += len(counts)  # at most one entry per distinct chunk, primed or met in the text
    if filled > tokenizer.max_cache_size:
        _CACHE_FILL.pop(id(tokenizer), None)
        tokenizer = nlp.tokenizer = fresh_tokenizer(tokenizer)
        filled, primed = len(counts), set()
    _CACHE_FILL[id(tokenizer)] = (tokenizer, filled, primed)
    for chunk, count in counts.items():
        if count > 1 and chunk not in primed:  # (one an earlier text primed is cached still)
            tokenizer(chunk)
            primed.add(chunk)


def fresh_tokenizer(tokenizer: Tokenizer) -> Tokenizer:
    """A tokenizer with the settings of `tokenizer` (every one its `to_bytes` keeps) and an empty
    cache."""
    return Tokenizer(tokenizer.vocab, rules=tokenizer.rules, prefix_search=tokenizer.prefix_search,
                     suffix_search=tokenizer.suffix_search,
                     infix_finditer=tokenizer.infix_finditer, token_match=tokenizer.token_match,
                     url_match=tokenizer.url_match, faster_heuristics=tokenizer.faster_heuristics,
                     max_cache_size=tokenizer.max_cache_size)


@cache
def statistical_pipeline() -> Language:
    """The full fr_core_news_sm pipeline, for the short spans that need a tagger or NER."""
    with fast_token_match_compile():
        return spacy.load(MODEL)


when_whole(_register_components)
