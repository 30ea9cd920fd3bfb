"""Fit the linker's weights on gold, and measure them honestly (leave one document out).

A training example is a candidate (number, indicator) of a gold document. It is positive when a
gold item has the same indicator, a value within 0.5 %, the same year, and evidence overlapping
the number. A logistic regression (scikit-learn, the optional `train` extra) gives one weight per
named feature; the threshold is the probability that maximises micro F1 on the training documents
when each number is linked to its best candidate, as extraction does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..catalogue import Catalogue, default_catalogue
from ..errors import GoldError
from ..evaluate import Report, overlaps, score_document, sum_counts, values_equal
from ..gold import GoldFile, load_gold
from ..indicators import Collected, collect_numbers, decide
from ..metadata import Metadata, guess_metadata
from ..reader import read_document
from ..sections import find_sections
from .candidates import continuing
from .features import FEATURES
from .weights import Weights

C = 0.5  # inverse strength of the L2 penalty (chosen by leave-one-document-out F1)
BALANCE = True
MODEL = "choice"  # or "pointwise": scikit-learn's LogisticRegression on each candidate
THRESHOLDS = [round(0.05 * step, 2) for step in range(2, 19)]
PLATEAU = 0.005  # mean F1 below the best that still counts as the top of the curve


@dataclass
class GoldDocument:
    """One gold document, read and collected once, with each number's true link."""

    gold: GoldFile
    collected: Collected
    sections: list[str]
    metadata: Metadata
    links: list[str | None]  # per number: the indicator the gold gives it, or None


def prepare(gold_dir: str | Path, corpus_dir: str | Path,
            catalogue: Catalogue | None = None) -> list[GoldDocument]:
    """Read and collect every document that has a gold file."""
    catalogue = catalogue or default_catalogue()
    prepared = []
    for path in sorted(Path(gold_dir).glob("*.json")):
        gold = load_gold(path, corpus_dir=corpus_dir, catalogue=catalogue)
        document = read_document(Path(corpus_dir) / gold.document)
        metadata = guess_metadata(document)
        sections = find_sections(document)
        collected = collect_numbers(document, sections, report_year=metadata.report_year,
                                    catalogue=catalogue, narrative=metadata.doc_type == "article")
        links = [_true_link(gold, number) for number in collected.numbers]
        prepared.append(GoldDocument(gold, collected, [s.title for s in sections], metadata, links))
    return prepared


def _true_link(gold: GoldFile, number) -> str | None:
    quantity = number.evidence.quantity
    end = max(quantity.end, quantity.unit_end or 0)
    for item in gold.indicators:
        if (item.year == number.year and values_equal(quantity.value, item.value)
                and overlaps(quantity.start, end, item.start, item.end)):
            return item.indicator
    return None


def examples(documents: list[GoldDocument]) -> tuple[list[dict[str, float]], list[int]]:
    """Feature rows and labels of every candidate, the list items judged on the true links."""
    rows: list[dict[str, float]] = []
    labels: list[int] = []
    for candidates, link in choices(documents):
        for candidate in candidates:
            rows.append(candidate.features)
            labels.append(int(candidate.indicator == link))
    return rows, labels


def choices(documents: list[GoldDocument]):
    """(candidates, true indicator or None) of every number, list items judged on the true links."""
    for doc in documents:
        index = doc.collected.index
        for number, link in zip(doc.collected.numbers, doc.links, strict=True):
            candidates = number.candidates
            previous = doc.links[number.previous] if number.previous is not None else None
            if number.continues and previous:
                candidates = continuing(candidates, index.catalogue.by_id[previous], number.evidence,
                                        index)
            yield candidates, link


def fit(documents: list[GoldDocument], c: float = C, names: list[str] | None = None) -> Weights:
    """Fit weights and threshold on `documents` (with `names`, on those features only)."""
    from sklearn.linear_model import LogisticRegression

    names = sorted(names or FEATURES)
    if MODEL == "choice":
        return _fit_choice(documents, c, names)
    rows: list[dict[str, float]] = []
    labels: list[int] = []
    balance: list[float] = []  # each document weighs the same, however many numbers it has
    for doc in documents:
        doc_rows, doc_labels = examples([doc])
        rows += doc_rows
        labels += doc_labels
        balance += [1.0 / max(1, len(doc_rows))] * len(doc_rows)
    scale = len(rows) / sum(balance)
    matrix = [[row.get(name, 0.0) for name in names] for row in rows]
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit(matrix, labels, sample_weight=[b * scale for b in balance] if BALANCE else None)
    weights = Weights(features=dict(zip(names, map(float, model.coef_[0]), strict=True)),
                      bias=float(model.intercept_[0]),
                      source=f"logistic regression on {len(documents)} gold files "
                             f"({len(rows)} candidates, {sum(labels)} positive), C={c}")
    weights.threshold = _best_threshold(documents, weights)
    return weights


def _fit_choice(documents: list[GoldDocument], c: float, names: list[str]) -> Weights:
    from .choice import fit_choice

    groups = []
    for doc in documents:
        numbers = list(choices([doc]))
        share = 1000.0 / max(1, len(numbers))  # each document weighs the same
        for candidates, link in numbers:
            rows = [[cand.features.get(name, 0.0) for name in names] for cand in candidates]
            truth = next((i for i, cand in enumerate(candidates) if cand.indicator == link), -1)
            groups.append((rows, truth, share))
    coefficients, bias = fit_choice(groups, c)
    weights = Weights(features=dict(zip(names, coefficients, strict=True)), bias=bias,
                      source=f"conditional logistic regression on {len(documents)} gold files "
                             f"({len(groups)} numbers), C={c}")
    weights.threshold = _best_threshold(documents, weights)
    return weights


def _best_threshold(documents: list[GoldDocument], weights: Weights) -> float:
    """The middle of the plateau of thresholds whose mean document F1 (each document weighs the
    same, as in the fit) is within `PLATEAU` of the best: the curve is flat near its top on four
    or five documents, and a threshold at the plateau's edge turned whole lists of a left-out
    report (numbers at p 0.50) on or off."""
    def mean_f1(t: float) -> float:
        scores = [score(doc, weights.model_copy(update={"threshold": t})).counts
                  for doc in documents]
        return sum(c.f1 for c in scores) / len(scores)

    quality = {t: mean_f1(t) for t in THRESHOLDS}
    best = max(quality.values())
    plateau = [t for t in THRESHOLDS if quality[t] >= best - PLATEAU]
    return plateau[(len(plateau) - 1) // 2]


def micro_f1(documents: list[GoldDocument], weights: Weights) -> float:
    return sum_counts(score(doc, weights).counts for doc in documents).f1


def score(doc: GoldDocument, weights: Weights):
    return score_document(doc.gold, decide(doc.collected, weights, explain=False), doc.sections,
                          doc.metadata.model_dump())


def cross_validate(documents: list[GoldDocument], c: float = C,
                   names: list[str] | None = None) -> Report:
    """Leave one document out: fit on the others, score the one left out, for every document."""
    report = Report(catalogue=documents[0].collected.index.catalogue if documents else None)
    for held_out in documents:
        weights = fit([doc for doc in documents if doc is not held_out], c, names)
        report.documents.append(score(held_out, weights))
    return report


def in_sample(documents: list[GoldDocument], weights: Weights) -> Report:
    report = Report(catalogue=documents[0].collected.index.catalogue if documents else None)
    report.documents.extend(score(doc, weights) for doc in documents)
    return report


def train(gold_dir: str | Path, corpus_dir: str | Path, *, output: str | Path | None = None,
          c: float = C, with_cv: bool = True,
          catalogue: Catalogue | None = None) -> tuple[Weights, Report, Report | None]:
    """Fit on every gold document, write the weights (`output`, default the one extraction reads
    with `catalogue`: its `linker.weights`) with the in-sample and leave-one-document-out F1 they
    reach; return them and both reports."""
    from .weights import WEIGHTS_PATH

    documents = prepare(gold_dir, corpus_dir, catalogue)
    if not documents:
        raise GoldError(gold_dir, ["no gold files (*.json)"])
    weights = fit(documents, c)
    inside = in_sample(documents, weights)
    held_out = cross_validate(documents, c) if with_cv else None
    weights.scores = {"in_sample": f1_by_document(inside)}
    if held_out:
        weights.scores["leave_one_document_out"] = f1_by_document(held_out)
    weights.save(output or (catalogue.linker.weights if catalogue else WEIGHTS_PATH))
    return weights, inside, held_out


def f1_by_document(report: Report) -> dict[str, float]:
    return {**{doc.document: round(doc.counts.f1, 4) for doc in report.documents},
            "micro": round(report.total.f1, 4)}
