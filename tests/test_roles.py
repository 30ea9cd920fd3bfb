"""Value roles: invented sentences of the genre, each with the role its number has in the clause.

Only a `value` links to an indicator; the others are kept, uncatalogued, with their role.
"""

import tempfile
from pathlib import Path

import pytest

from extract.indicators import extract_indicators
from extract.linking.roles import role_of
from extract.quantities import find_quantities
from extract.reader import read_document
from extract.sections import find_sections


def document(text: str):
    """The text read as a report file is read."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.txt"
        path.write_text(text, encoding="utf-8")
        return read_document(path)

SENTENCES = [
    # part of a total: by novelty, household, sex after "dont", "parmi"
    ("Le service a accompagné 120 personnes, dont 45 nouvelles personnes.", 45, "part"),
    ("Parmi elles, 30 vivent seules à domicile.", 30, "part"),
    ("L'épicerie a reçu 210 foyers dont 64 femmes avec enfants.", 64, "part"),
    ("18 nouveaux bénéficiaires ont rejoint le dispositif.", 18, "part"),
    ("Le relais a reçu 75 familles et 12 personnes isolées.", 12, "part"),
    # by origin, sex or status of the members of a total; admissions are new entrants
    ("Sur la commune, 28 ménages viennent du quartier nord et 9 du bourg.", 28, "part"),
    ("31 locataires sont originaires d'un autre département.", 31, "part"),
    ("Le foyer peut loger 16 personnes soit 9 femmes et 7 enfants.", 9, "part"),
    ("Il a reçu 140 visiteurs dont 52 personnes retraitées.", 52, "part"),
    ("Cette année, 26 résidents ont été admis à la résidence.", 26, "part"),
    ("Le foyer a reçu 140 visiteurs dont 52 personnes retraitées.", 140, "value"),
    # share of a total
    ("Les secours versés ont doublé, soit 35 % du budget.", 35, "share"),
    ("42 % des demandeurs sont des retraités.", 42, "share"),
    ("Les jeunes représentent 18 % des usagers.", 18, "share"),
    # bounds of a range
    ("Les séjours durent entre 3 et 15 nuits.", 3, "range"),
    ("Les séjours durent entre 3 et 15 nuits.", 15, "range"),
    ("Chaque famille reçoit de 2 à 6 colis.", 2, "range"),
    ("Une équipe de 4 à 7 bénévoles anime l'atelier.", 7, "range"),
    # averages and rates per period or per head
    ("La halte accueille en moyenne 35 enfants.", 35, "rate"),
    ("Le service livre 1 200 repas par mois.", 1200, "rate"),
    ("Les permanences reçoivent 14 visiteurs par semaine.", 14, "rate"),
    ("L'aide communale atteint 22 € par habitant.", 22, "rate"),
    ("Montant moyen : 85 €", 85, "rate"),
    # changes and differences
    ("Les demandes ont progressé de 12 % en un an.", 12, "change"),
    ("Le CCAS a instruit 31 dossiers de plus qu'en 2022.", 31, "change"),
    ("On note une hausse de 9 % des appels.", 9, "change"),
    ("Les nuitées (+ 6 %) ont augmenté.", 6, "change"),
    ("Le nombre d'aides recule de 4 % cette année.", 4, "change"),
    # prices and tariffs
    ("Le repas livré est vendu 4,20 € l'unité.", 4.2, "price"),
    ("Le tarif de la téléassistance reste fixé à 9 € par mois.", 9, "price"),
    ("Une intervention coûte 24,50 €/heure au bénéficiaire.", 24.5, "price"),
    ("Le prix du colis est de 3 €.", 3, "price"),
    # plans and targets
    ("L'objectif pour l'an prochain est de 60 places.", 60, "plan"),
    ("Le CCAS prévoit 3 ateliers supplémentaires.", 3, "plan"),
    ("Au total 12 réunions de quartier étaient prévues.", 12, "plan"),
    ("Au total 20 logements sont prévus sur le quartier.", 20, "plan"),
    # limits used as conditions
    ("Le portage est ouvert aux personnes de plus de 60 ans.", 60, "limit"),
    ("Les jeunes âgés de 16 ans peuvent s'inscrire.", 16, "limit"),
    ("L'atelier mémoire est proposé dès 65 ans.", 65, "limit"),
    # values
    ("Le CCAS a accompagné 350 personnes en 2023.", 350, "value"),
    ("L'épicerie a distribué 12 tonnes de denrées.", 12000, "value"),
    ("Le service a livré 9 000 repas, dont 1 200 pour le site de la gare.", 1200, "value"),
    ("Le service compte 14 agents.", 14, "value"),
    ("Le taux d'occupation atteint 92 %.", 92, "value"),
    ("29 % de la population vit sous le seuil de pauvreté.", 29, "value"),
    ("Plus de 700 appels ont été reçus au standard.", 700, "value"),
]


QUANTITY_ROLES = {"age": "limit"}  # roles the number grammar (quantities.py) gives before the linker


def roles_of(text: str) -> dict[float, str]:
    """The role of every number of `text`: the linker's, or the number grammar's for the numbers
    it already told apart (a change written "+ 6 %", an age)."""
    doc = document(text + "\n")
    roles = {q.value: QUANTITY_ROLES.get(q.role, q.role) for q in find_quantities(doc.plain)}
    roles.update((v.value, v.role) for v in extract_indicators(doc, find_sections(doc), report_year=2023))
    return roles


@pytest.mark.parametrize(("sentence", "number", "role"), SENTENCES)
def test_each_number_has_the_role_its_clause_gives_it(sentence, number, role):
    assert roles_of(sentence).get(number) == role


def test_only_values_link():
    doc = document("PORTAGE DE REPAS\n\nLe service a livré 18 500 repas, soit 12 % de plus qu'en 2022, "
                   "au prix de 8 € le repas.\n")
    values = {v.value: v for v in extract_indicators(doc, find_sections(doc), report_year=2023)}
    assert values[18500].indicator == "portage_repas.repas" and values[18500].role == "value"
    assert values[12].indicator is None and values[12].role == "change"
    assert values[8].indicator is None and values[8].role == "price"


def test_an_average_links_only_to_an_indicator_of_kind_average():
    doc = document("AIDES FACULTATIVES\n\nL'aide moyenne accordée : 235 €\n")
    linked = [(v.indicator, v.role) for v in extract_indicators(doc, find_sections(doc), report_year=2023)
              if v.value == 235]
    assert linked == [("aides_facultatives.montant_moyen", "rate")]


def test_role_of_reads_both_sides_of_a_number():
    assert role_of("entre ", " et 32 nuits") == "range"
    assert role_of("", " % des enfants", unit="%") == "share"
    assert role_of("soit ", " personnes") == "value"  # a share needs a percentage
    assert role_of("", " ", label="Nombre de bénéficiaires moyen / mois") == "rate"
