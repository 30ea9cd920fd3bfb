"""The linker on the layouts of the genre, written as reports write them (no corpus file needed)."""

import tempfile
from pathlib import Path

from extract.indicators import extract_indicators
from extract.reader import read_document
from extract.sections import find_sections


def document(text: str):
    """The text read as a report file is read (the real text reader, not a hand-built object)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.txt"
        path.write_text(text, encoding="utf-8")
        return read_document(path)


def linked(text: str, report_year: int = 2023, **options) -> list[tuple]:
    doc = document(text)
    values = extract_indicators(doc, find_sections(doc), report_year=report_year, **options)
    return [(v.indicator, v.value, v.year) for v in values if v.indicator]


def test_year_lists():
    text = "DOMICILIATION\n\n2022 - 132 DEMANDES ELD\n2023 - 195 DEMANDES ELD\n"
    assert linked(text) == [("domiciliation.demandes", 132, 2022), ("domiciliation.demandes", 195, 2023)]
    heading = "LES DÉPENSES EN SECOURS\n\nLes chiffres de 2022\n¤ 4 260€ Bourses étudiant\n"
    assert linked(heading) == [("aides_facultatives.montant", 4260, 2022)]


def test_elliptic_list_item_takes_the_first_items_indicator():
    text = "ÉVALUATION DES DOSSIERS LOGEMENT (43 DOSSIERS EN 2022, 48 EN 2023)\n"
    assert linked(text) == [("logement.accompagnements", 43, 2022), ("logement.accompagnements", 48, 2023)]


def test_a_number_counting_another_noun_is_not_linked():
    text = "Ressources humaines\n\nLa direction compte 6 coordonnateurs de secteur et 12 agents.\n"
    assert linked(text) == [("rh.agents", 12, 2023)]


def test_chart_of_accounts_rows_and_percent_columns():
    text = ("Chapitre et Dépenses\tCA 2019\tTaux\n"
            "011. Charges à caractère général\t3 774 660 €\t10,86%\n"
            "012. Charges de personnel\t29 377 341 €\t84,51%\n")
    assert linked(text, report_year=2019) == [("finances.charges_personnel", 29377341, 2019)]


def test_column_headers_name_the_measure():
    text = ("Budget\tDépenses\tRecettes\tRésultats / exercice 2019\n"
            "SSIAD\t2 935 091,02 €\t2 934 393,21 €\t-697,81 €\n")
    assert linked(text, report_year=2019) == [
        ("finances.depenses", 2935091.02, 2019), ("finances.recettes", 2934393.21, 2019)]


def test_article_years_are_told_by_the_paragraph():
    text = ("Lorsque la communauté s'est constituée en 2001, l'action sociale n'en faisait pas partie. "
            "A l'époque, le CCAS employait 17 agents.\n")
    assert linked(text, report_year=2009, narrative=True) == [("rh.agents", 17, 2001)]
    assert linked(text, report_year=2009) == [("rh.agents", 17, 2009)]
