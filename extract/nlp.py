"""spaCy components: catalogue aliases matched on lemmas, registered as pipeline factories.

The pipeline is fr_core_news_sm's tokenizer with two rule components of ours:

- ``ccas_lemmas`` sets ``token.norm_`` to a folded singular form (`Heures réalisées` →
  `heure realisee`), a cheap lemma that needs no tagger;
- ``ccas_catalogue_matcher`` matches every catalogue alias on those norms with a `PhraseMatcher`
  whose patterns are generated from `schemas/indicators.yaml`, and stores the matches in
  ``doc.spans["aliases"]`` with the indicator id as label.

fr_core_news_sm's statistical components (tagger, parser, NER: about 3,000 words/s here) are not
run on the whole text: `statistical_pipeline()` loads them for the short spans that need them.
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .catalogue import Catalogue, default_catalogue, lemma_key
from .reader import DEFAULT_MAX_BYTES
from .tokenizer_regex import fast_token_match_compile

SPAN_KEY = "aliases"
MODEL = "fr_core_news_sm"
# What the alias pipeline does not load: the statistical components, and the model's stored
# vocabulary (lexeme probabilities and clusters for those components; 0.2-0.5 s to read). Token
# texts, norms set by `ccas_lemmas` and the lexical flags are the same without it
# (tests/test_tokenizer_regex.py compares them on the whole corpus).
ALIAS_EXCLUDE = ["tok2vec", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner",
                 "senter", "vocab"]


@Language.component("ccas_lemmas")
def ccas_lemmas(doc: Doc) -> Doc:
    """Set each token's norm to its folded singular form."""
    for token in doc:
        token.norm_ = lemma_key(token.text) or token.text
    return doc


@Language.factory(
    "ccas_catalogue_matcher",
    assigns=["doc.spans"],
    requires=["token.norm"],
    default_config={"catalogue_path": None},
)
def make_catalogue_matcher(nlp: Language, name: str, catalogue_path: str | None):
    from .catalogue import load_catalogue

    catalogue = load_catalogue(catalogue_path) if catalogue_path else default_catalogue()
    return CatalogueMatcher(nlp, catalogue)


class CatalogueMatcher:
    """Match catalogue aliases (and the labels of the indicators) on token norms."""

    def __init__(self, nlp: Language, catalogue: Catalogue):
        self.matcher = PhraseMatcher(nlp.vocab, attr="NORM")
        self.patterns = list(alias_patterns(catalogue))
        tokenizer = nlp.tokenizer
        for pattern in self.patterns:
            doc = ccas_lemmas(tokenizer(pattern["pattern"]))
            self.matcher.add(pattern["id"], [doc])

    def __call__(self, doc: Doc) -> Doc:
        matches = self.matcher(doc)
        doc.spans[SPAN_KEY] = [
            Span(doc, start, end, label=doc.vocab.strings[match_id])
            for match_id, start, end in matches
        ]
        return doc


def alias_patterns(catalogue: Catalogue):
    """Patterns as data, in spaCy's ``{"label", "pattern", "id"}`` shape: one per alias."""
    for entry in catalogue.indicators:
        for alias in dict.fromkeys(entry.aliases):
            yield {"label": "INDICATOR", "pattern": alias, "id": entry.id}


@cache
def alias_pipeline() -> Language:
    """fr_core_news_sm's tokenizer plus our lemma and alias components (no statistical model)."""
    with fast_token_match_compile():  # the same tokens, 3.5 s less at every start
        nlp = spacy.load(MODEL, exclude=ALIAS_EXCLUDE)
    nlp.add_pipe("ccas_lemmas")
    nlp.add_pipe("ccas_catalogue_matcher")
    # spaCy's 1,000,000-character guard is for the parser and NER, which this pipeline does not
    # run; a long report only costs tokenizer memory (about 1 kB per token), which the memory
    # limit of ingest and extract bounds. Any text the reader accepts fits.
    nlp.max_length = DEFAULT_MAX_BYTES + 1
    return nlp


@cache
def statistical_pipeline() -> Language:
    """The full fr_core_news_sm pipeline, for the short spans that need a tagger or NER."""
    with fast_token_match_compile():
        return spacy.load(MODEL)
