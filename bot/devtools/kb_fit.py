"""Fit the weights that mix a section's retrieval signals, on a question set with known answers.

A conditional logit: for each question, the softmax over sections of ``signals @ weights`` should put
its mass on the sections that answer it. Weights are kept non-negative (every signal is evidence for
a section, never against it) and scaled so that the largest is 1. Reported with k-fold cross-validated
top-1 accuracy, so that the figure is not the fit's own training accuracy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from bot.devtools.kb_eval import EvalQuestion
from bot.kb.retrieve import SIGNALS, Retriever

Example = tuple[NDArray[np.float64], list[int]]  # (sections × signals, indexes of the right sections)


@dataclass(frozen=True)
class Fit:
    """Fitted weights (in ``SIGNALS`` order) and their cross-validated top-1 accuracy."""

    weights: tuple[float, ...]
    cv_top1: float
    questions: int


def examples(retriever: Retriever, questions: list[EvalQuestion], lang: str = "en") -> list[Example]:
    """The signal matrix and the right sections of every answerable question with indexable words."""
    index = {s.id: i for i, s in enumerate(retriever.kb.sections)}
    found = []
    for q in questions:
        terms = retriever.terms(q.text, lang)
        if q.sections and terms and all(s in index for s in q.sections):  # not questions about this chat
            matrix, _, _ = retriever.signals(q.text, terms, lang)
            found.append((matrix, [index[s] for s in q.sections]))
    return found


def _loss(weights: NDArray[np.float64], data: list[Example]) -> float:
    total = 0.0
    for matrix, right in data:
        scores = matrix @ weights
        scores -= scores.max()
        p = np.exp(scores)
        total -= float(np.log(p[right].sum() / p.sum() + 1e-12))
    return total / len(data)


def fit_weights(data: list[Example]) -> NDArray[np.float64]:
    """Weights maximising the likelihood of the right sections, >= 0, largest scaled to 1."""
    start = np.ones(len(SIGNALS))
    result = minimize(_loss, start, args=(data,), method="L-BFGS-B", bounds=[(0.0, None)] * len(SIGNALS))
    weights: NDArray[np.float64] = result.x / max(float(result.x.max()), 1e-12)
    return weights


def top1(weights: NDArray[np.float64], data: list[Example]) -> float:
    """Share of questions whose best-scored section is a right one."""
    return sum(int(np.argmax(m @ weights)) in right for m, right in data) / max(len(data), 1)


def fit(retriever: Retriever, questions: list[EvalQuestion], folds: int = 5, seed: int = 0, lang: str = "en") -> Fit:
    """Weights fitted on all ``questions`` (in ``lang``), with ``folds``-fold cross-validated top-1 accuracy."""
    data = examples(retriever, questions, lang)
    order = np.random.default_rng(seed).permutation(len(data))
    correct = 0.0
    for held in np.array_split(order, folds):
        kept = set(held.tolist())
        weights = fit_weights([d for i, d in enumerate(data) if i not in kept])
        correct += top1(weights, [data[i] for i in held]) * len(held)
    return Fit(tuple(round(float(w), 3) for w in fit_weights(data)), correct / len(data), len(data))
