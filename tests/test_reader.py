import json

import pytest
from conftest import CORPUS, GOLD, corpus_files

from extract.errors import (
    CorruptPDF,
    EmptyFile,
    EncryptedPDF,
    ScannedPDF,
    UndecodableText,
    UnsupportedFile,
)
from extract.reader import read_document


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_text_reader_keeps_gold_offsets(path):
    """Every gold evidence is found at its `start` in the document text: offsets are stable."""
    document = read_document(path)
    gold = json.loads((GOLD / (path.stem + ".json")).read_text(encoding="utf-8"))
    for item in gold["indicators"]:
        assert document.text[item["start"]:item["start"] + len(item["evidence"])] == item["evidence"]
    assert len(document.plain) == len(document.text)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_lines_and_pages_cover_the_text(path):
    document = read_document(path)
    for page in document.pages:
        for line in page.lines:
            assert document.text[line.start:line.end] == line.text
            assert line.page == page.number
    assert document.pages[0].start == 0 and document.pages[-1].end == len(document.text)


def test_page_breaks_of_converted_text_split_pages():
    document = read_document(CORPUS / "000_29a8765a0cd6bbb0.txt")
    assert len(document.pages) > 10
    assert document.page_at(document.text.index("ACTION SOCIALE")) == 2


def test_markup_is_blanked_not_removed():
    document = read_document(CORPUS / "002_507d8463a72af1be.txt")
    start = document.text.index("**63 037**")
    assert document.plain[start:start + 10] == "  63 037  "


@pytest.mark.parametrize("text, plain", [
    ("**Les aides** en *2023*", "  Les aides   en  2023 "),
    ("  • Accueil des familles", "    Accueil des familles"),
    ("– 29 % de la population", "  29 % de la population"),
    ("le 1 ^{er} trimestre", "le 1   er  trimestre"),
    ("Bilan – 29 % - 3 ^ 2", "Bilan – 29 % - 3 ^ 2"),  # dashes inside a line, a caret alone
    ("Rapport d'activité 2023", "Rapport d'activité 2023"),
])
def test_each_markup_is_blanked_and_a_line_without_it_is_unchanged(text, plain):
    from extract.document import blank_markup

    assert blank_markup(text) == plain
    assert blank_markup(text + "\n" + text) == plain + "\n" + plain


def test_pdf_readers_agree_on_real_pdf(real_pdfs):
    path = min(real_pdfs, key=lambda p: p.stat().st_size)
    fast = read_document(path, pdf_reader="pdfium")
    plumber = read_document(path, pdf_reader="pdfplumber")
    assert len(fast.pages) == len(plumber.pages)
    assert fast.format == "pdf"
    sized = [line for line in fast.lines if line.font_size]
    assert sized and all(line.bbox for line in sized)
    fast_words = set(fast.text.split())
    plumber_words = set(plumber.text.split())
    assert len(fast_words & plumber_words) > 0.8 * len(plumber_words)


def test_pdf_with_image_pages_warns(real_pdfs):
    dechets = [p for p in real_pdfs if "dechets" in p.name]
    if not dechets:
        pytest.skip("shared PDFs absent")
    document = read_document(dechets[0])
    assert any("without a text layer" in warning for warning in document.warnings)


@pytest.mark.parametrize("kind,error,words", [
    ("encrypted", EncryptedPDF, "encrypted"),
    ("scanned", ScannedPDF, "scanned"),
    ("corrupt", CorruptPDF, "corrupt"),
    ("empty", EmptyFile, "empty"),
    ("binary", UndecodableText, "not UTF-8"),
    ("unsupported", UnsupportedFile, "unsupported file type"),
])
def test_bad_input_gets_one_line_error_naming_the_file(bad_files, kind, error, words):
    with pytest.raises(error) as raised:
        read_document(bad_files[kind])
    message = str(raised.value)
    assert "\n" not in message
    assert str(bad_files[kind]) in message and words in message


def test_cp1252_text_is_decoded_with_a_warning(bad_files):
    document = read_document(bad_files["cp1252"])
    assert "été" in document.text
    assert "decoded as cp1252" in document.warnings[0]


def test_pdfplumber_reads_a_ruled_table_as_tab_separated_rows(tmp_path):
    from conftest import build_report_pdf

    from extract.indicators import extract_indicators
    from extract.sections import find_sections

    document = read_document(build_report_pdf(tmp_path / "report.pdf"), pdf_reader="pdfplumber")
    rows = [line.text for line in document.lines if "\t" in line.text]
    assert rows == ["Budget\tDépenses\tRecettes", "CIAS\t2 147 726 €\t2 843 456 €"]
    values = extract_indicators(document, find_sections(document), report_year=2023)
    linked = {(v.indicator, v.value) for v in values if v.indicator}
    assert {("finances.depenses", 2147726), ("finances.recettes", 2843456)} <= linked


def test_pdfplumber_tables_of_a_real_pdf(real_pdfs):
    council = [p for p in real_pdfs if "conseil_municipal" in p.name]
    if not council:
        pytest.skip("shared PDFs absent")
    document = read_document(council[0], pdf_reader="pdfplumber")
    assert "LISTE 2\t14\t3\t1\t4" in [line.text for line in document.lines]
    assert "LISTE 2\t14" not in read_document(council[0]).text  # the text layer has no cells


@pytest.mark.parametrize("reader", ["pdfium", "pdfplumber"])
def test_real_pdf_paragraph_wrapped_over_lines_is_one_line(real_pdfs, reader):
    """A paragraph the PDF wraps over several lines reads as one line, as in a converted text;
    the bullet items after it stay lines of their own."""
    council = [p for p in real_pdfs if "conseil_municipal" in p.name]
    if not council:
        pytest.skip("shared PDFs absent")
    document = read_document(council[0], pdf_reader=reader)
    texts = [line.text for line in document.pages[0].lines]
    opening = next(t for t in texts if t.startswith("L’an deux mille vingt"))
    assert opening.endswith("maire.")
    line = next(each for each in document.pages[0].lines if each.text == opening)
    assert line.bbox[3] - line.bbox[1] > 2 * line.font_size  # the union of its wrapped lines
    pouvoirs = texts.index("Pouvoirs :")
    assert texts[pouvoirs + 1].startswith("- Monsieur") and texts[pouvoirs + 2].startswith("- ")


def _piece_fields(piece) -> tuple:
    measured = piece.measure() if piece.measure else None
    return (piece.text, piece.x0, piece.top, piece.x1, piece.bottom, piece.size, piece.bold,
            piece.first_word, measured)


def test_pdfium_bare_calls_read_what_pypdfium2_bindings_read(real_pdfs, tmp_path):
    """The pdfium reader calls pdfium's text functions without pypdfium2's argument conversion
    (for speed): on real PDFs and on a rendered two-column report with tables, its page text is
    pypdfium2's, every piece of every page (text, box, font size, weight, first-word width)
    equals what the typed bindings give, and some lines are cut at a gap (the run measurement
    is exercised)."""
    import pypdfium2 as pdfium
    from render_pdf import render_synthetic_report

    from extract.pdfium_page import PdfiumPage

    paths = [*real_pdfs, render_synthetic_report(tmp_path / "two.pdf", columns=2, ruled=False)]
    cut_lines = 0
    for path in paths:
        pdf = pdfium.PdfDocument(str(path))
        for number, page in enumerate(pdf, start=1):
            textpage, height = page.get_textpage(), page.get_size()[1]
            bare_page = PdfiumPage(textpage.raw, height)
            assert bare_page.text == textpage.get_text_range()
            bare = bare_page.pieces()
            typed = PdfiumPage(textpage.raw, height, typed=True).pieces()
            assert [_piece_fields(p) for p in bare] == [_piece_fields(p) for p in typed], \
                f"{path.name} page {number}"
            lines = [line for line in textpage.get_text_range().split("\n") if line.strip()]
            cut_lines += len(bare) > len(lines)
        pdf.close()
    assert cut_lines > 0


def test_list_dash_before_a_figure_is_a_list_mark_not_a_sign(tmp_path):
    """"- 21 % des habitants" opens a list item (converted text and PDF alike, with or without
    bold markup): the dash is blanked in `plain`, so the figure is a value, not a change of
    -21 %; a minus glued to its number and a dash before words are left as they are."""
    from extract.quantities import find_quantities

    path = tmp_path / "liste.txt"
    path.write_text("Le territoire en chiffres\n\n- 21 % des habitants vivent sous le seuil\n"
                    "- **14 %** des foyers sont locataires\n- Les familles : -3 % en un an\n",
                    encoding="utf-8")
    document = read_document(path)
    assert len(document.plain) == len(document.text)
    roles = {q.value: q.role for q in find_quantities(document.plain)}
    assert roles == {21.0: "value", 14.0: "value", 3.0: "change"}
    assert "\n- Les familles" in document.plain


def test_lines_split_in_one_batch_are_the_lines_made_one_by_one():
    from extract.document import Line
    from extract.reader import split_lines

    text = "Rapport d'activité 2023\n\n  • Accueil\t12\n\nÉdito du Maire\n"
    one_by_one, position = [], 5
    for raw in text.split("\n"):
        one_by_one.append(Line(text=raw, start=position, end=position + len(raw), page=2))
        position += len(raw) + 1
    lines = split_lines("#" * 5 + text, 5, 5 + len(text), 2)
    assert lines == one_by_one
    assert [line.model_fields_set for line in lines] == [line.model_fields_set for line in one_by_one]
