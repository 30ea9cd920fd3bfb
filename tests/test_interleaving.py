"""Text converted across two columns: detected per page, its values less sure."""

from __future__ import annotations

from extract.interleaving import interleaved_pages
from extract.pipeline import run
from extract.reader import read_document

LEFT = ["Le service de portage a livré cette année", "plus de repas qu'auparavant, grâce à la",
        "mobilisation des agents et des bénévoles", "qui ont assuré les tournées chaque jour",
        "malgré les difficultés de recrutement que", "connaît le secteur depuis plusieurs années."]
RIGHT = ["La téléassistance équipe 310 abonnés", "Les demandes ont beaucoup augmenté en",
         "Le comité de pilotage se réunit chaque", "Les familles orientées par les partenaires",
         "Le budget consacré à ce dispositif reste", "Une enquête de satisfaction sera menée."]


def _write(tmp_path, lines: list[str]):
    path = tmp_path / "rapport.txt"
    path.write_text("RAPPORT D'ACTIVITÉ 2023 du CCAS\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_page_read_across_two_columns_is_flagged_and_its_values_less_sure(tmp_path):
    interleaved = [line for pair in zip(LEFT, RIGHT, strict=True) for line in pair]
    path = _write(tmp_path, interleaved)
    assert interleaved_pages(read_document(path)) == [1]
    extraction = run(path)
    assert any("two columns" in warning for warning in extraction.document.warnings)
    assert extraction.indicators and all(v.confidence <= 0.5 for v in extraction.indicators)


def test_the_same_columns_read_one_after_the_other_are_not_flagged(tmp_path):
    path = _write(tmp_path, LEFT + [""] + RIGHT)
    assert interleaved_pages(read_document(path)) == []
