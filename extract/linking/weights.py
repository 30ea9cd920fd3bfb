"""The linker's weights: a logistic model over the named features, read from `schemas/`.

`schemas/linker_weights.json` holds one weight per feature, a bias and the probability from
which the best candidate of a number is linked; `ccas-extract train` writes it (fitted on the
gold) and extraction reads it, with no scikit-learn at inference.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

from pydantic import BaseModel, Field

from ..paths import SCHEMAS_DIR

WEIGHTS_PATH = SCHEMAS_DIR / "linker_weights.json"


class Weights(BaseModel):
    """A linear score per candidate; linked when the best one's probability reaches `threshold`."""

    features: dict[str, float]
    bias: float
    threshold: float = 0.5
    source: str = ""  # how they were made ("fitted on 5 gold files, C=1.0")
    scores: dict[str, dict[str, float]] = Field(default_factory=dict)  # F1 measured at fit time

    def score(self, features: dict[str, float]) -> float:
        weights = self.features
        return self.bias + sum(weights.get(name, 0.0) * value for name, value in features.items())

    @staticmethod
    def probability(score: float) -> float:
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, score))))

    @property
    def min_score(self) -> float:
        """The score whose probability is the threshold (compared on scores: no exp per number)."""
        t = min(max(self.threshold, 1e-9), 1 - 1e-9)
        return math.log(t / (1 - t))

    def save(self, path: str | Path = WEIGHTS_PATH) -> None:
        ordered = dict(sorted(self.features.items(), key=lambda item: -abs(item[1])))
        data = {**self.model_dump(), "features": {k: round(v, 6) for k, v in ordered.items()}}
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def load_weights(path: str | Path | None = None) -> Weights:
    """The weights of `path` (default: the packaged file; a catalogue names its own in
    `catalogue.linker.weights`), parsed once per content."""
    return _parse(Path(path or WEIGHTS_PATH).read_text(encoding="utf-8"))


@cache  # keyed by the text: two files never share weights, a refitted file is read anew
def _parse(text: str) -> Weights:
    return Weights.model_validate_json(text)
