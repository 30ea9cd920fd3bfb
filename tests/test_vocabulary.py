"""Vocabulary tolerance: the forms a reader takes for the same word link to the same alias."""

import tempfile
from pathlib import Path

import pytest

from extract.indicators import extract_indicators
from extract.linking.vocabulary import norm_key
from extract.reader import read_document
from extract.sections import find_sections


def linked(text: str) -> list[tuple]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.txt"
        path.write_text(text, encoding="utf-8")
        doc = read_document(path)
    values = extract_indicators(doc, find_sections(doc), report_year=2023)
    return [(v.indicator, v.value) for v in values if v.indicator]


@pytest.mark.parametrize(("variant", "form"), [
    ("relogées", "relogés"), ("relogée", "relogés"), ("relogement", "relogés"), ("reloger", "relogés"),
    ("assistant.es maternel.les", "assistantes maternelles"),
    ("assistant·e·s maternel·le·s", "assistantes maternelles"),
    ("agent·es", "agents"), ("accompagné(e)s", "accompagnés"), ("référent.e.s", "référents"),
    ("travailleur·euse·s sociaux·ales", "travailleurs sociaux"),
    ("personnes accompagnées", "personnes accompagnés"), ("animatrices", "animateurs"),
    ("hébergement", "hébergées"), ("sociales", "social"),
])
def test_variants_have_one_norm(variant, form):
    assert norm_key(variant) == norm_key(form)


@pytest.mark.parametrize(("word", "other"), [
    ("logement", "logiciel"), ("dossier", "dossiers de presse"), ("personne", "personnel"),
])
def test_different_words_keep_different_norms(word, other):
    assert norm_key(word) != norm_key(other)


@pytest.mark.parametrize(("sentence", "expected"), [
    # participle in the feminine plural after an auxiliary and a passive
    ("LOGEMENT\n\nCette année, 6 personnes ont été relogées dans le parc social.\n",
     ("logement.relogements", 6)),
    # inclusive writing of the alias "assistantes maternelles"
    ("RELAIS PETITE ENFANCE\n\nLe relais accompagne 81 assistant.es maternel.les du territoire.\n",
     ("rpe.assistantes_maternelles", 81)),
    ("RELAIS PETITE ENFANCE\n\nLe relais accompagne 64 assistant·e·s maternel·le·s.\n",
     ("rpe.assistantes_maternelles", 64)),
    # an adjective inserted between the head noun and the predicate of "entretiens réalisés"
    ("ACTION SOCIALE\n\nLes équipes comptent 1 250 entretiens individuels réalisés.\n",
     ("accompagnement_social.rendez_vous", 1250)),
])
def test_a_variant_links_like_the_alias(sentence, expected):
    assert expected in linked(sentence)


def test_a_custom_catalogue_is_used_by_the_alias_matcher(tmp_path):
    """An alias that only a custom catalogue has links through it (the spaCy matcher included)."""
    import yaml

    from extract.catalogue import CATALOGUE_PATH, load_catalogue

    data = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))
    entry = next(e for e in data["indicators"] if e["id"] == "logement.relogements")
    entry["aliases"] = [*entry["aliases"], "ménages installés"]
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    custom = load_catalogue(path)
    text = "LOGEMENT\n\nEn 2023, 14 ménages installés dans un logement.\n"
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.txt"
        report.write_text(text, encoding="utf-8")
        doc = read_document(report)
    sections = find_sections(doc)
    with_custom = extract_indicators(doc, sections, report_year=2023, catalogue=custom)
    with_default = extract_indicators(doc, sections, report_year=2023)
    assert [(v.indicator, v.value) for v in with_custom if v.indicator] == [("logement.relogements", 14)]
    assert [v.method for v in with_custom if v.indicator] == ["lemma_match"]
    assert not any(v.method == "lemma_match" for v in with_default if v.value == 14)


def test_a_custom_catalogue_is_used_by_the_unit_grammar(tmp_path):
    """A unit noun that only a custom catalogue has is read as the unit of its numbers, and the
    number links through it; the default catalogue reads no unit there."""
    import yaml

    from extract.catalogue import CATALOGUE_PATH, load_catalogue
    from extract.quantities import find_quantities

    data = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))
    entry = next(e for e in data["indicators"] if e["id"] == "portage_repas.repas")
    entry["units"] = [*entry["units"], "plateaux"]
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    custom = load_catalogue(path)
    text = "PORTAGE DE REPAS\n\nEn 2023, le service a apporté 4 210 plateaux chauds à domicile.\n"
    assert [(q.value, q.unit) for q in find_quantities(text, custom)] == [(2023, None), (4210, "plateaux")]
    assert [(q.value, q.unit) for q in find_quantities(text)] == [(2023, None), (4210, None)]
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.txt"
        report.write_text(text, encoding="utf-8")
        doc = read_document(report)
    sections = find_sections(doc)
    with_custom = extract_indicators(doc, sections, report_year=2023, catalogue=custom)
    assert [(v.indicator, v.value, v.unit) for v in with_custom if v.indicator] == [
        ("portage_repas.repas", 4210, "plateaux")]
