"""Rank the notice's sections and sentences for a question.

Lexical signals: BM25 indexes over spaCy lemmas plus ``#concept`` tags from the privacy vocabulary (whole
sections with title and metadata, sentences, titles, example questions). Semantic signals: MiniLM cosine
similarity of the question to the section's sentences and to its example questions. A section's score is
a weighted sum of these signals (``SIGNALS``), the weights fitted by ``bot.devtools.kb_fit``.
German questions (``lang="de"``) are read through their English gloss (``bot.kb.german``) and also meet
German example questions (lexically by their gloss, semantically as written); a German notice is indexed by
its gloss. English questions never see the German example questions.
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

from bot.kb.bm25 import PostingsBM25
from bot.kb.german import gloss
from bot.kb.model import KB_FILE, KB_FILE_DE, KnowledgeBase, Section
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
# 5-fold cross-validated top-1 0.942 on its 240 answerable questions); scaled to a largest of 1.
WEIGHTS = (0.099, 0.0, 0.0, 0.075, 0.248, 1.0)
# For German questions (their gloss and the German example questions): fitted on tests/eval/kb_de_dev.yml by
# `privacybot kb fit-weights --set kb-de-dev` (5-fold cross-validated top-1 0.869 on its 61 answerable questions
# about the notice, against 0.836 in-sample with WEIGHTS). The gloss's lexical signals weigh more than for English.
WEIGHTS_DE = (0.0, 0.686, 0.334, 0.875, 1.0, 0.671)
# A word of a German question that neither the notice nor the glossary knows weighs this share of an unknown
# English word: the glossary cannot hold all of German, so such a word is less sure a sign of another topic.
UNKNOWN_GERMAN = 0.5
# Questions and the notice are compared in the encoder's 8-bit variant (bot.kb.minilm_onnx): a third of the
# encoding time; weights refitted for it, English figures as with the full encoder, German one question less.
QUANTIZED = True
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


def load_examples(kb: KnowledgeBase, path: Path = EXAMPLES_FILE, key: str = "sections") -> dict[str, list[str]]:
    """Example questions per section id (``key``: "sections" English, "german" German), if the file was written
    for this knowledge base's source."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if data.get("source") != kb.source:
        return {}
    ids = {s.id for s in kb.sections}
    unknown = set(data.get(key) or {}) - ids
    if unknown:
        raise ValueError(f"{path.name} names sections the knowledge base lacks: {sorted(unknown)}")
    return {str(k): list(v) for k, v in (data.get(key) or {}).items()}


def _idf(section_terms: list[set[str]]) -> dict[str, float]:
    n = len(section_terms)
    df: dict[str, int] = {}  # document frequency over sections (with their example questions)
    for terms in section_terms:
        for t in terms:
            df[t] = df.get(t, 0) + 1
    return {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}


class Retriever:
    """Section and sentence retrieval over one knowledge base."""

    def __init__(
        self,
        kb: KnowledgeBase,
        examples: dict[str, list[str]] | None = None,
        semantic: bool = True,
        german_examples: dict[str, list[str]] | None = None,
    ):
        self.kb = kb
        read = (lambda text: analyse(gloss(text))) if kb.language == "de" else analyse
        titles = [read(s.title) for s in kb.sections]
        self.sentences: list[tuple[int, int, str]] = []  # (section idx, sentence idx, text)
        section_docs, sentence_docs = [], []
        for i, section in enumerate(kb.sections):
            meta = section.metadata
            extra = " ".join([*meta.get("third_parties", []), *(meta.get("data_categories") or [])])
            body = read(section.text) + analyse(extra.replace("_", " "))
            section_docs.append(titles[i] * TITLE_WEIGHT + body)
            for j, sentence in enumerate(s for p in section.passages for s in p.sentences):
                self.sentences.append((i, j, sentence))
                sentence_docs.append(read(sentence) + titles[i])
        examples = load_examples(kb) if examples is None else examples
        german = load_examples(kb, key="german") if german_examples is None else german_examples
        self.examples: list[tuple[int, list[str]]] = [
            (i, analyse(q)) for i, s in enumerate(kb.sections) for q in examples.get(s.id, [])
        ]
        self.examples_de = self.examples + [
            (i, analyse(gloss(q))) for i, s in enumerate(kb.sections) for q in german.get(s.id, [])
        ]
        self.example_index = PostingsBM25([d or ["\0"] for _, d in self.examples]) if self.examples else None
        self.example_index_de = PostingsBM25([d or ["\0"] for _, d in self.examples_de]) if self.examples_de else None
        self.section_terms = [set(d) for d in section_docs]
        for i, doc in self.examples:
            self.section_terms[i].update(doc)
        self.section_terms_de = [set(t) for t in self.section_terms]
        for i, doc in self.examples_de:
            self.section_terms_de[i].update(doc)
        self.example_owners = np.array([i for i, _ in self.examples], dtype=np.intp)
        self.example_owners_de = np.array([i for i, _ in self.examples_de], dtype=np.intp)
        self.sentence_owners = np.array([si for si, _, _ in self.sentences], dtype=np.intp)
        self.sentence_positions = np.array([sj for _, sj, _ in self.sentences], dtype=np.intp)
        # where each section's sentences end in an array sorted by section (every section, even without any)
        self.sentence_bounds = np.searchsorted(np.sort(self.sentence_owners), np.arange(1, len(kb.sections)))
        self.section_index = PostingsBM25(section_docs)
        self.title_index = PostingsBM25([t or ["\0"] for t in titles])
        self.sentence_index = PostingsBM25(sentence_docs)
        known = {t for d in section_docs for t in d if not t.startswith("#")} | vocabulary().words
        self.fixer = TypoFixer(known)
        self.word_concepts = vocabulary().concepts_of()
        n = len(section_docs)
        self.idf = _idf(self.section_terms)
        self.idf_de = _idf(self.section_terms_de)
        self.unknown_idf = math.log(1 + (n + 0.5) / 0.5)
        self.semantic = _semantic_index(kb, self.sentences, examples, german) if semantic else None

    def terms(self, question: str, lang: str = "en") -> list[str]:
        """The question's index terms: of its English gloss when it is German."""
        return analyse(gloss(question)) if lang == "de" else analyse(question, self.fixer)

    def signals(
        self, question: str, terms: list[str], lang: str = "en"
    ) -> tuple[Any, list[tuple[tuple[int, float], ...]], Any]:
        """Per section: the ``SIGNALS`` (one row each), its sentences ranked by BM25 (best first) and the
        best cosine of any of its sentences or example questions (None without embeddings)."""
        n = len(self.kb.sections)
        matrix = np.zeros((n, len(SIGNALS)), dtype=np.float64)
        matrix[:, 0] = self.section_index.get_scores(terms)
        matrix[:, 2] = np.maximum(self.title_index.get_scores(terms), 0.0)
        example_index, owners = (
            (self.example_index_de, self.example_owners_de)
            if lang == "de"
            else (self.example_index, self.example_owners)
        )
        if example_index is not None:
            np.maximum.at(matrix[:, 3], owners, example_index.get_scores(terms))
        ranked = self._ranked_sentences(self.sentence_index.get_scores(terms))
        matrix[:, 1] = [r[0][1] if r else 0.0 for r in ranked]
        matrix[:, :4] /= np.maximum(matrix[:, :4].max(axis=0), 1e-9)
        best = None
        if self.semantic is not None:
            matrix[:, 4], matrix[:, 5], best = self.semantic.similarities(question, german=lang == "de")
        return matrix, ranked, best

    def _ranked_sentences(self, scores: Any) -> list[tuple[tuple[int, float], ...]]:
        """Per section, its sentences as (index in the section, BM25 score), best first (ties in text order)."""
        order = np.lexsort((-scores, self.sentence_owners))  # by section, then score, stable within ties
        ranked: list[tuple[tuple[int, float], ...]] = []
        for rows in np.split(order, self.sentence_bounds):
            ranked.append(tuple((int(self.sentence_positions[r]), float(scores[r])) for r in rows))
        return ranked

    def search(self, question: str, k: int = 3, lang: str = "en") -> Ranking:
        """The top ``k`` sections for ``question`` (in language ``lang``) and the confidence in the first."""
        terms = self.terms(question, lang)
        if not terms and (self.semantic is None or not question.strip()):
            return Ranking(hits=(), confidence=0.0, terms=())
        matrix, ranked, best = self.signals(question, terms, lang)
        weights = (WEIGHTS_DE if lang == "de" else WEIGHTS) if self.semantic is not None else LEXICAL_WEIGHTS
        scores = matrix @ np.array(weights)
        order = np.argsort(-scores, kind="stable")
        hits = tuple(Hit(self.kb.sections[i], float(scores[i]), ranked[i]) for i in order[:k])
        top = int(order[0])
        return Ranking(
            hits=hits,
            confidence=self.coverage(terms, top, lang),
            terms=tuple(terms),
            similarity=float(best[top]) if best is not None else None,
        )

    def coverage(self, terms: list[str], section_index: int, lang: str = "en") -> float:
        """IDF-weighted share of ``terms`` found in the section (unknown terms weigh most)."""
        present = (self.section_terms_de if lang == "de" else self.section_terms)[section_index]
        idf = self.idf_de if lang == "de" else self.idf
        tags = {t for t in terms if t.startswith("#")}
        total = found = 0.0
        for t in set(terms):
            if self.word_concepts.get(t, frozenset()) & tags:
                continue  # a #concept tag of the question stands for it
            rare = UNKNOWN_GERMAN if lang == "de" else None
            w = idf[t] if t in idf else self.unknown_idf * (rare or rarity(t.lstrip("#")))
            total += w
            if t in present:
                found += w
        return found / total if total else 0.0


class SemanticIndex:
    """Cosine similarities between a question and each section's sentences and example questions."""

    def __init__(self, owners: list[int], examples: int, german: int, vectors: Any, sections: int):
        from bot.kb.embed import default_encoder

        self.encoder = default_encoder(QUANTIZED)
        self.owners = np.array(owners)
        position = np.arange(len(owners))
        self.is_german = position >= len(owners) - german  # German example questions come last ...
        self.is_example = position >= len(owners) - german - examples  # ... after the English ones
        self.vectors = vectors
        self.sections = sections
        self.sentence_rows = np.flatnonzero(~self.is_example)
        usable = {lang: self.is_example & (~self.is_german | (lang == "de")) for lang in ("en", "de")}
        self.example_rows = {lang: self._padded_rows(mask) for lang, mask in usable.items()}
        self.usable_rows = {lang: np.flatnonzero(mask) for lang, mask in usable.items()}

    def _padded_rows(self, mask: Any) -> tuple[Any, Any, Any]:
        """The sections with example questions in ``mask``, their rows padded with -1 (one row of the matrix
        per section) and how many of their closest examples are averaged."""
        rows = np.flatnonzero(mask)
        sections = np.unique(self.owners[rows])
        groups = [rows[self.owners[rows] == s] for s in sections]
        padded = np.full((len(groups), max((len(g) for g in groups), default=0)), -1, dtype=np.intp)
        for k, group in enumerate(groups):
            padded[k, : len(group)] = group
        counts = np.array([min(len(g), NEAREST_EXAMPLES) for g in groups], dtype=np.float32)
        return sections, padded, counts

    def similarities(self, question: str, german: bool = False) -> tuple[Any, Any, Any]:
        """Per section: best cosine over its sentences, mean over its closest example questions, best overall
        (German example questions only for a German question)."""
        # einsum, not `@`: BLAS's threads spin against the other processes' work (5 ms instead of 0.2 under load)
        scores = np.einsum("ij,j->i", self.vectors, self.encoder.encode_one(question))
        best_sentence = np.full(self.sections, -1.0, dtype=np.float32)
        np.maximum.at(best_sentence, self.owners[self.sentence_rows], scores[self.sentence_rows])
        examples = best_sentence.copy()
        sections, padded, counts = self.example_rows["de" if german else "en"]
        if len(sections):
            gathered = np.append(scores, -np.inf).astype(np.float32)[padded]  # padding (-1) reads the -inf
            k = min(NEAREST_EXAMPLES, padded.shape[1])
            closest = np.partition(gathered, -k, axis=1)[:, -k:]
            examples[sections] = np.where(np.isfinite(closest), closest, 0.0).sum(axis=1) / counts
        best = best_sentence.copy()
        usable = self.usable_rows["de" if german else "en"]
        np.maximum.at(best, self.owners[usable], scores[usable])
        return best_sentence, examples, best


def _semantic_index(
    kb: KnowledgeBase,
    sentences: list[tuple[int, int, str]],
    examples: dict[str, list[str]],
    german: dict[str, list[str]],
) -> SemanticIndex | None:
    """Embeddings of every sentence and example question, cached under var/cache by content hash."""
    try:
        from bot.kb.embed import default_encoder
    except ImportError:
        return None
    index = {s.id: i for i, s in enumerate(kb.sections)}
    items = [(si, text) for si, _, text in sentences]
    example_items = [(index[sid], q) for sid, qs in examples.items() for q in qs if sid in index]
    german_items = [(index[sid], q) for sid, qs in german.items() for q in qs if sid in index]
    items += example_items + german_items
    variant = "int8\n" if QUANTIZED else ""
    digest = hashlib.sha256((variant + "\n".join(f"{o}\t{t}" for o, t in items)).encode()).hexdigest()[:16]
    cache = PROJECT_ROOT / "var" / "cache" / f"kb-embeddings-{digest}.npy"
    if cache.exists():
        vectors = np.load(cache)
    else:
        vectors = default_encoder(QUANTIZED).encode([t for _, t in items])
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.npy")
        np.save(tmp, vectors)
        tmp.replace(cache)
    return SemanticIndex([o for o, _ in items], len(example_items), len(german_items), vectors, len(kb.sections))


_DEFAULT_LOCK = threading.Lock()


@functools.lru_cache(maxsize=2)
def _build_default(path: Path) -> Retriever:
    return Retriever(KnowledgeBase.load(path))


def default_retriever(language: str = "en") -> Retriever:
    """A retriever over the shipped knowledge base (built once per process, thread-safe); for German, over the
    German notice when the operator has built one (``privacybot kb build notice.de.md --lang de``)."""
    with _DEFAULT_LOCK:
        if language == "de" and KB_FILE_DE.exists():
            return _build_default(KB_FILE_DE)
        return _build_default(KB_FILE)
