"""Fitting the weights of the retrieval signals: reproducible, non-negative, cross-validated."""

from __future__ import annotations

import numpy as np

from bot.devtools.kb_eval import QUESTION_SETS, load_questions
from bot.devtools.kb_fit import examples, fit, fit_weights, top1
from bot.kb.retrieve import SIGNALS, WEIGHTS, default_retriever


def test_shipped_weights_are_what_the_fit_on_the_dev_set_gives() -> None:
    result = fit(default_retriever(), load_questions(QUESTION_SETS["dev"]))
    assert len(result.weights) == len(SIGNALS)
    assert np.allclose(result.weights, WEIGHTS, atol=0.005)
    assert 0.9 <= result.cv_top1 <= 1.0 and result.questions > 150


def test_fit_puts_weight_on_the_signal_that_decides() -> None:
    # three sections; only the last signal tells the right one (index 2) apart
    rng = np.random.default_rng(1)
    data = []
    for _ in range(40):
        matrix = rng.random((3, len(SIGNALS)))
        matrix[:, -1] = [0.1, 0.2, 0.9]
        data.append((matrix, [2]))
    weights = fit_weights(data)
    assert weights.min() >= 0 and weights.max() == 1.0 and int(np.argmax(weights)) == len(SIGNALS) - 1
    assert top1(weights, data) == 1.0


def test_examples_skip_unanswerable_questions() -> None:
    retriever = default_retriever()
    questions = load_questions(QUESTION_SETS["dev"])
    data = examples(retriever, questions)
    assert 0 < len(data) <= sum(1 for q in questions if q.sections)
    assert all(m.shape == (len(retriever.kb.sections), len(SIGNALS)) for m, _ in data)
