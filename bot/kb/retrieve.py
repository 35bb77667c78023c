"""Rank the notice's sections and sentences for a question.

Two BM25 indexes over spaCy lemmas plus ``#concept`` tags from the privacy vocabulary: one of whole
sections (title weighted, metadata included) and one of sentences. A section's score mixes both.
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
from bot.kb.text import TypoFixer, analyse, rarity, vocabulary
from bot.settings import PROJECT_ROOT

EXAMPLES_FILE = PROJECT_ROOT / "policy_kb" / "example_questions.yml"
TITLE_WEIGHT = 3
# How a section's score mixes its signals (lexical ones normalised by the best section's): whole
# section, best sentence, title alone, best example question, semantic similarity (MiniLM cosine of the
# best sentence or example question). Tuned on tests/eval/kb_dev.yml.
WEIGHTS = (0.2, 0.3, 0.1, 0.4)
SEMANTIC_WEIGHT = 2.0


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
    similarity: float = 0.0  # semantic similarity of the first hit (0 without embeddings)


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
        n = len(section_docs)
        df: dict[str, int] = {}  # document frequency over sections (with their example questions)
        for terms in self.section_terms:
            for t in terms:
                df[t] = df.get(t, 0) + 1
        self.idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
        self.unknown_idf = math.log(1 + (n + 0.5) / 0.5)
        self.semantic = _semantic_index(kb, self.sentences, examples) if semantic else None

    def search(self, question: str, k: int = 3) -> Ranking:
        """The top ``k`` sections for ``question`` and the confidence in the first."""
        terms = analyse(question, self.fixer)
        if not terms:
            return Ranking(hits=(), confidence=0.0, terms=())
        sec = self.section_index.get_scores(terms)
        sent = self.sentence_index.get_scores(terms)
        title = self.title_index.get_scores(terms)
        top_title = max(float(title.max()), 1e-9)
        example = [0.0] * len(self.kb.sections)
        if self.example_index is not None:
            for (i, _), score in zip(self.examples, self.example_index.get_scores(terms), strict=True):
                example[i] = max(example[i], float(score))
        top_example = max(max(example), 1e-9)
        best_sent: dict[int, list[tuple[int, float]]] = {}
        for (si, sj, _), score in zip(self.sentences, sent, strict=True):
            best_sent.setdefault(si, []).append((sj, float(score)))
        top_sec = max(float(sec.max()), 1e-9)
        top_sent = max(float(sent.max()), 1e-9)
        combined = []
        for i in range(len(self.kb.sections)):
            ranked = sorted(best_sent.get(i, []), key=lambda x: -x[1])
            lead = ranked[0][1] if ranked else 0.0
            w_sec, w_sent, w_title, w_example = WEIGHTS
            score = (
                w_sec * float(sec[i]) / top_sec
                + w_sent * lead / top_sent
                + w_title * max(0.0, float(title[i])) / top_title
                + w_example * example[i] / top_example
            )
            combined.append((score, i, tuple(ranked)))
        similarity = self.semantic.similarities(question) if self.semantic is not None else None
        if similarity is not None:
            combined = [(s + SEMANTIC_WEIGHT * float(similarity[i]), i, r) for s, i, r in combined]
        combined.sort(key=lambda x: -x[0])
        hits = tuple(Hit(self.kb.sections[i], s, ranked) for s, i, ranked in combined[:k])
        top = combined[0][1]
        return Ranking(
            hits=hits,
            confidence=self.coverage(terms, top),
            terms=tuple(terms),
            similarity=float(similarity[top]) if similarity is not None else 0.0,
        )

    def coverage(self, terms: list[str], section_index: int) -> float:
        """IDF-weighted share of ``terms`` found in the section (unknown terms weigh most)."""
        present = self.section_terms[section_index]
        covered_by_tags = vocabulary().words
        total = found = 0.0
        for t in set(terms):
            if t in covered_by_tags and not t.startswith("#"):
                continue  # its #concept tag stands for it
            w = self.idf[t] if t in self.idf else self.unknown_idf * rarity(t.lstrip("#"))
            total += w
            if t in present:
                found += w
        return found / total if total else 0.0


class SemanticIndex:
    """Per-section best cosine similarity between a question and the section's sentences/examples."""

    def __init__(self, owners: list[int], vectors: Any, sections: int):
        from bot.kb.embed import default_encoder

        self.encoder = default_encoder()
        self.owners = np.array(owners)
        self.vectors = vectors
        self.sections = sections

    def similarities(self, question: str) -> Any:
        scores = self.vectors @ self.encoder.encode_one(question)
        best = np.zeros(self.sections, dtype=np.float32)
        np.maximum.at(best, self.owners, scores)
        return best


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
    items += [(index[sid], q) for sid, qs in examples.items() for q in qs if sid in index]
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
    return SemanticIndex([o for o, _ in items], vectors, len(kb.sections))


_DEFAULT_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _build_default() -> Retriever:
    return Retriever(KnowledgeBase.load())


def default_retriever() -> Retriever:
    """A retriever over the shipped knowledge base (built once per process, thread-safe)."""
    with _DEFAULT_LOCK:
        return _build_default()
