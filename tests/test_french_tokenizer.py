"""The tokenizer assembled from the model's file tokenizes, norms and matches as `spacy.load`'s."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import corpus_files

from extract.catalogue import default_catalogue
from extract.french_tokenizer import (
    TokenizerUnavailable,
    assembled_tokenizer,
    french_vocab,
    model_tokenizer_file,
)
from extract.nlp import MODEL, SPAN_KEY, AliasPipeline, alias_pipeline, loaded_tokenizer

# Invented text: elisions, hyphens, numbers written in words (French `like_num`), stop words,
# special cases, a URL and an address, and aliases of the catalogue, as written and with words
# between the head and the predicate.
TEXT = ("Aujourd'hui, l'entr'aide : vingt-deux dossiers de domiciliation traités, etc. ; "
        "quatre-vingt-dix personnes ont été relogées, 1 200 € d'aides facultatives accordées "
        "(cf. www.exemple-ccas.fr, M. le maire, contact@mairie-exemple.fr). Heures réalisées : 35.")
ATTRIBUTES = ["text", "whitespace_", "norm_", "lower_", "shape_", "is_stop", "like_num",
              "is_punct", "is_digit", "is_alpha", "is_space", "prefix_", "suffix_", "lang_",
              "like_url", "like_email", "is_currency"]


def _seen(doc) -> tuple[list, list]:
    tokens = [[getattr(token, name) for name in ATTRIBUTES] for token in doc]
    spans = [(span.start, span.end, span.label_) for span in doc.spans[SPAN_KEY]]
    return tokens, spans


def test_the_assembled_tokenizer_is_the_one_spacy_load_gives():
    assembled, loaded = assembled_tokenizer(MODEL), loaded_tokenizer()
    # every setting the tokenizer serializes: rules and expressions (grouped the same way)
    assert assembled.to_bytes(exclude=["vocab"]) == loaded.to_bytes(exclude=["vocab"])
    assert len(assembled.rules) > 100
    assert sorted(assembled.vocab.lex_attr_getters) == sorted(loaded.vocab.lex_attr_getters)
    assert assembled.vocab.writing_system == loaded.vocab.writing_system
    assert assembled.vocab.lang == loaded.vocab.lang == "fr"


def test_the_alias_pipeline_gives_the_tokens_norms_and_matches_of_spacy_loads_pipeline():
    import spacy

    from extract.nlp import ALIAS_EXCLUDE, fast_token_match_compile

    with fast_token_match_compile():
        stock = spacy.load(MODEL, exclude=ALIAS_EXCLUDE)  # a spaCy Language with our components
    stock.add_pipe("ccas_lemmas")
    stock.add_pipe("ccas_catalogue_matcher")
    stock.max_length = alias_pipeline().max_length
    loaded = AliasPipeline(loaded_tokenizer(), default_catalogue())
    matched = 0
    for text in [path.read_text(encoding="utf-8") for path in corpus_files()] + [TEXT]:
        ours = _seen(alias_pipeline()(text))
        assert ours == _seen(stock(text))
        assert ours == _seen(loaded(text))
        matched += len(ours[1])
    assert matched > 100
    words = [token.text for token in alias_pipeline()(TEXT) if token.like_num]
    assert "quatre-vingt-dix" in words  # a French number word (spacy.lang.fr.lex_attrs)


def test_french_data_imported_first_or_after_is_the_same():
    """With `spacy.lang.fr` imported before (its package module run), or after (finding the
    vocabulary modules imported already), the vocabulary has the same functions."""
    code = """
import sys
import extract.nlp
vocab_before = extract.french_tokenizer.french_vocab()
assert "spacy.lang.fr" not in sys.modules
from spacy.lang.fr import French, lex_attrs
assert French.Defaults.lex_attr_getters is lex_attrs.LEX_ATTRS
vocab_after = extract.french_tokenizer.french_vocab()
from spacy.attrs import LIKE_NUM
assert vocab_before.lex_attr_getters[LIKE_NUM] is vocab_after.lex_attr_getters[LIKE_NUM]
assert French().vocab.lex_attr_getters[LIKE_NUM] is vocab_after.lex_attr_getters[LIKE_NUM]
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.stdout.strip() == "ok", done.stderr
    assert french_vocab().lang == "fr"


def test_a_model_that_is_not_installed_is_unavailable():
    with pytest.raises(TokenizerUnavailable, match="not installed"):
        model_tokenizer_file("no_such_model_installed")


def _delegating_model(folder: Path, meta: dict | None) -> Path:
    """A package named as the model, found first on the path, that `spacy.load` loads (it
    delegates to the installed model's data) but whose layout `assembled_tokenizer` rejects."""
    data = model_tokenizer_file(MODEL).parent
    package = folder / MODEL
    package.mkdir()
    (package / "__init__.py").write_text(
        "from pathlib import Path\nfrom spacy.util import load_model_from_path\n"
        "def load(**overrides):\n"
        f"    return load_model_from_path(Path({str(data)!r}), **overrides)\n",
        encoding="utf-8")
    if meta is not None:
        (package / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        layout = package / f"{meta['lang']}_{meta['name']}-{meta['version']}"
        layout.mkdir()
        (layout / "config.cfg").write_bytes((data / "config.cfg").read_bytes())
    return package


FALLBACK = """
import json, sys
sys.path.insert(0, sys.argv[1])
import extract.nlp
from extract.french_tokenizer import TokenizerUnavailable, assembled_tokenizer
try:
    assembled_tokenizer(extract.nlp.MODEL)
    raise SystemExit("the assembled tokenizer did not fail")
except TokenizerUnavailable as error:
    print(error, file=sys.stderr)
doc = extract.nlp.alias_pipeline()(sys.stdin.read())
json.dump([[t.text, t.norm_, t.like_num] for t in doc]
          + [[s.start, s.end, s.label_] for s in doc.spans["aliases"]], sys.stdout)
"""


@pytest.mark.parametrize(("meta", "reason"), [
    (None, "meta.json"),  # not laid out as spaCy lays out a model package
    ({"lang": "en", "name": "core_web_sm", "version": "3.8.0"}, "not a French model"),
])
def test_without_the_expected_model_layout_spacy_load_gives_the_same_result(tmp_path, meta,
                                                                            reason):
    _delegating_model(tmp_path, meta=meta)
    done = subprocess.run([sys.executable, "-c", FALLBACK, str(tmp_path)], input=TEXT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert reason in done.stderr
    doc = alias_pipeline()(TEXT)
    expected = [[t.text, t.norm_, t.like_num] for t in doc] + \
        [[s.start, s.end, s.label_] for s in doc.spans[SPAN_KEY]]
    assert json.loads(done.stdout) == expected
    assert len(doc.spans[SPAN_KEY]) >= 2
