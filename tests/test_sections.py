import json
from collections import Counter

from conftest import CORPUS, GOLD, corpus_files

from extract.outline import parse_outline
from extract.reader import read_document
from extract.sections import find_sections, normalise_title

# Floors just under the scores reached (precision 0.875, recall 0.937); raise them as they improve.
HEADING_PRECISION_FLOOR = 0.87
HEADING_RECALL_FLOOR = 0.93


def heading_counts():
    tp = predicted = expected = 0
    for path in corpus_files():
        gold = json.loads((GOLD / (path.stem + ".json")).read_text(encoding="utf-8"))
        found = Counter(normalise_title(s.title) for s in find_sections(read_document(path)))
        wanted = Counter(normalise_title(s["title"]) for s in gold["sections"])
        tp += sum((found & wanted).values())
        predicted += sum(found.values())
        expected += sum(wanted.values())
    return tp, predicted, expected


def test_heading_precision_and_recall_on_the_shared_gold():
    tp, predicted, expected = heading_counts()
    assert tp / predicted >= HEADING_PRECISION_FLOOR
    assert tp / expected >= HEADING_RECALL_FLOOR


def test_table_of_contents_is_not_taken_as_headings():
    document = read_document(CORPUS / "002_507d8463a72af1be.txt")
    sections = find_sections(document)
    toc_start = document.text.index("Sommaire")
    toc_end = document.text.index("Espace Ecocitoyen\t40")
    assert not [s for s in sections if toc_start <= s.start <= toc_end]
    assert "Direction des Ressources Financières" in [s.title for s in sections]


def test_contents_entries_match_body_headings_in_their_order():
    # The organisation chart before the chapters names "Direction Petite Enfance" too; it must
    # not take the entry from the chapter that comes later in the contents.
    document = read_document(CORPUS / "002_507d8463a72af1be.txt")
    sections = find_sections(document)
    chart = document.text.index("Direction Petite Enfance", document.text.index("Espace Ecocitoyen\t40"))
    petite_enfance = [s for s in sections if s.title == "Direction Petite Enfance"]
    assert len(petite_enfance) == 1 and petite_enfance[0].start > chart
    assert "Structures et nombre d'enfants accueillis" in petite_enfance[0].text
    starts = [s.start for s in sections]
    assert starts == sorted(starts)


def test_sections_form_a_tree_with_spans():
    document = read_document(CORPUS / "000_29a8765a0cd6bbb0.txt")
    sections = find_sections(document)
    for index, section in enumerate(sections):
        assert document.text[section.start:section.end] == section.text
        assert section.page_start <= section.page_end
        if section.parent is not None:
            assert section.parent < index and sections[section.parent].level < section.level
    assert any(s.parent is not None for s in sections)


def test_title_lines_nest_under_upper_case_headings():
    sections = find_sections(read_document(CORPUS / "001_26a4e9e77bffcde9.txt"))
    physique = next(s for s in sections if s.title == "Accueil physique")
    assert sections[physique.parent].title == "ACCUEIL CCAS"


def test_repeated_chapter_title_on_next_page_counts_once():
    sections = find_sections(read_document(CORPUS / "000_29a8765a0cd6bbb0.txt"))
    assert [s.title for s in sections].count("EPICERIES SOCIALES") == 1


def test_pdf_headings_from_font_size(real_pdfs):
    path = min(real_pdfs, key=lambda p: p.stat().st_size)
    document = read_document(path)
    sections = find_sections(document)
    assert sections
    body = Counter(line.font_size for line in document.lines if line.font_size).most_common(1)[0][0]
    assert all(s.level in (1, 2, 3) for s in sections)
    first_lines = [document.line_at(s.start) for s in sections]
    assert all((line.font_size or 0) >= body * 0.95 for line in first_lines)  # no footnote
    unnumbered = [line for line, s in zip(first_lines, sections, strict=True)
                  if parse_outline(s.title) is None]
    assert sum((line.font_size or 0) > body or line.bold for line in unnumbered) >= len(unnumbered) * 0.9
