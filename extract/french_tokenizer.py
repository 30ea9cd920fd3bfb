"""fr_core_news_sm's tokenizer and spaCy's French vocabulary, assembled without `spacy.load`.

The alias pipeline needs two things of the model: its tokenizer (rules and expressions, stored in
the package's ``tokenizer`` file) and the French vocabulary (the lexical attribute functions
and stop words of `spacy.lang.fr`). `spacy.load` also builds the language's default tokenizer
(and, for that, imports `spacy.lang.fr.tokenizer_exceptions`, which assembles and compiles its
token-match expression) before reading the model's over it, and resolves the model's
configuration through spaCy's registries: about 0.2 s of every start. Here the vocabulary is
made as spaCy makes it (`spacy.vocab.create_vocab`) from the three French modules it needs,
imported without `spacy.lang.fr`'s package module, and the tokenizer is read from the model's
file. `assembled_tokenizer()` raises `TokenizerUnavailable` when the model is not laid out as
expected, and `nlp.alias_pipeline` then loads it with `spacy.load`;
tests/test_french_tokenizer.py compares the two on the corpus.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import sys
import types
from pathlib import Path

from spacy.tokenizer import Tokenizer
from spacy.vocab import Vocab, create_vocab

from .spacy_core import core_imports
from .tokenizer_regex import fast_token_match_compile

LANGUAGE = "fr"
# spaCy's default writing system (`spacy.language.BaseDefaults`), which French keeps.
WRITING_SYSTEM = {"direction": "ltr", "has_case": True, "has_letters": True}
# The modules of `spacy.lang.fr` that `create_vocab` reads (through `French.Defaults`).
_VOCABULARY_MODULES = ("lex_attrs", "stop_words", "syntax_iterators")


class TokenizerUnavailable(Exception):
    """The model or spaCy's French data is not where or what this module expects."""


def french_vocab() -> Vocab:
    """The vocabulary `spacy.blank("fr")` makes: French lexical attributes and stop words."""
    lex_attrs, stop_words, syntax_iterators = _french_modules()
    defaults = types.SimpleNamespace(lex_attr_getters=lex_attrs.LEX_ATTRS,
                                     stop_words=stop_words.STOP_WORDS,
                                     writing_system=WRITING_SYSTEM,
                                     syntax_iterators=syntax_iterators.SYNTAX_ITERATORS)
    return create_vocab(LANGUAGE, defaults)


def _french_modules() -> list[types.ModuleType]:
    """`spacy.lang.fr`'s vocabulary modules. Imported under their own names, without running the
    package module (which imports all the French data); a later ``import spacy.lang.fr`` runs it
    and finds these modules already imported."""
    package = "spacy.lang." + LANGUAGE
    if package in sys.modules:
        return [importlib.import_module(f"{package}.{name}") for name in _VOCABULARY_MODULES]
    with core_imports():  # they need no more of spaCy than its core
        return _french_modules_alone(package)


def _french_modules_alone(package: str) -> list[types.ModuleType]:
    spec = importlib.util.find_spec("spacy.lang")
    if spec is None or not spec.submodule_search_locations:
        raise TokenizerUnavailable("spacy.lang not found")
    stub = types.ModuleType(package)
    stub.__path__ = [str(Path(folder) / LANGUAGE) for folder in spec.submodule_search_locations]
    sys.modules[package] = stub
    try:
        return [importlib.import_module(f"{package}.{name}") for name in _VOCABULARY_MODULES]
    except Exception as error:  # noqa: BLE001 - any failure: spacy.load instead
        raise TokenizerUnavailable(f"{package}: {error}") from None
    finally:
        if sys.modules.get(package) is stub:
            del sys.modules[package]


def model_tokenizer_file(model: str) -> Path:
    """The ``tokenizer`` file of the installed model package `model`, found as spaCy finds it
    (``<package>/<lang>_<name>-<version>/``), for a model whose tokenizer is spaCy's own."""
    spec = importlib.util.find_spec(model)
    if spec is None or spec.origin is None:
        raise TokenizerUnavailable(f"{model} is not installed")
    package = Path(spec.origin).parent
    try:
        meta = json.loads((package / "meta.json").read_text(encoding="utf-8"))
        data = package / f"{meta['lang']}_{meta['name']}-{meta['version']}"
        config = (data / "config.cfg").read_text(encoding="utf-8")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise TokenizerUnavailable(f"{model}: {error}") from None
    if meta["lang"] != LANGUAGE or 'tokenizer = {"@tokenizers":"spacy.Tokenizer.v1"}' not in config:
        raise TokenizerUnavailable(f"{model}: not a French model with spaCy's tokenizer")
    return data / "tokenizer"


def assembled_tokenizer(model: str) -> Tokenizer:
    """`spacy.load(model)`'s tokenizer (its expressions compiled by `fast_token_match_compile`),
    with a French vocabulary of its own."""
    path = model_tokenizer_file(model)
    tokenizer = Tokenizer(french_vocab())
    try:
        with fast_token_match_compile():  # the same expressions, compiled in 0.01 s
            tokenizer.from_disk(path, exclude=["vocab"])
    except Exception as error:  # noqa: BLE001 - any failure: spacy.load instead
        raise TokenizerUnavailable(f"{path}: {error}") from None
    return tokenizer
