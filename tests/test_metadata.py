"""Metadata from what a document says of itself, on covers written for these tests."""

from __future__ import annotations

import pytest

from extract.metadata import guess_metadata
from extract.pipeline import run
from extract.reader import read_document


def _metadata(tmp_path, text: str):
    path = tmp_path / "document.txt"
    path.write_text(text, encoding="utf-8")
    return guess_metadata(read_document(path))


def test_minutes_holding_last_years_report_are_that_years_report(tmp_path):
    text = ("PROCÈS-VERBAL DE L'ASSEMBLÉE GÉNÉRALE\nCentre communal d'action sociale d'Orvault\n"
            "Séance du 14 mars 2020\n\nLe président présente le rapport d'activité 2019.\n\n"
            "En 2019, le CCAS a accompagné 412 familles. Le budget 2020 est voté.\n")
    meta = _metadata(tmp_path, text)
    assert (meta.report_year, meta.doc_type, meta.kind) == (2019, "rapport_activite", "CCAS")
    assert meta.organisation == "CCAS d'Orvault"


def test_a_centre_social_naming_the_ccas_as_partner_is_not_a_ccas(tmp_path):
    text = ("Centre social Les Tilleuls\nRapport d'activité 2022\n\nNos partenaires : le CCAS, "
            "la CAF et le Département. Le CCAS nous oriente des familles. Le CCAS finance.\n")
    meta = _metadata(tmp_path, text)
    assert (meta.kind, meta.report_year, meta.doc_type) == ("other", 2022, "rapport_activite")


@pytest.mark.parametrize("cover", [
    "Rapport annuel sur le prix et la qualité\ndu service public de l'eau potable\nExercice 2023\n",
    "Commune de Bellerive\nCompte rendu du conseil municipal du 3 juin 2021\n",
    "Bellerive Magazine\nJournal municipal n° 42 - printemps 2022\n",
])
def test_documents_that_say_they_are_something_else_are_other(tmp_path, cover):
    meta = _metadata(tmp_path, cover + "\nÉlection des membres du CCAS. Le CCAS a aidé 20 familles.\n")
    assert meta.doc_type == "other"


def test_values_of_a_document_that_is_no_report_have_low_confidence(tmp_path):
    text = ("Rapport annuel sur le prix et la qualité du service public de l'eau\nExercice 2023\n\n"
            "TÉLÉASSISTANCE\n\n42 bénéficiaires de la téléassistance en 2023.\n")
    (tmp_path / "eau.txt").write_text(text, encoding="utf-8")
    extraction = run(tmp_path / "eau.txt")
    assert extraction.metadata.doc_type == "other"
    assert any("low confidence" in w for w in extraction.document.warnings)
    assert extraction.indicators and all(v.confidence <= 0.2 for v in extraction.indicators)


@pytest.mark.parametrize("written, expected", [
    ("le CCAS d'Aubervilliers", "CCAS d'Aubervilliers"),
    ("le Centre communal d'action sociale de Evry", "CCAS d'Evry"),
    ("le CIAS du Pays Fléchois", "CIAS du Pays Fléchois"),
    ("le CCAS de la Rochelle", "CCAS de la Rochelle"),
])
def test_the_organisation_is_named_as_french_writes_it(tmp_path, written, expected):
    meta = _metadata(tmp_path, f"Rapport d'activité 2021\n\nCette année, {written} a ouvert un accueil.\n")
    assert meta.organisation == expected


@pytest.mark.parametrize("sentence, commune", [
    ("Le centre intercommunal d'action sociale (CIAS), basé à Montreuil-Bellay, gère 4 services.",
     "Montreuil-Bellay"),
    ("Le CIAS du Val de Loire gère 4 services. Une antenne est basée à Saumur.", "Val de Loire"),
])
def test_an_intercommunal_body_sits_where_it_says_it_is_based(tmp_path, sentence, commune):
    meta = _metadata(tmp_path, f"Rapport d'activité 2021\n\n{sentence}\n")
    assert meta.kind == "CIAS" and meta.commune == commune
