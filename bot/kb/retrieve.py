"""Rank the notice's sections and sentences for a question.

Lexical signals: BM25 indexes over spaCy lemmas plus ``#concept`` tags from the privacy vocabulary (whole
sections with title and metadata, sentences, titles, example questions). Semantic signals: MiniLM cosine
similarity of the question to the section's sentences and to its example questions. A section's score is
a weighted sum of these signals (``SIGNALS``), the weights fitted by ``bot.devtools.kb_fit``.
Confidence is the IDF-weighted share of the question's terms that the chosen section contains, so
a question about something the notice never mentions scores low whatever its rank.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from rank_bm25 import BM25Okapi

from bot.kb.model import KnowledgeBase, Section
from bot.settings import PROJECT_ROOT
from bot.text import TypoFixer, analyse, rarity, vocabulary

EXAMPLES_FILE = PROJECT_ROOT / "policy_kb" / "example_questions.yml"
TITLE_WEIGHT = 3
NEAREST_EXAMPLES = 3  # the semantic example signal averages this many closest example questions
# A section's signals, in the columns of Retriever.signals: BM25 of the whole section, of its best
# sentence, of its title and of its best example question (each divided by the best section's), then the
# MiniLM cosine of its best sentence and the mean cosine of its three closest example questions (the best
# sentence's, where it has none).
SIGNALS = ("section", "sentence", "title", "example", "semantic_sentence", "semantic_example")
# Fitted on tests/eval/kb_dev.yml by `privacybot kb fit-weights` (conditional logit, weights >= 0,
# 5-fold cross-validated top-1 0.950 on its 240 answerable questions); scaled to a largest of 1.
WEIGHTS = (0.102, 0.0, 0.0, 0.062, 0.199, 1.0)
# Without the semantic signals (a knowledge base answered by its words alone): the earlier hand-set mix.
LEXICAL_WEIGHTS = (0.2, 0.3, 0.1, 0.4, 0.0, 0.0)


@dataclass(frozen=True)
class Hit:
    """A ranked section with its sentences ordered by relevance."""

    section: Section
    score: float
    sentences: tuple[tuple[int, float], ...]  # (index into section sentences, score), best first


@dataclass(frozen=True)
class Ranking:
    """The result of a search."""

    hits: tuple[Hit, ...]
    confidence: float
    terms: tuple[str, ...]
    similarity: float | None = None  # semantic similarity of the first hit (None without embeddings)


def load_examples(kb: KnowledgeBase, path: Path = EXAMPLES_FILE) -> dict[str, list[str]]:
    """Example questions per section id, if the file was written for this knowledge base's source."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if data.get("source") != kb.source:
        return {}
    ids = {s.id for s in kb.sections}
    unknown = set(data["sections"]) - ids
    if unknown:
        raise ValueError(f"{path.name} names sections the knowledge base lacks: {sorted(unknown)}")
    return {str(k): list(v) for k, v in data["sections"].items()}


class Retriever:
    """Section and sentence retrieval over one knowledge base."""

    def __init__(self, kb: KnowledgeBase, examples: dict[str, list[str]] | None = None, semantic: bool = True):
        self.kb = kb
        titles = [analyse(s.title) for s in kb.sections]
        self.sentences: list[tuple[int, int, str]] = []  # (section idx, sentence idx, text)
        section_docs, sentence_docs = [], []
        for i, section in enumerate(kb.sections):
            meta = section.metadata
            extra = " ".join([*meta.get("third_parties", []), *(meta.get("data_categories") or [])])
            body = analyse(section.text) + analyse(extra.replace("_", " "))
            section_docs.append(titles[i] * TITLE_WEIGHT + body)
            for j, sentence in enumerate(s for p in section.passages for s in p.sentences):
                self.sentences.append((i, j, sentence))
                sentence_docs.append(analyse(sentence) + titles[i])
        examples = load_examples(kb) if examples is None else examples
        self.examples: list[tuple[int, list[str]]] = [
            (i, analyse(q)) for i, s in enumerate(kb.sections) for q in examples.get(s.id, [])
        ]
        self.example_index = BM25Okapi([d or ["\0"] for _, d in self.examples]) if self.examples else None
        self.section_terms = [set(d) for d in section_docs]
        for i, doc in self.examples:
            self.section_terms[i].update(doc)
        self.section_index = BM25Okapi(section_docs)
        self.title_index = BM25Okapi([t or ["\0"] for t in titles])
        self.sentence_index = BM25Okapi(sentence_docs)
        known = {t for d in section_docs for t in d if not t.startswith("#")} | vocabulary().words
        self.fixer = TypoFixer(known)
        self.word_concepts = vocabulary().concepts_of()
        n = len(section_docs)
        df: dict[str, int] = {}  # document frequency over sections (with their example questions)
        for terms in self.section_terms:
            for t in terms:
                df[t] = df.get(t, 0) + 1
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.unknown_idf = math.log(1 + (n + 0.5) / 0.5)
        self.semantic = _semantic_index(kb, self.sentences, examples) if semantic else None

    def signals(self, question: str, terms: list[str]) -> tuple[Any, list[tuple[tuple[int, float], ...]], Any]:
        """Per section: the ``SIGNALS`` (one row each), its sentences ranked by BM25 (best first) and the
        best cosine of any of its sentences or example questions (None without embeddings)."""
        n = len(self.kb.sections)
        matrix = np.zeros((n, len(SIGNALS)), dtype=np.float64)
        matrix[:, 0] = self.section_index.get_scores(terms)
        matrix[:, 2] = np.maximum(self.title_index.get_scores(terms), 0.0)
        if self.example_index is not None:
            for (i, _), score in zip(self.examples, self.example_index.get_scores(terms), strict=True):
                matrix[i, 3] = max(matrix[i, 3], float(score))
        per_section: list[list[tuple[int, float]]] = [[] for _ in range(n)]
        for (si, sj, _), score in zip(self.sentences, self.sentence_index.get_scores(terms), strict=True):
            per_section[si].append((sj, float(score)))
        ranked = [tuple(sorted(pairs, key=lambda x: -x[1])) for pairs in per_section]
        matrix[:, 1] = [r[0][1] if r else 0.0 for r in ranked]
        matrix[:, :4] /= np.maximum(matrix[:, :4].max(axis=0), 1e-9)
        best = None
        if self.semantic is not None:
            matrix[:, 4], matrix[:, 5], best = self.semantic.similarities(question)
        return matrix, ranked, best

    def search(self, question: str, k: int = 3) -> Ranking:
        """The top ``k`` sections for ``question`` and the confidence in the first."""
        terms = analyse(question, self.fixer)
        if not terms and (self.semantic is None or not question.strip()):
            return Ranking(hits=(), confidence=0.0, terms=())
        matrix, ranked, best = self.signals(question, terms)
        scores = matrix @ np.array(WEIGHTS if self.semantic is not None else LEXICAL_WEIGHTS)
        order = np.argsort(-scores, kind="stable")
        hits = tuple(Hit(self.kb.sections[i], float(scores[i]), ranked[i]) for i in order[:k])
        top = int(order[0])
        return Ranking(
            hits=hits,
            confidence=self.coverage(terms, top),
            terms=tuple(terms),
            similarity=float(best[top]) if best is not None else None,
        )

    def coverage(self, terms: list[str], section_index: int) -> float:
        """IDF-weighted share of ``terms`` found in the section (unknown terms weigh most)."""
        present = self.section_terms[section_index]
        tags = {t for t in terms if t.startswith("#")}
        total = found = 0.0
        for t in set(terms):
            if self.word_concepts.get(t, frozenset()) & tags:
                continue  # a #concept tag of the question stands for it
            w = self.idf[t] if t in self.idf else self.unknown_idf * rarity(t.lstrip("#"))
            total += w
            if t in present:
                found += w
        return found / total if total else 0.0


class SemanticIndex:
    """Cosine similarities between a question and each section's sentences and example questions."""

    def __init__(self, owners: list[int], examples: int, vectors: Any, sections: int):
        from bot.kb.embed import default_encoder

        self.encoder = default_encoder()
        self.owners = np.array(owners)
        self.is_example = np.arange(len(owners)) >= len(owners) - examples  # example questions come last
        rows = np.flatnonzero(self.is_example)
        self.example_rows = [(s, rows[self.owners[rows] == s]) for s in np.unique(self.owners[rows])]
        self.vectors = vectors
        self.sections = sections

    def similarities(self, question: str) -> tuple[Any, Any, Any]:
        """Per section: best cosine over its sentences, mean over its closest example questions, best overall."""
        scores = self.vectors @ self.encoder.encode_one(question)
        best_sentence = np.full(self.sections, -1.0, dtype=np.float32)
        np.maximum.at(best_sentence, self.owners[~self.is_example], scores[~self.is_example])
        examples = best_sentence.copy()
        for section, rows in self.example_rows:
            closest = scores[rows] if len(rows) <= NEAREST_EXAMPLES else np.partition(scores[rows], -NEAREST_EXAMPLES)
            examples[section] = float(closest[-NEAREST_EXAMPLES:].mean())
        best = best_sentence.copy()
        np.maximum.at(best, self.owners[self.is_example], scores[self.is_example])
        return best_sentence, examples, best


def _semantic_index(
    kb: KnowledgeBase, sentences: list[tuple[int, int, str]], examples: dict[str, list[str]]
) -> SemanticIndex | None:
    """Embeddings of every sentence and example question, cached under var/cache by content hash."""
    try:
        from bot.kb.embed import default_encoder
    except ImportError:
        return None
    index = {s.id: i for i, s in enumerate(kb.sections)}
    items = [(si, text) for si, _, text in sentences]
    example_items = [(index[sid], q) for sid, qs in examples.items() for q in qs if sid in index]
    items += example_items
    digest = hashlib.sha256("\n".join(f"{o}\t{t}" for o, t in items).encode()).hexdigest()[:16]
    cache = PROJECT_ROOT / "var" / "cache" / f"kb-embeddings-{digest}.npy"
    if cache.exists():
        vectors = np.load(cache)
    else:
        vectors = default_encoder().encode([t for _, t in items])
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.npy")
        np.save(tmp, vectors)
        tmp.replace(cache)
    return SemanticIndex([o for o, _ in items], len(example_items), vectors, len(kb.sections))


_DEFAULT_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _build_default() -> Retriever:
    return Retriever(KnowledgeBase.load())


def default_retriever() -> Retriever:
    """A retriever over the shipped knowledge base (built once per process, thread-safe)."""
    with _DEFAULT_LOCK:
        return _build_default()
