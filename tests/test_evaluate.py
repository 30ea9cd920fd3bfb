import json

import pytest
from click.testing import CliRunner
from conftest import CORPUS, GOLD

from extract.cli import cli
from extract.errors import GoldError
from extract.evaluate import evaluate, match_items, score_document
from extract.gold import GoldFile, GoldItem, load_gold
from extract.indicators import IndicatorValue

# Floor just under the current micro F1 on the shared gold. Raise it as the score improves;
# never lower it to make a change pass.
# With the fifth document (003, numbered headings, year tables) and the gold conventions of
# gold-format.md applied to every file, the scores fell from 0.881 to 0.716; floors sit just
# under the scores reached since (raise them, never lower them).
F1_FLOOR = 0.82  # reached in sample with the fitted weights: 0.835 (left out: 0.821)
DOCUMENT_F1_FLOOR = 0.74  # weakest document (003): 0.751
NUMBER_RECALL_FLOOR = 0.95


def gold_item(value, year=2023, start=0, evidence="xx", indicator="accueil.appels"):
    return GoldItem(indicator=indicator, value=value, unit="appels", year=year,
                    evidence=evidence, start=start)


def predicted(value, year=2023, start=0, end=2, indicator="accueil.appels"):
    return IndicatorValue(indicator=indicator, value=value, unit="appels", year=year,
                          evidence="x", start=start, end=end, page=1)


def gold_file(items):
    return GoldFile(document="d.txt", metadata={"kind": "CCAS"}, indicators=items)


def test_value_within_half_a_percent_matches():
    assert match_items([gold_item(1000)], [predicted(1004)]) == [(0, 0)]
    assert match_items([gold_item(1000)], [predicted(1006)]) == []


def test_matching_is_one_to_one():
    score = score_document(gold_file([gold_item(5)]), [predicted(5), predicted(5, start=50,
                                                                               end=52)], [], {})
    assert (score.counts.tp, score.counts.fp, score.counts.fn) == (1, 1, 0)


def test_year_mismatch_is_a_wrong_year_near_miss():
    score = score_document(gold_file([gold_item(5, year=2022)]), [predicted(5, year=2023)], [], {})
    assert score.counts.tp == 0
    assert {o.outcome for o in score.outcomes} == {"wrong_year", "spurious"}


def test_null_year_only_matches_null():
    assert match_items([gold_item(5, year=None)], [predicted(5, year=None)]) == [(0, 0)]
    assert match_items([gold_item(5, year=None)], [predicted(5, year=2023)]) == []


def test_prediction_overlapping_the_evidence_is_preferred():
    gold = [gold_item(5, start=100, evidence="5 appels"), gold_item(5, start=0, evidence="5")]
    preds = [predicted(5, start=0, end=1), predicted(5, start=100, end=101)]
    assert sorted(match_items(gold, preds)) == [(0, 1), (1, 0)]


def test_wrong_id_near_miss():
    score = score_document(gold_file([gold_item(5)]), [predicted(5, indicator="rh.agents")], [],
                           {})
    assert "wrong_id" in {o.outcome for o in score.outcomes}


def test_evaluate_on_the_shared_gold_guards_the_floor():
    report = evaluate(GOLD, CORPUS)
    assert len(report.documents) == len(list(GOLD.glob("*.json")))
    assert report.total.f1 >= F1_FLOOR
    assert report.number_recall >= NUMBER_RECALL_FLOOR
    weakest = min(report.documents, key=lambda document: document.counts.f1)
    assert weakest.counts.f1 >= DOCUMENT_F1_FLOOR, weakest.document


def test_evaluate_cli_json_and_min_f1(tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["evaluate", "--gold", str(GOLD), "--corpus", str(CORPUS),
                                 "--json", "--db", str(tmp_path / "e.db")])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"micro", "documents", "indicators", "domains", "errors", "sections"}
    import sqlite_utils
    db = sqlite_utils.Database(tmp_path / "e.db")
    assert db["eval_runs"].count == 1
    outcomes = {row["outcome"] for row in db["eval_items"].rows}
    assert "correct" in outcomes and "missed" in outcomes
    failing = runner.invoke(cli, ["evaluate", "--gold", str(GOLD), "--corpus", str(CORPUS),
                                  "--min-f1", "0.99"])
    assert failing.exit_code == 1
    assert "below --min-f1" in failing.output


def test_gold_that_does_not_validate_lists_every_problem(tmp_path):
    data = json.loads((GOLD / "004_f10ab5db119ef443.json").read_text(encoding="utf-8"))
    data["indicators"][0]["indicator"] = "accueil.inconnu"
    data["indicators"][1]["start"] += 3
    data["indicators"][2]["unit"] = "litres"
    (tmp_path / "gold").mkdir()
    path = tmp_path / "gold" / "004.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(GoldError) as raised:
        load_gold(path, corpus_dir=CORPUS)
    problems = raised.value.problems
    assert any("unknown indicator id" in p for p in problems)
    assert any("not at start" in p for p in problems)
    assert any("not allowed" in p for p in problems)
    result = CliRunner().invoke(cli, ["gold", "check", str(path), "--corpus", str(CORPUS)])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_gold_draft_then_check(tmp_path):
    target = tmp_path / "draft.json"
    runner = CliRunner()
    result = runner.invoke(cli, ["gold", "draft", str(CORPUS / "000_29a8765a0cd6bbb0.txt"),
                                 "-o", str(target)])
    assert result.exit_code == 0, result.output
    draft = json.loads(target.read_text(encoding="utf-8"))
    assert draft["indicators"] and draft["sections"]
    checked = runner.invoke(cli, ["gold", "check", str(target), "--corpus", str(CORPUS)])
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize("gold_path", sorted(GOLD.glob("*.json")), ids=lambda p: p.stem[:3])
def test_report_year_and_type_agree_with_the_gold(gold_path):
    # an article's year is the one its body's figures are for, not its publication date
    from extract.metadata import guess_metadata
    from extract.reader import read_document

    gold = json.loads(gold_path.read_text(encoding="utf-8"))["metadata"]
    found = guess_metadata(read_document(CORPUS / gold_path.with_suffix(".txt").name))
    assert (found.report_year, found.doc_type) == (gold["report_year"], gold["doc_type"])
