"""Typed tables from text layouts written for these tests (tabs, markdown, aligned spaces)."""

from __future__ import annotations

import pytest

from extract.reader import read_document


def _doc(tmp_path, text: str, name: str = "report.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_document(path)


def test_years_as_columns_in_a_tab_table(tmp_path):
    text = ("BILAN\n\nÉvolution de l'activité\n"
            "Indicateur\t2021\t2022\t2023\n"
            "Repas livrés\t10 250\t11 004\t12 310\n"
            "Bénéficiaires\t88\t91\t97\n")
    document = _doc(tmp_path, text)
    [table] = document.tables
    assert (table.n_rows, table.n_cols, table.header_rows, table.stub_columns) == (3, 4, 1, 1)
    assert table.year_axis == "columns"
    offset = text.index("11 004")
    cell = table.cell_at(offset)
    assert cell.text == "11 004" and document.text[cell.start:cell.end] == "11 004"
    assert table.year_of(cell) == 2022
    assert table.measure_of(cell) == "Repas livrés"


def test_years_as_rows_and_measures_in_the_header(tmp_path):
    text = ("Année\tHeures d'aide\tPersonnes aidées\tTotal\n"
            "2022\t5 120\t140\t5 260\n"
            "2023\t5 480\t151\t5 631\n")
    document = _doc(tmp_path, text)
    [table] = document.tables
    assert table.year_axis == "rows"
    cell = table.cell_at(text.index("151"))
    assert table.year_of(cell) == 2023
    assert table.measure_of(cell) == "Personnes aidées"
    assert table.is_total_column(3) and not table.is_total_column(1)


def test_markdown_table_with_a_rule_under_its_header(tmp_path):
    text = ("| Site | Visites | Appels |\n"
            "|------|--------:|-------:|\n"
            "| Nord | 1 204 | 350 |\n"
            "| Sud | 980 | 212 |\n"
            "| Total | 2 184 | 562 |\n")
    document = _doc(tmp_path, text, "report.md")
    [table] = document.tables
    assert table.source == "markdown"
    assert (table.n_rows, table.header_rows, table.stub_columns) == (4, 1, 1)
    cell = table.cell_at(text.index("980"))
    assert table.column_header(cell.col) == "Visites" and table.row_label(cell.row) == "Sud"
    assert table.is_total_row(3)
    assert table.year_axis is None


def test_space_aligned_rows_make_a_table_but_prose_does_not(tmp_path):
    text = ("Le service a été très actif.  Il a aidé 40 familles.\n\n"
            "Dispositif          2022      2023\n"
            "Secours d'urgence    312       298\n"
            "Prêts                 14        19\n")
    document = _doc(tmp_path, text)
    [table] = document.tables
    assert table.source == "aligned" and table.year_axis == "columns"
    cell = table.cell_at(text.index("19\n"))
    assert (table.row_label(cell.row), table.year_of(cell)) == ("Prêts", 2023)


@pytest.mark.parametrize("season, year", [("2022/2023", 2023), ("2022-23", 2023), ("2021", 2021)])
def test_a_season_heading_is_its_end_year(tmp_path, season, year):
    text = f"Activité\t{season}\nEnfants accueillis\t45\n"
    [table] = _doc(tmp_path, text).tables
    assert table.year_of(table.cell(1, 1)) == year


@pytest.mark.parametrize("gap", ["\t", "      ", " \u00a0\u00a0", "\t  "])
def test_a_row_of_figures_over_a_row_of_labels_pairs_them_in_order(tmp_path, gap):
    text = (f"CHIFFRES CLÉS\n\n39 975{gap}5 124{gap}14 %\n\n"
            f"appels gérés{gap}visites à domicile{gap}de taux de pauvreté\n")
    document = _doc(tmp_path, text)
    [table] = document.tables
    assert table.label_rows == 1 and table.source in ("labels", "tabs")
    measures = [table.measure_of(table.cell_at(text.index(figure))) for figure in
                ("39 975", "5 124", "14 %")]
    assert measures == ["appels gérés", "visites à domicile", "de taux de pauvreté"]


def test_a_sentence_under_figures_is_no_label_row(tmp_path):
    text = "39 975      5 124\nLe service a répondu à tous les appels de l'année.\n"
    assert _doc(tmp_path, text).tables == []


def test_an_aligned_cell_keeps_its_no_break_thousands_space(tmp_path):
    text = ("Prestation        2022        2023\n"
            "Repas livrés      10\u00a0250      11\u00a0004\n"
            "Heures d'aide     5\u00a0120       5\u00a0480\n")
    [table] = _doc(tmp_path, text).tables
    assert (table.n_rows, table.n_cols) == (3, 3)
    cell = table.cell_at(text.index("11\u00a0004"))
    assert cell.text == "11\u00a0004" and table.year_of(cell) == 2023


def test_a_total_row_with_an_empty_label_cell_stays_in_its_table(tmp_path):
    text = ("Budget de fonctionnement\n"
            "Chapitre\tRéalisé\tVoté\n"
            "60. Achats\t12 400 €\t13 000 €\n"
            "64. Personnel\t201 350 €\t204 000 €\n"
            "\t213 750 €\t217 000 €\n"
            "\t\t\t\n"
            "Le budget a été exécuté à 98 %.\n")
    document = _doc(tmp_path, text)
    [table] = document.tables
    assert table.n_rows == 4
    cell = table.cell_at(text.index("217 000"))
    assert (cell.row, cell.col) == (3, 2) and table.column_header(cell.col) == "Voté"


def test_a_number_in_a_row_label_is_read_from_the_typed_table(tmp_path):
    from extract.catalogue import default_catalogue
    from extract.linking.context import typed_table_context
    from extract.quantities import find_quantities

    text = ("Libellé\tMontant\n"
            "2183 Matériel de bureau\t1 480,00 €\n"
            "Report N-1\t3 200,00 €\n")
    document = _doc(tmp_path, text)
    quantities = {q.raw: q for q in find_quantities(document.plain, default_catalogue())}
    account, _, _ = typed_table_context(document, document.plain, quantities["2183"])
    assert account.account and account.row == "Matériel de bureau"
    assert account.header == "Libellé" and account.header_year is None
    amount, start, end = typed_table_context(document, document.plain, quantities["1 480,00"])
    assert amount.row == "Matériel de bureau" and document.text[start:end] == "1 480,00 €"


def test_the_rows_of_a_table_are_its_cells_by_row_in_order(tmp_path):
    text = ("Accueil\t2022\t2023\n"
            "Premiers accueils\t412\t438\n"
            "\t\t37 944 274 €\n"  # a total with an empty label cell: rows of unequal length
            "Rendez-vous\t1 020\t1 133\n")
    [table] = _doc(tmp_path, text).tables
    for row in range(-1, table.n_rows + 1):
        cells = table.row(row)
        assert cells == [cell for cell in table.cells if cell.row == row]  # as a scan finds them
        cells.append(cells[0] if cells else None)  # a caller's list: the table keeps its own
        assert table.row(row) == [cell for cell in table.cells if cell.row == row]
    assert table.row_label(3) == "Rendez-vous" and table.column_header(2) == "2023"
