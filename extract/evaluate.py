"""Evaluate: score extractions against gold, exactly as `gold-format.md` ("Scoring") says.

A prediction matches a gold instance when the ids are equal, the values are equal within 0.5 %
of the gold value, and the years are equal (null only matches null). Matching is one to one;
among candidates, a prediction whose span overlaps the gold evidence is preferred.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import Catalogue, default_catalogue
from .gold import GoldFile, GoldItem, load_gold
from .indicators import IndicatorValue
from .sections import normalise_title

TOLERANCE = 0.005


def values_equal(predicted: float, gold: float) -> bool:
    return abs(predicted - gold) <= TOLERANCE * abs(gold)


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _overlaps_gold(pred: IndicatorValue, item: GoldItem) -> bool:
    return overlaps(pred.start, pred.end, item.start, item.end)


@dataclass
class Outcome:
    """One gold or predicted item and what became of it."""

    outcome: str  # correct, missed, spurious, wrong_id, wrong_year, wrong_value
    indicator: str | None
    gold: GoldItem | None = None
    predicted: IndicatorValue | None = None


def match_items(gold: list[GoldItem], predicted: list[IndicatorValue]) -> list[tuple[int, int]]:
    """One-to-one matches (gold index, predicted index): overlapping spans first, then the
    closest remaining candidate."""
    candidates = [
        (g, p) for g, item in enumerate(gold) for p, pred in enumerate(predicted)
        if pred.indicator == item.indicator and pred.year == item.year
        and values_equal(pred.value, item.value)
    ]
    candidates.sort(key=lambda pair: (
        not _overlaps_gold(predicted[pair[1]], gold[pair[0]]),
        abs(predicted[pair[1]].start - gold[pair[0]].start),
    ))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for g, p in candidates:
        if g not in used_gold and p not in used_pred:
            used_gold.add(g)
            used_pred.add(p)
            pairs.append((g, p))
    return pairs


def near_miss(item: GoldItem, predicted: list[IndicatorValue], free: set[int]) -> Outcome:
    """Why a gold item was missed: a prediction on its evidence with another id, year or value."""
    for p in sorted(free, key=lambda p: abs(predicted[p].start - item.start)):
        pred = predicted[p]
        if not _overlaps_gold(pred, item):
            continue
        if values_equal(pred.value, item.value) and pred.indicator != item.indicator:
            return Outcome("wrong_id", item.indicator, item, pred)
        if pred.indicator == item.indicator and values_equal(pred.value, item.value):
            return Outcome("wrong_year", item.indicator, item, pred)
        if pred.indicator == item.indicator:
            return Outcome("wrong_value", item.indicator, item, pred)
    return Outcome("missed", item.indicator, item, None)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


def sum_counts(counts) -> Counts:
    """Micro-average: add up true positives, false positives and false negatives."""
    total = Counts()
    for each in counts:
        total.tp += each.tp
        total.fp += each.fp
        total.fn += each.fn
    return total


@dataclass
class DocumentScore:
    document: str
    counts: Counts
    outcomes: list[Outcome]
    number_found: int
    number_total: int
    sections: Counts
    metadata: dict[str, bool]


def score_document(gold: GoldFile, predicted_all: list[IndicatorValue], sections: list[str],
                   metadata: dict) -> DocumentScore:
    """Score one document's extraction against its gold."""
    predicted = [p for p in predicted_all if p.indicator]
    pairs = match_items(gold.indicators, predicted)
    matched_gold = {g for g, _ in pairs}
    matched_pred = {p for _, p in pairs}
    free = set(range(len(predicted))) - matched_pred
    outcomes = [Outcome("correct", gold.indicators[g].indicator, gold.indicators[g], predicted[p])
                for g, p in pairs]
    for g, item in enumerate(gold.indicators):
        if g not in matched_gold:
            outcomes.append(near_miss(item, predicted, free))
    outcomes.extend(Outcome("spurious", predicted[p].indicator, None, predicted[p])
                    for p in sorted(free))
    counts = Counts(tp=len(pairs), fp=len(free), fn=len(gold.indicators) - len(pairs))
    # Number level: any predicted number (catalogued or not) on the evidence, same value.
    number_found = sum(
        any(_overlaps_gold(p, item) and values_equal(p.value, item.value) for p in predicted_all)
        for item in gold.indicators
    )
    gold_titles = Counter(normalise_title(s.title) for s in gold.sections)
    found_titles = Counter(normalise_title(t) for t in sections)
    common = sum((gold_titles & found_titles).values())
    section_counts = Counts(tp=common, fp=sum(found_titles.values()) - common,
                            fn=sum(gold_titles.values()) - common)
    meta = {key: metadata.get(key) == value for key, value in gold.metadata.model_dump().items()}
    return DocumentScore(gold.document, counts, outcomes, number_found, len(gold.indicators),
                         section_counts, meta)


@dataclass
class Report:
    documents: list[DocumentScore] = field(default_factory=list)
    catalogue: Catalogue | None = None

    @property
    def total(self) -> Counts:
        return sum_counts(doc.counts for doc in self.documents)

    @property
    def sections(self) -> Counts:
        return sum_counts(doc.sections for doc in self.documents)

    @property
    def number_recall(self) -> float:
        total = sum(d.number_total for d in self.documents)
        return sum(d.number_found for d in self.documents) / total if total else 0.0

    @property
    def metadata_accuracy(self) -> dict[str, float]:
        fields: dict[str, list[bool]] = defaultdict(list)
        for doc in self.documents:
            for key, ok in doc.metadata.items():
                fields[key].append(ok)
        return {key: sum(v) / len(v) for key, v in fields.items()}

    def by(self, key: str) -> dict[str, Counts]:
        """Counts per indicator (`key="indicator"`) or per domain (`key="domain"`)."""
        catalogue = self.catalogue or default_catalogue()
        groups: dict[str, Counts] = defaultdict(Counts)
        for doc in self.documents:
            for outcome in doc.outcomes:
                indicator = outcome.indicator or "?"
                entry = catalogue.get(indicator)
                name = indicator if key == "indicator" else (entry.domain if entry else "?")
                if outcome.outcome == "correct":
                    groups[name].tp += 1
                elif outcome.outcome == "spurious":
                    groups[name].fp += 1
                else:
                    groups[name].fn += 1
        return dict(sorted(groups.items()))

    def as_dict(self) -> dict:
        return {
            "micro": self.total.as_dict(),
            "number_recall": round(self.number_recall, 4),
            "sections": self.sections.as_dict(),
            "metadata_accuracy": {k: round(v, 4) for k, v in self.metadata_accuracy.items()},
            "documents": {d.document: {**d.counts.as_dict(),
                                       "number_recall": round(d.number_found / d.number_total, 4)
                                       if d.number_total else None,
                                       "sections": d.sections.as_dict()}
                          for d in self.documents},
            "indicators": {k: v.as_dict() for k, v in self.by("indicator").items()},
            "domains": {k: v.as_dict() for k, v in self.by("domain").items()},
            "errors": [outcome_dict(doc.document, o) for doc in self.documents
                       for o in doc.outcomes if o.outcome != "correct"],
        }


def outcome_dict(document: str, outcome: Outcome) -> dict:
    gold, pred = outcome.gold, outcome.predicted
    return {
        "document": document, "outcome": outcome.outcome, "indicator": outcome.indicator,
        "gold_value": gold.value if gold else None,
        "predicted_value": pred.value if pred else None,
        "gold_year": gold.year if gold else None, "predicted_year": pred.year if pred else None,
        "predicted_indicator": pred.indicator if pred else None,
        "scope": gold.scope if gold else (pred.scope if pred else ""),
        "evidence": gold.evidence if gold else (pred.line_text if pred else ""),
        "start": gold.start if gold else (pred.start if pred else None),
    }


def evaluate(gold_dir: str | Path, corpus_dir: str | Path, *,
             catalogue: Catalogue | None = None) -> Report:
    """Run the extraction on every gold document and score it.

    :param gold_dir: folder of gold JSON files
    :param corpus_dir: folder holding the documents the gold files name
    """
    from .pipeline import run

    catalogue = catalogue or default_catalogue()
    report = Report(catalogue=catalogue)
    for path in sorted(Path(gold_dir).glob("*.json")):
        gold = load_gold(path, corpus_dir=corpus_dir, catalogue=catalogue)
        extraction = run(Path(corpus_dir) / gold.document, catalogue=catalogue)
        report.documents.append(score_document(
            gold, extraction.indicators, [s.title for s in extraction.sections],
            extraction.metadata.model_dump(),
        ))
    return report


def format_report(report: Report, *, errors: bool = False) -> str:
    """A readable table of the scores, and with `errors` every miss and false positive."""
    lines = [f"{'document':32} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'pred':>5} {'num R':>6}"
             f" {'head P':>6} {'head R':>6}"]
    for doc in report.documents:
        c, h = doc.counts, doc.sections
        number = doc.number_found / doc.number_total if doc.number_total else 0
        lines.append(f"{doc.document[:32]:32} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} "
                     f"{c.tp + c.fn:5} {c.tp + c.fp:5} {number:6.3f} {h.precision:6.3f} "
                     f"{h.recall:6.3f}")
    t, h = report.total, report.sections
    lines.append(f"{'micro':32} {t.precision:6.3f} {t.recall:6.3f} {t.f1:6.3f} {t.tp + t.fn:5} "
                 f"{t.tp + t.fp:5} {report.number_recall:6.3f} {h.precision:6.3f} {h.recall:6.3f}")
    s = report.sections
    lines.append(f"\nsections: precision {s.precision:.3f}  recall {s.recall:.3f}  f1 {s.f1:.3f}")
    meta = "  ".join(f"{k} {v:.2f}" for k, v in report.metadata_accuracy.items())
    lines.append(f"metadata accuracy: {meta}")
    lines.append(f"\n{'domain':24} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
    for name, c in report.by("domain").items():
        lines.append(f"{name:24} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp:4} {c.fp:4} "
                     f"{c.fn:4}")
    if errors:
        lines.append("\nerrors:")
        for doc in report.documents:
            for o in doc.outcomes:
                if o.outcome == "correct":
                    continue
                item = outcome_dict(doc.document, o)
                evidence = " ".join(str(item["evidence"]).split())[:70]
                lines.append(
                    f"  {doc.document[:20]} {o.outcome:11} {str(item['indicator']):32} "
                    f"gold={item['gold_value']} pred={item['predicted_value']} "
                    f"year={item['gold_year']}/{item['predicted_year']}"
                    + (f" as={item['predicted_indicator']}" if o.outcome == "wrong_id" else "")
                    + f"  | {evidence}"
                )
    return "\n".join(lines)


def store_report(report: Report, db_path: str | Path) -> int:
    """Store an evaluation run and every item's outcome in the database; return the run id."""
    import subprocess
    from datetime import UTC, datetime

    from .store import open_db, write_eval_run

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=False).stdout.strip()
    except OSError:
        commit = ""
    catalogue = report.catalogue or default_catalogue()
    t, s = report.total, report.sections
    meta = report.metadata_accuracy
    run = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"), "git_commit": commit,
        "documents": len(report.documents), "precision": t.precision, "recall": t.recall,
        "f1": t.f1, "number_recall": report.number_recall, "section_precision": s.precision,
        "section_recall": s.recall,
        "metadata_accuracy": sum(meta.values()) / len(meta) if meta else None,
    }
    items = []
    for doc in report.documents:
        for outcome in doc.outcomes:
            item = outcome_dict(doc.document, outcome)
            entry = catalogue.get(item["indicator"] or "")
            items.append({**item, "domain": entry.domain if entry else ""})
    db = open_db(db_path)
    try:
        return write_eval_run(db, run, items)
    finally:
        db.close()
