"""A conditional (softmax) logistic regression: each number chooses one of its candidates or none.

The linker links a number to its best-scoring candidate, so the weights are fitted to that
choice: for a number with candidates j of scores s_j = w·x_j + b, the chance of candidate j is
exp(s_j) / (1 + Σ exp(s_k)) and the chance of no link 1 / (1 + Σ exp(s_k)). The loss is the
negative log-likelihood of the gold choices, each document weighing the same, with an L2 penalty
on w (not on b), minimised by scipy's L-BFGS (scipy comes with scikit-learn, in the train extra).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize


def fit_choice(groups: list[tuple[list[list[float]], int, float]], c: float) -> tuple[list[float], float]:
    """`groups`: per number, (candidate feature rows, index of the true candidate or -1, weight).
    Returns the feature weights and the bias."""
    groups = [g for g in groups if g[0]]
    sizes = [len(g[0]) for g in groups]
    rows = np.array([row for g in groups for row in g[0]], dtype=float)
    owner = np.repeat(np.arange(len(groups)), sizes)
    weight = np.array([g[2] for g in groups])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    chosen = np.array([starts[i] + g[1] for i, g in enumerate(groups) if g[1] >= 0], dtype=int)
    chosen_weight = np.array([g[2] for g in groups if g[1] >= 0])
    width = rows.shape[1]

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = params[:width], params[width]
        scores = rows @ w + b
        top = np.zeros(len(groups))  # the "none" choice scores 0
        np.maximum.at(top, owner, scores)
        exp = np.exp(scores - top[owner])
        total = np.exp(-top) + np.bincount(owner, exp, minlength=len(groups))
        value = float(weight @ (top + np.log(total)) - chosen_weight @ scores[chosen]) + w @ w / (2 * c)
        share = exp / total[owner] * weight[owner]
        grad_w = rows.T @ share - rows[chosen].T @ chosen_weight + w / c
        grad_b = share.sum() - chosen_weight.sum()
        return value, np.append(grad_w, grad_b)

    result = minimize(loss, np.zeros(width + 1), jac=True, method="L-BFGS-B")
    return [float(v) for v in result.x[:width]], float(result.x[width])
