"""spaCy's core imported alone for the alias pipeline, and spaCy whole on first other use."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from extract.nlp import SPAN_KEY, alias_pipeline

TEXT = ("Le CCAS a instruit 152 dossiers de domiciliation traités en 2023, etc. ; "
        "l'aide alimentaire : 1 200 colis distribués (aujourd'hui 35 bénévoles).")


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], input=TEXT, capture_output=True,
                          text=True, check=False)


def _seen(doc) -> list:
    return [[t.text, t.norm_, t.like_num, t.is_stop] for t in doc] + \
        [[s.start, s.end, s.label_] for s in doc.spans[SPAN_KEY]]


SEEN = """
def seen(doc):
    return [[t.text, t.norm_, t.like_num, t.is_stop] for t in doc] + \\
        [[s.start, s.end, s.label_] for s in doc.spans["aliases"]]
"""

CORE_ONLY = SEEN + """
import json, sys
import extract.nlp
from extract.pipeline import process
from extract.reader import read_document
doc = extract.nlp.alias_pipeline()(sys.stdin.read())
process(read_document(sys.argv[1]))  # a whole extraction of a real file
spacy = sys.modules["spacy"]
whole = [name for name in ("spacy.language", "spacy.pipeline.attributeruler", "spacy.cli")
         if name in sys.modules]
json.dump({"placeholder": type(spacy).__name__, "whole": whole, "seen": seen(doc)}, sys.stdout)
"""


def test_the_alias_pipeline_and_an_extraction_import_spacys_core_only(tmp_path, real_pdfs):
    done = subprocess.run([sys.executable, "-c", CORE_ONLY, str(real_pdfs[0])], input=TEXT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["placeholder"] == "_Placeholder" and found["whole"] == []
    assert found["seen"] == _seen(alias_pipeline()(TEXT))  # as with spaCy whole (this process)
    assert any(row[2] for row in found["seen"] if len(row) == 4)  # numbers seen as numbers


# Each a first use of spaCy beyond its core, after the alias pipeline is built.
FIRST_USES = {
    "an attribute of the package": "import spacy\nnlp = spacy.blank('fr')",
    "a module not imported yet": "from spacy.language import Language\nnlp = Language()",
    "a placeholder sub-package": "import spacy.pipeline\nassert spacy.pipeline.Pipe",
    "a name the training placeholder lacks": "from spacy.training import Corpus\nassert Corpus",
}


@pytest.mark.parametrize("first_use", FIRST_USES.values(), ids=FIRST_USES.keys())
def test_any_other_use_of_spacy_finds_it_whole(first_use):
    code = SEEN + f"""
import json, sys
import extract.nlp
text = sys.stdin.read()
before = seen(extract.nlp.alias_pipeline()(text))
assert type(sys.modules["spacy"]).__name__ == "_Placeholder"
{first_use}
import spacy, spacy.tokens, spacy.vocab, spacy.training, spacy.pipeline
from spacy.language import Language
assert type(sys.modules["spacy"]).__name__ == "module"
assert spacy.tokens.Doc is extract.nlp.Doc and spacy.vocab.Vocab  # the modules imported before
assert spacy.training.Example is spacy.training.example.Example
assert extract.nlp.spacy.blank is spacy.blank  # a module that kept the placeholder
assert Language.has_factory("ccas_lemmas") and Language.has_factory("ccas_catalogue_matcher")
stock = spacy.blank("fr")
stock.add_pipe("ccas_lemmas")
assert [t.norm_ for t in stock("personnes relogées")] == ["personne", "reloge"]
assert seen(extract.nlp.alias_pipeline()(text)) == before
assert "spacy.cli" not in sys.modules
print("ok")
"""
    done = _run(code)
    assert done.stdout.strip() == "ok", done.stderr


def test_a_core_that_needs_more_of_spacy_imports_it_whole():
    code = SEEN + """
import json, sys
from extract import spacy_core
spacy_core.import_spacy_core(spacy_core.CORE_MODULES + ("spacy.no_such_module",))
assert type(sys.modules["spacy"]).__name__ == "module" and "spacy.language" in sys.modules
import extract.nlp
from spacy.language import Language
assert Language.has_factory("ccas_lemmas")
json.dump(seen(extract.nlp.alias_pipeline()(sys.stdin.read())), sys.stdout)
"""
    done = _run(code)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == _seen(alias_pipeline()(TEXT))
