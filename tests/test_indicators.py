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


def years_of(text: str, value: float, report_year: int = 2023, **options) -> list[int | None]:
    """The years given to every value `value` of `text`, linked or not."""
    doc = document(text)
    values = extract_indicators(doc, find_sections(doc), report_year=report_year, **options)
    return [v.year for v in values if v.value == value]


def test_article_years_are_told_by_the_paragraph():
    text = ("Lorsque la communauté s'est constituée en 2001, l'action sociale n'en faisait pas partie. "
            "A l'époque, le CCAS employait 17 agents.\n")
    assert years_of(text, 17, report_year=2009, narrative=True) == [2001]
    assert years_of(text, 17, report_year=2009) == [2009]


def test_label_before_a_colon_names_the_number():
    text = "Gouvernance\n\n- Nombre de Conseils d'Administration : 5\n- Nombre de délibérations : 104\n"
    assert linked(text) == [("gouvernance.conseils", 5, 2023), ("gouvernance.deliberations", 104, 2023)]


def test_named_indicators_need_their_name_next_to_the_number():
    # an amount in a finance chapter is no budget unless the text says so
    text = "POINT FINANCIER\n\nLe financement annuel pour une place s'élève à 12 072,33 €.\n"
    assert linked(text) == []
    assert linked("POINT FINANCIER\n\nLe budget du SAAD : 919 962€\n") == [("finances.budget", 919962, 2023)]


def test_one_persons_working_time_is_no_workforce():
    # the working time of one person or of one role line beside another is a part (gold-format.md,
    # convention 2); a team's one line of working time is its size
    text = "Ressources humaines\n\nL'équipe est composée d'un responsable (1 ETP) et de 4 agents (3.5 ETP).\n"
    assert [v for v in linked(text) if v[0] == "rh.etp"] == []
    text = "Ressources humaines\n\nL'équipe du service compte 6 agents, soit 4.5 ETP.\n"
    assert ("rh.etp", 4.5, 2023) in linked(text)


def test_an_earlier_heading_names_the_topic_of_headings_that_lost_their_level():
    text = ("LES DEPENSES EN SECOURS\n\nLes chiffres indiqués sont les sommes versées.\n\n"
            "LES TRANSPORTS\n\n¤ 10 128€ Taxis en 2022 / 9 744€ en 2023\n")
    assert linked(text) == [("aides_facultatives.montant", 10128, 2022),
                            ("aides_facultatives.montant", 9744, 2023)]


def test_an_earlier_heading_names_sections_of_a_lost_level_but_not_a_later_chapter():
    # levels lost: the topic heading two levels up the path still names the amounts below
    lost = ("LES DEPENSES EN SECOURS\n\nLes sommes versées par le CCAS.\n\nLES COLIS\n\n"
            "Texte.\n\nAIDES AUX JEUNES\n\nLes chiffres de 2022\n\n3 410€ Cantine\n")
    assert ("aides_facultatives.montant", 3410, 2022) in linked(lost)
    # numbered levels kept: "1.2.3" is a part of 1.2, it names nothing of "1.3" after it
    numbered = ("1.2 Loger\n\n1.2.1 Les personnes hébergées\n\nTexte du centre.\n\n"
                "1.3 Les fêtes de quartier\n\nLa fête a réuni 83 personnes.\n")
    assert not [v for v in linked(numbered) if v[0].startswith("hebergement.")]


def test_the_clause_names_the_service():
    text = "PETITE ENFANCE\n\nLes 3 LAEP de la ville ont accueilli 39 enfants et 37 parents.\n"
    assert ("laep.enfants", 39, 2023) in linked(text)


def test_a_row_naming_one_structure_does_not_count_structures():
    text = ("Accueils de loisirs\n\n\tMaternel\tElémentaire\n"
            "Accueil de loisirs de Badens\t15\t20\nALAE\t67\t\n")
    assert linked(text) == [("enfance_jeunesse.structures", 67, 2023)]


def test_a_heading_on_the_next_line_is_no_label():
    text = "REGROUPEMENTS FAMILIAUX\n\n2022 - 6\n2023 - 19\n\nSECOURS\n\nTexte.\n"
    assert linked(text) == []


def test_small_counts_of_two_sections_are_two_facts_large_repeated_values_one():
    # (a team's size, not a role line: gold-format.md convention 1)
    text = ("SSIAD\n\nL'équipe compte 5 agents.\n\n"
            "RESSOURCES HUMAINES\n\nLe service compte 5 agents d'accueil.\n\n"
            "BILAN\n\nLe CCAS a reçu 39 975 appels. Rappel : 39 975 appels gérés.\n")
    values = linked(text)
    assert values.count(("rh.agents", 5, 2023)) == 2
    assert values.count(("accueil.appels", 39975, 2023)) == 1


def test_the_longer_alias_wins_and_dont_opens_a_new_clause():
    text = ("Le fonctionnement s'élève en 2009 à un million d'euros, dont près de la moitié provient "
            "de la communauté de communes (405.000 euros), 60.000 euros des contributions des familles.\n")
    assert linked(text, report_year=2009) == [("finances.subvention", 405000, 2009),
                                              ("finances.recettes", 60000, 2009)]


def test_commas_inside_parentheses_do_not_break_the_clause():
    text = "Les 3 LAEP (Trèbes, Moussoulens et Villemoustaussou) ont accueilli 39 enfants.\n"
    assert ("laep.enfants", 39, 2023) in linked(text)


def test_a_clause_after_a_bulleted_list_has_the_list_intro_as_subject():
    text = ("Petite enfance\n\nLes 5 Relais d'Assistants Maternelles :\n\n- » RAM Carcassonne\n"
            "- » RAM Malepère\n\nont accueilli 499 enfants et 191 parents.\n")
    assert ("rpe.enfants", 499, 2023) in linked(text)


def test_finance_captions_name_budget_parts_not_detail_lines():
    budgets = ("Budgets 2019\n\nCRÉDITS VOTÉS\n\nBudget annexe M22 - SSIAD\t2019\n"
               "Investissement\t56 431 €\nFonctionnement\t3 034 630 €\n")
    assert linked(budgets, report_year=2019) == [
        ("finances.budget", 56431, 2019), ("finances.budget", 3034630, 2019)]
    details = ("Dépenses d'équipement\n\n205\tlogiciel\t44 119,20 €\n2184\tMobilier\t131 659,66 €\n"
               "Total chapitre 21 Immobilisations corporelles\t\t468 457,18 €\n")
    assert linked(details, report_year=2019) == []


def test_a_column_header_naming_the_measure_makes_the_row_a_scope():
    text = ("Activités\tDépenses\tRecettes\n"
            "Ressources internes - Services mutualisés\t4 127 812,52 €\t504 973,21 €\n")
    assert linked(text, report_year=2019) == [
        ("finances.depenses", 4127812.52, 2019), ("finances.recettes", 504973.21, 2019)]


def test_chart_of_accounts_qualified_chapters_and_planned_credits_are_not_totals():
    text = ("Chapitre et Recettes\tCA 2019\tTaux répartition\tCrédits 2019\n"
            "74. Subvention Agglo\t13 168 139 €\t37,85%\t13 168 139 €\n"
            "75. Autres produits\t3 597 €\t0,01%\t2 160 €\n"
            "77. Produits exceptionnels\t349 321 €\t1,00%\t522 150 €\n"
            "012. Charges de personnel\t29 377 341 €\t84,51%\t29 813 398 €\n")
    assert linked(text, report_year=2019) == [
        ("finances.subvention", 13168139, 2019), ("finances.charges_personnel", 29377341, 2019)]


def test_staff_counted_at_a_training_are_not_the_workforce():
    text = ("Ressources humaines\n\nLe service est composé de 12 agents.\n"
            "43 agents ont suivi la formation de Sauveteur Secouriste du Travail.\n"
            "2 nouveaux agents titulaires ont intégré le CIAS par voie de mutation.\n")
    assert linked(text) == [("rh.agents", 12, 2023)]


def test_an_alias_in_parentheses_is_a_detail_of_the_clause():
    text = ("Le Service Portage-Instruction-Facturation\n\nSon équipe est composée de 4 agents chargés "
            "de toute la facturation de la Direction (Aide à domicile, portage, soins infirmiers...).\n")
    assert linked(text) == [("rh.agents", 4, 2023)]


CONTENTS = ("Sommaire\n\nÉdito\t2\nLe Service Portage-Instruction-Facturation\t3\nLe SSIAD\t4\n"
            "Petite enfance\t5\nCohésion sociale\t6\n\n")


def test_a_minor_heading_under_a_contents_chapter_names_the_service():
    chapter = ("Le Service Portage-Instruction-Facturation\n\n"
               "Portage de repas\n\n» 754 bénéficiaires livrés.\n\n"
               "Transport accompagné\n\n» 306 bénéficiaires ont eu recours à cette prestation.\n\n"
               "Chiffres clés\n\n» 1 748 bénéficiaires.\n\n"
               "Le SSIAD\n\nLe service intervient sur rendez-vous.\n")  # the body follows its contents
    values = linked(CONTENTS + chapter)
    assert ("transport.beneficiaires", 306, 2023) in values
    assert ("portage_repas.beneficiaires", 754, 2023) in values
    # a heading naming no service leaves the chapter's
    assert ("portage_repas.beneficiaires", 1748, 2023) in values


def test_training_hours_are_not_service_hours():
    text = ("Le Service d'Aide à Domicile\n\nLe service a réalisé 251 941 heures d'intervention.\n"
            "Le service a organisé en interne 2200 heures de formation.\n")
    assert linked(text) == [("saad.heures", 251941, 2023)]


def test_a_caption_or_row_naming_one_structure_makes_cells_counts_of_something_else():
    text = ("Accueils de loisirs\n\n\tMaternel\tÉlémentaire\n"
            "Conques (6-11 ans) à partir de juillet 2019\t-\t110\n"
            "AL Minervo sur la commune de Peyriac : (3-11 ans)\t32\t60\n")
    assert linked(text, report_year=2019) == []


def test_a_part_after_dont_and_a_repeated_noun_continue_the_previous_value():
    infographic = ("ACCUEIL\n\n39 975\n\n*Le nombre d'appels gérés\nau CIAS en 2023\n"
                   "dont 5 124 en interne.*\n\n14\n\n*Le nombre de dossiers\nd'aide sociale légale\n"
                   "traités dont 4 dossiers\ntraités par le CCAS\nd'Esternay et 2 dossiers\n"
                   "traités par le CCAS de Broyes*\n")
    assert linked(infographic) == [
        ("accueil.appels", 39975, 2023), ("accueil.appels", 5124, 2023),
        ("aide_sociale_legale.dossiers", 14, 2023), ("aide_sociale_legale.dossiers", 4, 2023),
        ("aide_sociale_legale.dossiers", 2, 2023)]


def test_amounts_of_a_list_need_their_own_finance_alias():
    text = ("Celui-ci s'élève en 2009 à un million d'euros, dont près de la moitié provient de la "
            "communauté de communes (405.000 euros), 60.000 euros du département de Mayenne.\n")
    values = linked(text, report_year=2009)
    assert ("finances.subvention", 405000, 2009) in values
    assert not [v for v in values if v[1] == 60000]


def test_under_a_minor_heading_a_generic_alias_of_another_service_loses():
    chapter = ("Le SSIAD\n\nChiffres clés\n\nESA\n\n"
               "- » Bénéficiaires : 122 personnes accompagnées pour 1 461 séances réalisées.\n\n"
               "Petite enfance\n\nStructures et nombre d'enfants accueillis\n\nFabre Églantine\t24\n")
    values = linked(CONTENTS + chapter)
    assert ("esa.patients", 122, 2023) in values
    # "accueillis" names no "accueil" service: the crèche's table keeps its indicator
    assert ("creche.enfants", 24, 2023) in values


def test_a_clause_wrapped_over_lines_names_its_service():
    text = ("ACCUEIL\n\n5 478\n\npersonnes accueillies\n\n24\n\n*Le nombre de dossiers de\ndomiciliation\n"
            "traités soit 40 personnes*\n")
    assert ("domiciliation.personnes", 40, 2023) in linked(text)


def test_typed_table_cells_with_years_down_the_rows():
    """A markdown table (Document.tables): the column header names the measure, the stub the year."""
    text = ("PORTAGE DE REPAS\n\n| Année | Repas livrés |\n|---|---|\n| 2022 | 18 200 |\n"
            "| 2023 | 19 500 |\n")
    assert linked(text, report_year=2024) == [("portage_repas.repas", 18200, 2022),
                                             ("portage_repas.repas", 19500, 2023)]


def test_a_team_listed_by_role_is_counted_by_none_of_its_lines():
    # gold-format.md, convention 1: role lines of a team are parts; a team in one line is its size
    listed = ("Épicerie solidaire\n\nÉQUIPE\n\n7 animateurs\n\n2 agents administratifs mobilisés.\n\n"
              "ACTIVITÉ 2023\n\nL'épicerie a reçu 310 familles.\n")
    assert not [v for v in linked(listed) if v[0] == "rh.agents"]
    inline = "Épicerie solidaire\n\nÉQUIPE\n\n3 agents d'accueil et 4 travailleurs sociaux.\n"
    assert not [v for v in linked(inline) if v[0] == "rh.agents"]
    roles = "Épicerie solidaire\n\nÉQUIPE\n\n- 1 coordinatrice\n- 6 agents polyvalents (5.2 ETP)\n"
    assert not [v for v in linked(roles) if v[0] == "rh.agents"]
    alone = "Permanences sociales\n\nÉQUIPE\n\n11 travailleurs sociaux mobilisés le mardi.\n"
    assert linked(alone) == [("rh.agents", 11, 2023)]
    # two teams in two paragraphs, or a staff number beside a count of trainees, stay sizes
    apart = ("Ressources humaines\n\nLa direction compte 23 agents répartis dans les services de "
             "l'accueil, de l'instruction et de la comptabilité de l'établissement.\n\n"
             "Le pôle social a recruté 2 agents en 2023 par voie de mutation.\n")
    assert ("rh.agents", 23, 2023) in linked(apart)


def test_where_an_alias_is_found_is_a_feature_not_a_weight():
    from extract.indicators import collect_numbers

    text = ("Aide alimentaire\n\nLe service est composé de 5 agents chargés des colis (portage, "
            "aides à domicile).\n\nNombre de repas livrés\n\nSecteur nord\t1 200\n")
    doc = document(text)
    numbers = collect_numbers(doc, find_sections(doc), report_year=2023).numbers
    features = {(n.evidence.quantity.value, c.indicator): set(c.features) for n in numbers
                for c in n.candidates}
    assert "alias_aside" in features[5, "saad.intervenants"]
    assert "alias_any" not in features[5, "saad.intervenants"]
    assert {"alias_any", "alias_caption"} <= features[1200, "portage_repas.repas"]


def test_a_pdf_minor_heading_in_body_type_names_the_service_as_in_the_text(tmp_path):
    # "Équipe" set in body type in a PDF is a minor heading for the linker, as blank lines make
    # it one in the text: the team line links alike from both
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from render_pdf import render_text

    from extract.pipeline import run

    text = ("Sommaire\n\nL'accueil\t2\nLe logement\t3\nLes aînés\t4\nLes finances\t5\nLe personnel\t6\n\n"
            "L'accueil\n\nL'accueil reçoit le public du lundi au vendredi.\n\n"
            "Équipe\n\n9 travailleurs sociaux mobilisés sur les permanences.\n\n"
            "Activité 2023\n\nLe service a reçu 1 250 personnes accueillies.\n")
    source = tmp_path / "report.txt"
    source.write_text(text, encoding="utf-8")
    pdf = render_text(text, tmp_path / "report.pdf", headings={"Sommaire": 1, "L'accueil": 1})
    key = [(v.indicator, v.value) for v in run(source).indicators if v.indicator]
    assert ("rh.agents", 9) in key
    assert [(v.indicator, v.value) for v in run(pdf).indicators if v.indicator] == key


def test_a_number_in_parentheses_reads_no_words_after_them():
    # the words after the closing parenthesis are the sentence's, not the number's label
    text = ("Présentation\n\nLe syndicat intercommunal (14 communes, 12.300 habitants) a confié "
            "l'aide à domicile et l'action sociale au CIAS en 2021.\n")
    assert ("territoire.habitants", 12300, 2023) in linked(text)


def test_a_line_going_on_from_a_year_line_takes_its_year():
    text = ("MISES À L'ABRI\n\nACTIVITÉ 2023\n\n2023 : 4 familles hébergées en urgence\nsoit 61 nuitées\n\n"
            "2022 : 6 familles hébergées en urgence\nsoit 95 nuitées\n")
    nights = [v for v in linked(text) if v[0] == "hebergement.nuitees"]
    assert nights == [("hebergement.nuitees", 61, 2023), ("hebergement.nuitees", 95, 2022)]


def test_a_teams_half_time_is_its_working_time():
    # gold-format.md, convention 2: the working time of a team of any size
    text = "ACCOMPAGNEMENT VERS LE LOGEMENT\n\nÉQUIPE\n\n0,5 ETP coordinatrice du dispositif\n"
    assert ("rh.etp", 0.5, 2023) in linked(text)



def test_a_worded_table_row_goes_on_from_no_row_above():
    from extract.catalogue import default_catalogue
    from extract.linking.lists import continues_previous
    from extract.quantities import find_quantities

    text = ("SOINS INFIRMIERS À DOMICILE\n\n"
            "Année\t2021\t2022\t2023\n"
            "Taux d'occupation\t91%\t88,5%\t86%\n"
            "ETP coordination / soins\t12,4\t12,9\t13,2\n")
    plain = document(text).plain
    numbers = {q.raw: q for q in find_quantities(plain, default_catalogue()) if q.role == "value"}
    # the first cell of a worded row is no further occupancy rate
    assert not continues_previous(plain, numbers["86"], numbers["12,4"])
    assert ("rh.etp", 12.4, 2021) in linked(text)
