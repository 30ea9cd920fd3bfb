"""Headings as a reader sees them, on reports written for these tests."""

from __future__ import annotations

import pytest

from extract.outline import OutlineTracker, parse_outline
from extract.reader import read_document
from extract.sections import find_sections


def _sections(tmp_path, text: str, warnings: list[str] | None = None):
    path = tmp_path / "rapport.txt"
    path.write_text(text, encoding="utf-8")
    return find_sections(read_document(path), warnings)


@pytest.mark.parametrize("title, style, parts, rest", [
    ("1.4.2 L'accompagnement vers le logement", "decimal", (1, 4, 2), "L'accompagnement vers le logement"),
    ("3. Les seniors", "decimal", (3,), "Les seniors"),
    ("II - Moyens du service", "roman", (2,), "Moyens du service"),
    ("B) Bilan financier", "letter", (2,), "Bilan financier"),
    ("Partie 2 : Vie des seniors", "partie", (2,), "Vie des seniors"),
    ("Axe III – Prévenir", "axe", (3,), "Prévenir"),
    ("  PÔLE 3 - Les seniors", "pôle", (3,), "Les seniors"),
])
def test_outline_numbers_in_their_styles(title, style, parts, rest):
    found = parse_outline(title)
    assert (found.style, found.parts, found.rest) == (style, parts, rest)


@pytest.mark.parametrize("line", ["2 588 appels reçus", "12 agents à temps plein", "1) premier point",
                                  "31.12.2023 : clôture", "1 500 repas"])
def test_figures_and_list_marks_are_not_outline_numbers(line):
    assert OutlineTracker().read(line) is None


def test_list_numbers_are_read_only_when_asked():
    # a list item or an account code opening a line is no chapter, but no count either
    assert parse_outline("2) Les familles") is None and parse_outline("65. Autres charges") is None
    listed = parse_outline("2) Les familles", list_items=True)
    assert (listed.style, listed.parts, listed.mark, listed.rest) == ("list", (2,), ")", "Les familles")
    assert parse_outline("65. Autres charges", list_items=True).style == "list"
    assert parse_outline("3. Les seniors", list_items=True).style == "decimal"
    numbered = parse_outline("  1.4 Le public")
    assert (numbered.span, numbered.mark) == ((2, 5), "")


def test_the_tracker_reads_a_number_only_where_it_can_come_next():
    tracker = OutlineTracker()
    read = [tracker.read(t) for t in ["1.1 Accueillir", "1.2 Orienter", "4.7 Hors suite",
                                      "1 2.1 Un point perdu", "2. Aider", "2.1 Les aides"]]
    assert [r.parts if r else None for r in read] == [(1, 1), (1, 2), None, (1, 2, 1), (2,),
                                                       (2, 1)]


NUMBERED_REPORT = """RAPPORT D'ACTIVITÉ 2024

1. Accès aux droits
Le service a reçu le public toute l'année.
1.1 L'accueil du public
Nous avons accueilli 4 210 personnes au guichet.
Trois objectifs guidaient l'équipe :
1. Accueillir sans rendez-vous.
2. Orienter vers le bon interlocuteur.
1.2 La domiciliation
2 588 appels reçus
Le service a domicilié 312 personnes.
2. Soutien aux seniors
2.1 Le portage de repas
Les agents ont livré 18 400 repas.
"""


def test_numbered_headings_without_blank_lines_nest_by_their_numbers(tmp_path):
    sections = _sections(tmp_path, NUMBERED_REPORT)
    titles = [(s.title, s.level) for s in sections]
    assert titles == [("1. Accès aux droits", 1), ("1.1 L'accueil du public", 2),
                      ("1.2 La domiciliation", 2), ("2. Soutien aux seniors", 1),
                      ("2.1 Le portage de repas", 2)]
    portage = sections[-1]
    assert sections[portage.parent].title == "2. Soutien aux seniors"
    assert "18 400 repas" in portage.text


def test_contents_entries_match_body_headings_with_or_without_their_numbers(tmp_path):
    contents = "\n".join(f"{n} {t}\t{p}" for n, t, p in [
        ("1", "Accès aux droits", 3), ("1.1", "L'accueil du public", 3),
        ("1.2", "La domiciliation", 4), ("2", "Soutien aux seniors", 5),
        ("2.1", "Le portage de repas", 5)])
    body = NUMBERED_REPORT.replace("1.2 La domiciliation", "La domiciliation :")
    sections = _sections(tmp_path, "SOMMAIRE\n\n" + contents + "\n\n" + body)
    titles = [s.title for s in sections]
    assert "La domiciliation :" in titles
    assert not any(s.start < len(contents) for s in sections)  # contents lines are no headings


DENSE_REPORT = """Le mot du président
L'année a été riche pour notre centre, qui a poursuivi ses missions.
Les équipes ont été renforcées et les locaux rénovés.
L'ACCUEIL
Le centre a reçu 3 100 visiteurs, soit une hausse sensible.
Les permanences du mardi ont été maintenues
malgré les travaux de rénovation des bureaux.
Aide alimentaire
L'épicerie a servi 640 familles.
LES FINANCES
Le budget s'élève à 2 400 000 euros.
"""


def test_text_with_few_blank_lines_still_has_headings(tmp_path):
    titles = [s.title for s in _sections(tmp_path, DENSE_REPORT)]
    assert titles == ["Le mot du président", "L'ACCUEIL", "Aide alimentaire", "LES FINANCES"]


def test_a_long_report_without_headings_gets_a_warning(tmp_path):
    prose = "\f".join("Le service a poursuivi son action en faveur des familles, " * 20
                      for _ in range(6))
    warnings: list[str] = []
    assert _sections(tmp_path, prose, warnings) == []
    assert warnings and "no heading" in warnings[0]


def test_contents_that_the_body_does_not_follow_give_way_to_the_layout(tmp_path):
    contents = "\n".join(f"{t}\t{p}" for t, p in [
        ("Une autre édition", 3), ("Des chapitres disparus", 4), ("Un index ancien", 5),
        ("Une annexe perdue", 6), ("Un glossaire", 7)])
    warnings: list[str] = []
    sections = _sections(tmp_path, "Sommaire\n\n" + contents + "\n\n" + NUMBERED_REPORT, warnings)
    assert [s.title for s in sections][:2] == ["1. Accès aux droits", "1.1 L'accueil du public"]
    assert any("table of contents" in w for w in warnings)


def _draw_body(pdf, top: float, lines: int) -> None:
    """Running text in the body's type (10 pt), one sentence a line."""
    pdf.setFont("Helvetica", 10)
    for i in range(lines):
        pdf.drawString(50, top - 13 * i, "Le service a reçu les familles et les a orientées.")


def test_a_pdf_heading_set_over_several_lines_is_one_heading(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "colonnes.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    top = A4[1] - 80
    pdf.setFont("Helvetica-Bold", 17)
    for i, part in enumerate(["Une action sociale qui", "accompagne les familles", "du territoire"]):
        pdf.drawString(50, top - 21 * i, part)
    pdf.drawString(50, top - 100, "Un long titre en grand corps qui dit tout ce que le service a fait")
    _draw_body(pdf, top - 140, 12)
    pdf.showPage()
    pdf.save()
    titles = [s.title for s in find_sections(read_document(path))]
    assert titles == ["Une action sociale qui accompagne les familles du territoire",
                      "Un long titre en grand corps qui dit tout ce que le service a fait"]


def test_an_agenda_under_a_sommaire_title_is_no_heading(tmp_path):
    agenda = "SOMMAIRE\n\nL'accueil\n- Les permanences\n\nLes seniors\n- Le portage\n\f"
    titles = [s.title for s in _sections(tmp_path, agenda + NUMBERED_REPORT)]
    assert "L'accueil" not in titles and "Les seniors" not in titles
    assert "1.1 L'accueil du public" in titles


def test_in_a_pdf_a_line_set_like_the_listed_chapters_is_a_heading_too(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    chapters = ["L'accueil", "La domiciliation", "Les aides facultatives", "Le portage de repas",
                "Les finances"]
    path = tmp_path / "sommaire.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    top = A4[1] - 80
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(50, top, "Sommaire")
    pdf.setFont("Helvetica", 10)
    for i, chapter in enumerate(chapters):
        pdf.drawString(50, top - 30 - 14 * i, f"{chapter} ........ {i + 2}")
    pdf.showPage()
    for title in ["Édito"] + chapters:
        pdf.setFont("Helvetica-Bold", 16)
        pdf.drawString(50, top, title)
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(50, top - 30, "Jean Dupont")  # a name in bold, the body's size
        _draw_body(pdf, top - 50, 10)
        pdf.showPage()
    pdf.save()
    titles = [s.title for s in find_sections(read_document(path))]
    assert titles == ["Édito"] + chapters


CONTENTS_AND_COUNTS = """RAPPORT 2024

SOMMAIRE

L'accueil .......... 3
La domiciliation .......... 4
Les seniors .......... 6

L'accueil

Places par structure
Les Lutins\t12
Les Pitchouns\t24
Le Manège\t24

La domiciliation

Le service a domicilié 312 personnes.

Les seniors

Les agents ont livré 18 400 repas.
"""


def test_one_contents_detector_maps_the_headings_and_gives_the_pages(tmp_path):
    from extract.contents import find_contents, toc_titles
    from extract.quantities import find_quantities

    path = tmp_path / "rapport.txt"
    path.write_text(CONTENTS_AND_COUNTS, encoding="utf-8")
    document = read_document(path)
    contents = find_contents(document.lines)
    # a table of counts ending its lines with numbers that never go down is no contents
    assert toc_titles(contents) == ["l'accueil", "la domiciliation", "les seniors"]
    assert [c.kind for c in contents] == ["title", "entry", "entry", "entry"]
    quantities = find_quantities(document.plain)
    assert {q.start for q in quantities if q.role == "page"} == {c.page[0] for c in contents
                                                                  if c.page}
    assert [q.value for q in quantities if q.role == "value"] == [12, 24, 24, 312, 18400]


def test_a_dot_leader_longer_than_the_tail_read_is_no_part_of_the_title(tmp_path):
    from extract.contents import contents_numbers, find_contents, toc_titles
    from extract.quantities import find_quantities

    entries = [("1.", "Le service", 3), ("1.1.", "Présentation du territoire", 4),
               ("1.2.", "Nombre d'abonnés", 5)]
    contents = "\n".join(f"{n} {t} {'.' * 100} {p}" for n, t, p in entries)
    body = "\f1. Le service\n\n1.1. Présentation du territoire\n\nTexte.\n\n1.2. Nombre d'abonnés\n"
    path = tmp_path / "rapport.txt"
    path.write_text("SOMMAIRE\n\n" + contents + "\n" + body, encoding="utf-8")
    document = read_document(path)
    found = find_contents(document.lines)
    assert toc_titles(found) == ["le service", "presentation du territoire", "nombre d'abonnes"]
    assert contents_numbers(found)[(1, 2)] == "nombre d'abonnes"
    # listed in the contents, "1.2." numbers a heading though "abonnés" could count it
    heading = document.plain.index("1.2. Nombre d'abonnés\n")
    assert [q.role for q in find_quantities(document.plain) if q.start == heading] == ["outline"]


def test_a_page_number_followed_by_blanks_still_closes_an_entry(tmp_path):
    from extract.contents import find_contents

    # lines are first sorted by their last visible character: a figure there, after any blanks
    path = tmp_path / "rapport.txt"
    path.write_text("Sommaire\n\nL'accueil\t3 \t\nLes aides .... 7  \nLes seniors 12\n"
                    "Les moyens en 2023.\n\fL'accueil\n\nTexte.\n", encoding="utf-8")
    found = find_contents(read_document(path).lines)
    # "2023." ends with a period, no page: that line is no entry
    assert [(c.entry, c.page_number) for c in found if c.kind == "entry"] == [
        ("L'accueil", 3), ("Les aides", 7), ("Les seniors", 12)]


TWELVE_WORDS = "Les actions menées auprès des familles et des personnes âgées du territoire"


@pytest.mark.parametrize("number", ["", "Partie 12 : ", "1 2 3 4 ", "1.2.3 - ", "IV - "])
def test_a_title_of_twelve_words_after_a_number_of_several_words_is_still_a_title(number):
    from extract.headings import looks_like_title

    # a long line is rejected by its word count before its number is read: the number's words
    # ("1 2 3 4" where a converter lost the dots) must not count against the title
    assert looks_like_title(number + TWELVE_WORDS)
    assert looks_like_title(number + TWELVE_WORDS + " : :") == bool(number)
    assert not looks_like_title(number + TWELVE_WORDS + " communal")


def test_folded_titles_are_the_same_from_the_cache():
    from extract.headings import fold_title

    titles = ["  Élan Solidaire ", "ÉLAN SOLIDAIRE", "L’Œuvre des Jardins", "Ça ira mieux", ""]
    first = [fold_title(title) for title in titles]
    assert first == [fold_title.__wrapped__(title) for title in titles] == [
        fold_title(title) for title in titles]
    assert first[:2] == ["elan solidaire"] * 2


def test_cleaned_lines_are_the_same_from_the_cache():
    from extract.headings import clean_text, unmarked

    lines = ["  **Le pôle**   seniors ", "• Accueil des familles :", "le 1 ^{er} trimestre", "",
             "Le pôle seniors", "\tÉdito\u00a0du Maire"]
    plain = [clean_text.__wrapped__(line) for line in lines]
    assert [clean_text(line) for line in lines] == plain == [clean_text(line) for line in lines]
    assert plain[0] == plain[4] == "Le pôle seniors"
    assert [unmarked(line) for line in lines[:2]] == ["Le pôle seniors", "Accueil des familles"]


def test_title_tests_are_the_same_from_the_cache():
    from extract.headings import _looks_like_title, looks_like_title

    lines = ["Le pôle seniors", "Le pôle seniors accueille les familles tous les jours.",
             "2.3 Les aides facultatives", "Graphique 3 : répartition", "Sommaire", "",
             TWELVE_WORDS, TWELVE_WORDS + " du département"]
    for max_words in (12, 20):
        plain = [_looks_like_title.__wrapped__(line, max_words) for line in lines]
        assert [looks_like_title(line, max_words) for line in lines] == plain
        assert [looks_like_title(line, max_words) for line in lines] == plain  # from the cache
    assert [looks_like_title(line) for line in lines] == [
        True, False, True, False, True, False, True, False]


TITLES_THAT_LOOK_LIKE_CAPTIONS = """Le pôle solidarité

Les familles ont été reçues sur rendez-vous tout au long de l'année.

CARTE MOBILITÉ

Le centre a délivré la carte de transport aux demandeurs d'emploi du territoire.

Carte des quartiers prioritaires

Des ateliers pour tous

Les ateliers de cuisine ont réuni les habitants chaque jeudi.

Sur le territoire

Un nouvel élan ...

Le projet de service sera présenté au conseil en juin.
"""


def test_caption_and_label_words_do_not_veto_a_title_that_reads_as_one(tmp_path):
    """A caption word makes a caption when a complement follows it ("Carte des quartiers
    prioritaires"), not in a name ("CARTE MOBILITÉ"); "Des" opens a noun phrase; a title left
    hanging on an ellipsis is no sentence; a preposition still opens a label ("Sur le
    territoire")."""
    titles = [s.title for s in _sections(tmp_path, TITLES_THAT_LOOK_LIKE_CAPTIONS)]
    assert titles == ["Le pôle solidarité", "CARTE MOBILITÉ", "Des ateliers pour tous",
                      "Un nouvel élan ..."]


AGENDA_THEN_FIRST_CHAPTER = "\f".join([
    "SOMMAIRE\n\nLes trois points abordés aujourd'hui.\n\nAccueil 2024\n\n- Accueil\n"
    "- Orientations\n\nSolidarité\n\n- Aides\n- Épicerie\n\nSeniors\n\n- Visites\n\n"
    "ACCUEIL\n\n2024\n",
    "\nACCUEIL DU PUBLIC\n\nLe guichet a reçu les familles tous les matins.\n\nOrientations\n\n"
    "Les agents ont orienté les familles vers les partenaires.\n",
    "\nSOLIDARITÉ\n\nLes aides ont été versées chaque mois.\n",
    "\nSENIORS\n\nLes visites à domicile ont repris.\n",
])


def test_an_agenda_ends_where_its_first_topic_comes_back(tmp_path):
    """The topics listed under "Sommaire" (no page numbers) are no headings; the first of them
    coming back on the same page, without a list mark, is the body's first chapter ("Accueil
    2024" ... "ACCUEIL"), not one more agenda line."""
    titles = [s.title for s in _sections(tmp_path, AGENDA_THEN_FIRST_CHAPTER)]
    assert titles == ["ACCUEIL", "ACCUEIL DU PUBLIC", "Orientations", "SOLIDARITÉ", "SENIORS"]


COVERED_DECK = "\f".join([
    "\n\n2024\n\nLES TILLEULS\n",
    "\nLE MOT DU PRÉSIDENT\n\nL'année a été riche en projets menés avec les associations du "
    "quartier et les familles.\n",
    "BUREAU DU CONSEIL\n\n2024\n\nSOMMAIRE\n\nLes points abordés ce jour.\n\nAccueil 2024\n\n"
    "- Accueil\n- Orientations\n\nSolidarité\n\n- Aides\n\nACCUEIL\n\n2024\n",
    "\nACCUEIL DU PUBLIC\n\nLe guichet a reçu les familles tous les matins de la semaine.\n",
    "\nSOLIDARITÉ\n\nLes aides ont été versées chaque mois aux familles du quartier.\n",
])
COVERED_DECK_SECTIONS = ["LE MOT DU PRÉSIDENT", "ACCUEIL", "ACCUEIL DU PUBLIC", "SOLIDARITÉ"]


def test_cover_and_contents_title_pages_open_no_section(tmp_path):
    """A first page of a few short lines (a year, a name) is a cover; the short lines above a
    "Sommaire" on its page title that page (a second part's cover): neither opens a section."""
    titles = [s.title for s in _sections(tmp_path, COVERED_DECK)]
    assert titles == COVERED_DECK_SECTIONS


CONTENTS_WITH_A_SLASH = "\f".join([
    "Sommaire\n\nLe mot du maire/Le mot de la présidente\t2\nL'accueil des familles\t3\n"
    "Les aides légales/facultatives\t3\nLe maintien à domicile\t4\nLes finances du centre\t4\n"
    "Les partenaires du centre\t4\n",
    "\nLE MOT DU MAIRE\n\nLe centre a tenu ses engagements cette année encore.\n\n"
    "LE MOT DE LA PRÉSIDENTE\n\nLes équipes ont été renouvelées.\n",
    "\nL'accueil des familles\n\nLe guichet a reçu les familles tous les matins.\n\n"
    "Les aides légales/facultatives\n\nLes dossiers ont été instruits en deux semaines.\n",
    "\nLe maintien à domicile\n\nLes visites ont repris.\n\nLes finances du centre\n\n"
    "Le budget a été tenu.\n\nLes partenaires du centre\n\nLes associations ont été réunies.\n",
])


def test_a_contents_entry_naming_two_titles_matches_both(tmp_path):
    """"Le mot du maire/Le mot de la présidente" lists two headings of the body; "Les aides
    légales/facultatives" is one title."""
    titles = [s.title for s in _sections(tmp_path, CONTENTS_WITH_A_SLASH)]
    assert titles == ["LE MOT DU MAIRE", "LE MOT DE LA PRÉSIDENTE", "L'accueil des familles",
                      "Les aides légales/facultatives", "Le maintien à domicile",
                      "Les finances du centre", "Les partenaires du centre"]


def test_a_short_first_page_opening_a_numbered_chapter_is_no_cover(tmp_path):
    text = "1. Nos missions\n\n- Accueillir\n- Orienter\n\f\n1.1 L'accueil\n\nLe guichet a " \
           "reçu les familles tous les matins de la semaine.\n\f\n2. Nos moyens\n\nLe budget a " \
           "été tenu.\n"
    assert [s.title for s in _sections(tmp_path, text)] == ["1. Nos missions", "1.1 L'accueil",
                                                            "2. Nos moyens"]
