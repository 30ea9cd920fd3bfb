"""The grouped token-match expression tokenizes exactly as spaCy's stock French tokenizer."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from conftest import corpus_files

from extract.nlp import MODEL, alias_pipeline
from extract.tokenizer_regex import factor_anchored_alternatives, fast_token_match_compile

STOCK_TOKENS = f"""
import json, sys, spacy
nlp = spacy.load({MODEL!r}, exclude=["tok2vec", "morphologizer", "parser", "attribute_ruler",
                                   "lemmatizer", "ner", "senter"])
texts = json.load(sys.stdin)
json.dump([[t.text for t in nlp.tokenizer(text)] for text in texts], sys.stdout)
"""

# Invented words with hyphens and elisions, the cases the expression exists for.
WORDS = ("Le contre-rendu des après-midis, l'entr'aide et les porte-à-faux ; un faux-semblant "
         "du saut-de-loup à New-York, anti-inflammatoires, arc-boutant, grand'mère, "
         "rick-rolls, Ch'tiis et prud'homie : 12-15 ans, www.exemple-ccas.fr, "
         "contact@mairie-exemple.fr, ré-entr'ouvert, sous-sol-de-l'eau.")


def test_same_tokens_as_the_stock_tokenizer_on_the_whole_corpus():
    texts = [path.read_text(encoding="utf-8") for path in corpus_files()] + [WORDS]
    stock = subprocess.run([sys.executable, "-c", STOCK_TOKENS], input=json.dumps(texts),
                           capture_output=True, text=True, check=True)
    expected = json.loads(stock.stdout)
    tokenizer = alias_pipeline().tokenizer
    for text, tokens in zip(texts, expected, strict=True):
        assert [t.text for t in tokenizer(text)] == tokens
    assert sum(map(len, expected)) > 40_000
    assert len(tokenizer.token_match.__self__.pattern) < 100_000  # the grouped form is in use


def test_alias_pipeline_without_the_stored_vocabulary_gives_the_same_token_attributes():
    import spacy

    from extract.nlp import ALIAS_EXCLUDE

    full = spacy.load(MODEL, exclude=[name for name in ALIAS_EXCLUDE if name != "vocab"])
    full.add_pipe("ccas_lemmas")
    full.max_length = alias_pipeline().max_length
    attributes = ["text", "norm_", "lower_", "shape_", "is_stop", "like_num", "is_punct",
                  "is_digit", "is_alpha", "is_space", "whitespace_", "prefix_", "suffix_"]
    matched = 0
    for text in [path.read_text(encoding="utf-8") for path in corpus_files()] + [WORDS]:
        ours, stock = alias_pipeline()(text), full(text)
        assert [[getattr(t, a) for a in attributes] for t in ours] == \
            [[getattr(t, a) for a in attributes] for t in stock]
        matched += len(ours.spans["aliases"])
    assert matched > 100  # the alias matcher works without the stored vocabulary


def test_grouping_keeps_exactly_the_matched_strings():
    big = "[a-z" + "".join(chr(c) for c in range(0xE0, 0xFF) if c != 0xF7) + "]"
    big = big * 4  # a long class, the kind that is costly to compile
    alternatives = [f"^por[-]te{big}+$", f"^ab(?:c|d)[-]x{big}*$", f"^{big}+[-]la[-](?:l['])?{big}+$",
                    f"^{big}+[-]sur[-](?:l['])?{big}+$", "^plain$", f"^e[']{big}[-{big[1:-1]}]*$"]
    pattern = "(?iu)" + "|".join(f"(?:{a})" for a in alternatives)
    grouped = factor_anchored_alternatives(pattern)
    assert grouped and grouped.count("(?:^") < len(alternatives)
    original, factored = re.compile(pattern), re.compile(grouped)
    samples = ["porte", "portes", "PORTEs", "abc-xy", "abd-x", "abe-x", "bas-la-haut", "bas-la-l'eau",
               "bas-sur-l'eau", "bas-sous-l'eau", "plain", "plains", "e'té", "e'", "", "x\n", "plain\n"]
    for sample in samples:
        assert bool(original.match(sample)) == bool(factored.match(sample)), sample


def test_other_expressions_are_left_alone():
    assert factor_anchored_alternatives("^a$|b") is None
    assert factor_anchored_alternatives(r"^a\$|^b$") is None
    assert factor_anchored_alternatives("^(a|b)c") is None
    with fast_token_match_compile():
        assert re.compile("a|b").pattern == "a|b"
    assert re.compile.__module__ == "re"


def test_a_text_longer_than_spacys_default_guard_is_tokenized():
    from extract.reader import DEFAULT_MAX_BYTES

    text = "12 usagers accueillis. " * 50_000  # 1.15 million characters
    assert len(alias_pipeline()(text)) == 4 * 50_000
    assert alias_pipeline().max_length > DEFAULT_MAX_BYTES  # any text the reader accepts


# The spaCy French token-match expression's shape, invented: anchored alternatives sharing long
# letter classes, long enough (over MIN_LENGTH) to be grouped.
def _long_anchored_pattern(words: list[str]) -> str:
    big = "[a-z" + "".join(chr(c) for c in range(0xE0, 0x24F) if c != 0xF7) + "]"
    return "(?iu)" + "|".join(f"(?:^{big}+[-]{word}[-]{big}+$)" for word in words)


def test_the_grouped_form_is_kept_in_the_cache_and_a_stale_or_damaged_file_is_rebuilt(
        tmp_path, monkeypatch):
    from extract import tokenizer_regex

    monkeypatch.setenv("CCAS_EXTRACT_CACHE", str(tmp_path))
    pattern = _long_anchored_pattern(["sur", "sous", "de", "en", "au"] * 12)
    assert len(pattern) > tokenizer_regex.MIN_LENGTH
    expected = tokenizer_regex.group_anchored_alternatives(pattern)
    assert expected and len(expected) < len(pattern) / 10

    def fresh() -> str | None:
        tokenizer_regex.factor_anchored_alternatives.cache_clear()  # as in a new process
        return tokenizer_regex.factor_anchored_alternatives(pattern)

    assert fresh() == expected
    [stored] = tmp_path.glob("token-match-*.txt")
    assert stored.read_text(encoding="utf-8").endswith(expected)
    # A file of another version of the code or of spaCy: another name, never read for this one.
    other = tokenizer_regex.factor_anchored_alternatives(_long_anchored_pattern(["la"] * 80))
    assert other != expected and len(list(tmp_path.glob("token-match-*.txt"))) == 2
    # Damaged (cut short, edited): grouped again, the same result, and the file rewritten.
    for damage in (stored.read_text(encoding="utf-8")[:-40], "garbage", ""):
        stored.write_text(damage, encoding="utf-8")
        assert fresh() == expected
        assert stored.read_text(encoding="utf-8").endswith(expected)
    # What is read from the cache compiles to the same matches.
    samples = ["bas-sur-haut", "bas-sous-l", "x-au-y", "bas-la-haut", "é-en-ç", "-de-"]
    original, cached = re.compile(pattern), re.compile(fresh())
    assert [bool(original.match(s)) for s in samples] == [bool(cached.match(s)) for s in samples]
    assert any(original.match(s) for s in samples)


def test_an_unwritable_cache_folder_costs_time_only(tmp_path, monkeypatch):
    from extract import tokenizer_regex

    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("CCAS_EXTRACT_CACHE", str(blocked))
    pattern = _long_anchored_pattern(["sur", "de"] * 30)
    tokenizer_regex.factor_anchored_alternatives.cache_clear()
    assert tokenizer_regex.factor_anchored_alternatives(pattern) == \
        tokenizer_regex.group_anchored_alternatives(pattern)


def test_a_primed_tokenizer_cache_gives_the_tokens_computed_without_it():
    """Chunks tokenized ahead (repeated ones, alone), a cache kept from earlier texts, and a
    fresh tokenizer once the cache is full: the same tokens and attributes as a tokenizer that
    never cached across texts."""
    from extract.nlp import fresh_tokenizer, match_aliases, prime_tokenizer_cache

    nlp = alias_pipeline()
    texts = [path.read_text(encoding="utf-8") for path in corpus_files()] + [WORDS]
    # Special cases ("etc.", "M.") early, then repeated chunks, glued punctuation and elisions.
    texts.append("M. le maire, etc. : l'accueil (l'accueil), 12 repas ; 12 repas. "
                 "Aujourd'hui, aujourd'hui : 3,5 % (3,5 %) et 1 200 € / 1 200 €. " * 20)
    attributes = ["text", "whitespace_", "norm_", "is_punct", "like_num", "is_space"]

    def seen(doc) -> list[list]:
        return [[getattr(t, a) for a in attributes] for t in doc]

    expected = []
    for text in texts:
        nlp.tokenizer = fresh_tokenizer(nlp.tokenizer)  # an empty cache for each text
        expected.append(seen(nlp(text)))
    size = nlp.tokenizer.max_cache_size
    nlp.tokenizer.max_cache_size = 3_000  # full every other text: fresh tokenizers on the way
    first = nlp.tokenizer
    for text, tokens in zip(texts * 2, expected * 2, strict=True):
        assert seen(match_aliases(text)) == tokens
        prime_tokenizer_cache(nlp, text)
        assert seen(nlp(text)) == tokens
    assert nlp.tokenizer is not first
    assert nlp.tokenizer.max_cache_size == 3_000
    nlp.tokenizer = fresh_tokenizer(nlp.tokenizer)
    nlp.tokenizer.max_cache_size = size  # as the other tests expect it


SPACY_WITHOUT_ITS_COMMAND_LINE = """
import sys
import extract.nlp
assert "spacy" in sys.modules and "spacy.cli" not in sys.modules
assert not [name for name in ("typer", "rich", "jinja2", "requests") if name in sys.modules]
nlp = extract.nlp.alias_pipeline()
assert [t.text for t in nlp("12 dossiers traités, etc.")] == ["12", "dossiers", "traités", ",", "etc."]
import spacy
assert spacy.info()["spacy_version"] == spacy.__version__  # the real `spacy.info`, on first use
import spacy.cli
from spacy.cli import download, info
assert callable(download) and spacy.cli.info is info
print("ok")
"""


def test_spacy_is_imported_without_its_command_line_which_stays_importable():
    done = subprocess.run([sys.executable, "-c", SPACY_WITHOUT_ITS_COMMAND_LINE],
                          capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "ok", done.stderr



def _compiled_files(folder) -> list:
    return sorted(folder.glob("compiled-*.json"))


def test_a_long_expression_is_compiled_from_the_cache_and_a_damaged_file_compiled_again(
        tmp_path, monkeypatch):
    from extract import tokenizer_regex

    monkeypatch.setenv("CCAS_EXTRACT_CACHE", str(tmp_path))
    pattern = _long_anchored_pattern(["sur", "sous", "de", "en", "au"]) + r"|(?P<code>\d{5})"
    assert len(pattern) > tokenizer_regex.CACHED_MIN_LENGTH
    samples = ["bas-sur-haut", "BAS-SOUS-L", "x-au-y", "bas-la-haut", "é-en-ç", "-de-", "75011",
               "7501", "bas-sur-haut\n"]
    expected = re.compile(pattern, re.I)

    def same_as_re(compiled) -> None:
        assert (compiled.pattern, compiled.flags, compiled.groups, compiled.groupindex) == \
            (expected.pattern, expected.flags, expected.groups, expected.groupindex)
        assert [m and m.group() for m in map(compiled.match, samples)] == \
            [m and m.group() for m in map(expected.match, samples)]

    same_as_re(tokenizer_regex.compile_cached(pattern, re.I))  # compiled, and kept
    [stored] = _compiled_files(tmp_path)
    kept = stored.read_text(encoding="utf-8")
    same_as_re(tokenizer_regex.compile_cached(pattern, re.I))  # made from the kept code
    assert stored.read_text(encoding="utf-8") == kept
    assert any(expected.match(s) for s in samples) and not all(expected.match(s) for s in samples)
    # Other flags or another expression: another file.
    tokenizer_regex.compile_cached(pattern, 0)
    assert len(_compiled_files(tmp_path)) == 2
    # Damaged: cut short, garbage, or code `re` rejects under a header that matches it.
    bad_code = json.dumps({**json.loads(kept.partition("\n")[2]), "code": [9999] * 40})
    rejected = tokenizer_regex._cache_header(tokenizer_regex.COMPILED, bad_code) + "\n" + bad_code
    for damage in (kept[:-50], "garbage", "", rejected):
        stored.write_text(damage, encoding="utf-8")
        same_as_re(tokenizer_regex.compile_cached(pattern, re.I))
        assert stored.read_text(encoding="utf-8") == kept


TOKENS_OF_A_RUN = """
import json, sys
import extract.nlp
texts = json.load(sys.stdin)
json.dump([[t.text for t in extract.nlp.alias_pipeline()(text)] for text in texts], sys.stdout)
"""


def test_the_same_tokens_with_a_cache_being_filled_read_or_none(tmp_path):
    import os

    texts = [path.read_text(encoding="utf-8") for path in corpus_files()[:2]] + [WORDS]
    expected = [[t.text for t in alias_pipeline()(text)] for text in texts]
    blocked = tmp_path / "a file, not a folder"
    blocked.write_text("", encoding="utf-8")
    folder = tmp_path / "cache"
    for cache in (folder, folder, blocked):  # filled, then read; then no cache at all
        done = subprocess.run([sys.executable, "-c", TOKENS_OF_A_RUN], input=json.dumps(texts),
                              capture_output=True, text=True, check=False,
                              env={**os.environ, "CCAS_EXTRACT_CACHE": str(cache)})
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == expected
        assert len(_compiled_files(folder)) >= 4  # the tokenizer's long expressions
