"""PostingsBM25 scores exactly as rank_bm25's BM25Okapi, over the shipped notice's own sentences."""

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from bot.kb.bm25 import PostingsBM25
from bot.kb.model import KB_FILE, KnowledgeBase
from bot.text import analyse


@pytest.fixture(scope="module")
def corpus() -> list[list[str]]:
    kb = KnowledgeBase.load(KB_FILE)
    return [analyse(s) for section in kb.sections for p in section.passages for s in p.sentences]


@pytest.mark.parametrize(
    ("question", "matches"),
    [
        ("how long do you keep my ip address", True),
        ("cookies cookies google analytics", True),  # a repeated term counts twice
        ("zzzq xxyq", False),
        ("", False),
    ],
)
def test_same_scores_as_rank_bm25(corpus: list[list[str]], question: str, matches: bool) -> None:
    terms = analyse(question)
    expected = BM25Okapi(corpus).get_scores(terms)
    got = PostingsBM25(corpus).get_scores(terms)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)
    assert (got.max(initial=0.0) > 0) == matches
