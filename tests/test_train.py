"""Fitting the linker's weights on the shared gold, cross-validation and explanations, for real:
scikit-learn/scipy fit, the weights file written and read back, the CLI run as a user runs it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extract.linking.features import FEATURES
from extract.linking.weights import Weights, load_weights

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def prepared():
    from extract.linking.train import prepare

    return prepare(ROOT / "gold", ROOT / "corpus")


def test_gold_labels_find_most_gold_items_among_the_numbers(prepared):
    linked = sum(1 for doc in prepared for link in doc.links if link)
    gold = sum(len(doc.gold.indicators) for doc in prepared)
    assert linked >= 0.95 * gold


def test_fit_writes_weights_that_extraction_reads_and_reproduce_the_in_sample_score(prepared, tmp_path):
    from extract.linking.train import fit, in_sample

    weights = fit(prepared)
    assert set(weights.features) == set(FEATURES)
    assert 0 < weights.threshold < 1
    path = tmp_path / "weights.json"
    weights.save(path)
    again = load_weights(path)
    assert again.features == pytest.approx(weights.features, abs=1e-5)
    inside = in_sample(prepared, again)
    assert inside.total.f1 > 0.7
    # a feature that the gold supports gets a positive weight, an opposed one a negative weight
    assert again.features["alias_any"] > 0 and again.features["unit_only"] < 0


def test_the_committed_weights_are_fitted_not_hand_set():
    weights = load_weights()
    assert isinstance(weights, Weights) and "regression" in weights.source
    assert "leave_one_document_out" in weights.scores


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extract", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_train_and_evaluate_cv_from_the_command_line(tmp_path):
    output = tmp_path / "w.json"
    result = run_cli("train", "--no-cv", "-o", str(output))
    assert result.returncode == 0, result.stderr
    assert json.loads(output.read_text())["features"]
    result = run_cli("evaluate", "--cv", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    # every document scored on weights fitted without it; unseen documents are not easier
    assert set(data["documents"]) == set(data["in_sample_f1"]) - {"micro"}
    assert 0 < data["micro"]["f1"] <= data["in_sample_f1"]["micro"] + 0.02
    # floors under the leave-one-document-out scores reached (micro 0.821, weakest 0.726):
    # raise them as the linker improves, never lower them
    assert data["micro"]["f1"] >= 0.81
    assert min(doc["f1"] for doc in data["documents"].values()) >= 0.72


def test_extract_explain_says_why_a_value_was_linked(tmp_path):
    report = tmp_path / "rapport.txt"
    report.write_text("PORTAGE DE REPAS\n\nLe service a livré 18 500 repas, soit 12 % de plus.\n",
                      encoding="utf-8")
    result = run_cli("extract", str(report), "--explain")
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()
    assert "portage_repas.repas" in first[0] and first[1].strip().startswith("linked: p=")
    assert "alias_any" in first[1]
