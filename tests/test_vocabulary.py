"""Vocabulary tolerance: the forms a reader takes for the same word link to the same alias."""

import tempfile
from pathlib import Path

import pytest

from extract.indicators import extract_indicators
from extract.linking.vocabulary import norm_key
from extract.reader import read_document
from extract.sections import find_sections


def read_text(text: str):
    """The document the text reader makes of `text`."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.txt"
        path.write_text(text, encoding="utf-8")
        return read_document(path)


def linked(text: str) -> list[tuple]:
    doc = read_text(text)
    values = extract_indicators(doc, find_sections(doc), report_year=2023)
    return [(v.indicator, v.value) for v in values if v.indicator]


def packaged_catalogue_with(tmp_path, indicator: str, field: str, added: str):
    """The packaged catalogue, loaded from a copy in `tmp_path` whose `indicator` has one more
    `field` entry (an alias or a unit)."""
    import yaml

    from extract.catalogue import CATALOGUE_PATH, load_catalogue

    data = yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8"))
    entry = next(e for e in data["indicators"] if e["id"] == indicator)
    entry[field] = [*entry[field], added]
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_catalogue(path)


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


INVENTED_SENTENCES = [  # none from the corpus: one variant each
    # gender and number of participles
    ('LOGEMENT', 'En 2023, 9 familles ont été relogées grâce au partenariat avec les bailleurs.',
     ('logement.relogements', 9)),
    ('LOGEMENT', 'Au 31 décembre, 17 ménages ont été relogés dans le parc social.',
     ('logement.relogements', 17)),
    ('ACCUEIL', 'Le service a compté 3 412 personnes accueilli·es au guichet.',
     ('accueil.visites', 3412)),
    ('ACCUEIL', "Au total, 2 905 personnes ont été accueillies à l'accueil du public.",
     ('accueil.visites', 2905)),
    ('DOMICILIATION', 'Le CCAS compte 214 personnes domiciliés au 31 décembre.',
     ('domiciliation.personnes', 214)),
    ('DOMICILIATION', 'On recense 188 personnes domicilié.es au 31 décembre.',
     ('domiciliation.personnes', 188)),
    ('PORTAGE DE REPAS', 'Le service a livré 18 450 repas livrés à domicile.',
     ('portage_repas.repas', 18450)),
    ('PORTAGE DE REPAS', 'En 2023, 21 300 repas ont été livrés aux aînés.',
     ('portage_repas.repas', 21300)),
    ('AIDE ALIMENTAIRE', "L'an dernier, 6 200 repas ont été distribués par l'épicerie.",
     ('aide_alimentaire.repas', 6200)),
    # verb <-> noun
    ('LOGEMENT', 'Le service a permis le relogement de 11 ménages.',
     ('logement.relogements', 11)),
    ('LOGEMENT', 'Nous avons pu reloger 8 ménages cette année.',
     ('logement.relogements', 8)),
    # inclusive writing
    ('AIDE À DOMICILE', 'Le service emploie 42 auxiliaires de vie.',
     ('saad.intervenants', 42)),
    ('PERSONNEL', 'Le CCAS compte 57 agent·es au 31 décembre.',
     ('rh.agents', 57)),
    ('PERSONNEL', 'Le CCAS compte 63 agent.e.s permanent.e.s.',
     ('rh.agents', 63)),
    ('PERSONNEL', "L'établissement emploie 48 salarié·es.",
     ('rh.agents', 48)),
    ('BÉNÉVOLAT', "Le CCAS s'appuie sur 25 bénévoles engagé·es.",
     ('rh.benevoles', 25)),
    ('RELAIS PETITE ENFANCE', 'Le relais suit 96 assistant-e-s maternel-le-s agréé-e-s.',
     ('rpe.assistantes_maternelles', 96)),
    ('RELAIS PETITE ENFANCE', 'Le RPE accompagne 71 assistantEs maternellEs.',
     ('rpe.assistantes_maternelles', 71)),
    ('SSIAD', "Le service a suivi 84 patient·es dans l'année.",
     ('ssiad.patients', 84)),
    ('SÉNIORS', 'Les ateliers ont réuni 230 participant.es.',
     ('seniors.participants', 230)),
    # head noun and predicate across auxiliaries, passives and inserted words
    ('ACTION SOCIALE', 'Les travailleurs sociaux ont mené 976 rendez-vous administratifs réalisés sur site.',
     ('accompagnement_social.rendez_vous', 976)),
    ('ACTION SOCIALE', "1 884 entretiens physiques ont été réalisés par l'équipe.",
     ('accompagnement_social.rendez_vous', 1884)),
    ('ACTION SOCIALE', 'Au total 1 120 entretiens ont pu être réalisés.',
     ('accompagnement_social.rendez_vous', 1120)),
    ('AIDE À DOMICILE', 'En 2023, 52 300 heures ont été réalisées au domicile des usagers.',
     ('saad.heures', 52300)),
    ('AIDE À DOMICILE', "48 900 heures d'aide ont été effectuées.",
     ('saad.heures', 48900)),
    ('ACCUEIL', '12 480 appels téléphoniques ont été reçus par le standard.',
     ('accueil.appels', 12480)),
    ('ACCUEIL', 'Le standard a géré 9 870 appels entrants gérés.',
     ('accueil.appels', 9870)),
    ('ESA', "L'équipe a conduit 1 460 séances de réhabilitation réalisées à domicile.",
     ('esa.seances', 1460)),
    ('AIDES FACULTATIVES', '412 aides ont été accordées par la commission.',
     ('aides_facultatives.nombre', 412)),
    ('DOMICILIATION', '6 540 courriers ont été reçus et distribués.',
     ('domiciliation.courriers', 6540)),
    ('SÉNIORS', 'Le service a organisé 64 ateliers collectifs organisés au club.',
     ('seniors.ateliers', 64)),
    ('SSIAD', 'Le service a réalisé 19 800 journées réalisées.',
     ('ssiad.journees', 19800)),
    ('ACCOMPAGNEMENT SOCIAL', 'Le service compte 640 personnes suivies par les travailleurs sociaux.',
     ('accompagnement_social.personnes', 640)),
    ('ACCOMPAGNEMENT SOCIAL', '590 personnes ont été accompagnées en 2023.',
     ('accompagnement_social.personnes', 590)),
]


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


@pytest.mark.parametrize(("heading", "sentence", "expected"), INVENTED_SENTENCES)
def test_an_invented_sentence_links_through_its_variant(heading, sentence, expected):
    assert expected in linked(f"{heading}\n\n{sentence}\n")


def test_a_hyphen_in_a_compound_is_no_inclusive_mark():
    from extract.linking.vocabulary import norm_key

    assert norm_key("assistant-e-s maternel-le-s") == norm_key("assistantes maternelles")
    assert norm_key("salarié-es") == norm_key("salariés")
    assert norm_key("rendez-vous") == "rendez vous"
    assert norm_key("aide-soignante") != norm_key("aide")


def test_a_custom_catalogue_is_used_by_the_alias_matcher(tmp_path):
    """An alias that only a custom catalogue has links through it (the spaCy matcher included)."""
    custom = packaged_catalogue_with(tmp_path, "logement.relogements", "aliases", "ménages installés")
    doc = read_text("LOGEMENT\n\nEn 2023, 14 ménages installés dans un logement.\n")
    sections = find_sections(doc)
    with_custom = extract_indicators(doc, sections, report_year=2023, catalogue=custom)
    with_default = extract_indicators(doc, sections, report_year=2023)
    assert [(v.indicator, v.value) for v in with_custom if v.indicator] == [("logement.relogements", 14)]
    assert [v.method for v in with_custom if v.indicator] == ["lemma_match"]
    assert not any(v.method == "lemma_match" for v in with_default if v.value == 14)


def test_a_custom_catalogue_is_used_by_the_unit_grammar(tmp_path):
    """A unit noun that only a custom catalogue has is read as the unit of its numbers, and the
    number links through it; the default catalogue reads no unit there."""
    from extract.quantities import find_quantities

    custom = packaged_catalogue_with(tmp_path, "portage_repas.repas", "units", "plateaux")
    text = "PORTAGE DE REPAS\n\nEn 2023, le service a apporté 4 210 plateaux chauds à domicile.\n"
    assert [(q.value, q.unit) for q in find_quantities(text, custom)] == [(2023, None), (4210, "plateaux")]
    assert [(q.value, q.unit) for q in find_quantities(text)] == [(2023, None), (4210, None)]
    doc = read_text(text)
    sections = find_sections(doc)
    with_custom = extract_indicators(doc, sections, report_year=2023, catalogue=custom)
    assert [(v.indicator, v.value, v.unit) for v in with_custom if v.indicator] == [
        ("portage_repas.repas", 4210, "plateaux")]
