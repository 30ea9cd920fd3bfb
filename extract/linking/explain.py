"""Why a number was linked (or not): its candidates, their features, scores and the margin."""

from __future__ import annotations

from .features import Candidate
from .weights import Weights

SHOWN = 3  # candidates named in an explanation


def explain_choice(candidates: list[Candidate], weights: Weights, role: str = "value") -> str:
    """One line: each candidate's probability, best first, the winner's features with their
    contributions (weight × value), and why it won or why nothing was linked."""
    if not candidates:
        return f"role {role}: no candidate" if role != "value" else "no candidate (no alias, no fitting unit)"
    scored = sorted(((weights.score(c.features), i, c) for i, c in enumerate(candidates)),
                    key=lambda item: (-item[0], item[1]))
    best_score, _, best = scored[0]
    probability = weights.probability(best_score)
    contributions = sorted(((weights.features.get(name, 0.0) * value, name)
                            for name, value in best.features.items()), reverse=True)
    parts = ", ".join(f"{name} {contribution:+.2f}" for contribution, name in contributions
                      if contribution)
    ranking = "; ".join(f"{c.indicator} p={weights.probability(s):.2f}" for s, _, c in scored[:SHOWN])
    if probability >= weights.threshold:
        verdict = f"linked: p={probability:.2f} ≥ threshold {weights.threshold}"
        if len(scored) > 1:
            verdict += f", ahead of {scored[1][2].indicator} by {best_score - scored[1][0]:.2f}"
    else:
        verdict = f"not linked: best p={probability:.2f} < threshold {weights.threshold}"
    return f"{verdict}. {best.indicator} = bias {weights.bias:+.2f}, {parts}. candidates: {ranking}"
