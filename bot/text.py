"""Text processing for retrieval: tokens, spaCy lookup lemmas, privacy concepts, typo repair.

Uses spaCy's blank English pipeline with the lookup lemmatizer from ``spacy-lookups-data`` (installed
with the package, nothing is downloaded). Concepts come from ``policy_kb/vocabulary.yml``: a phrase
from a concept adds the token ``#concept`` so that "erase", "remove" and "cancellation" meet.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process
from spacy.lang.en.stop_words import STOP_WORDS

from bot.settings import PROJECT_ROOT

VOCABULARY_FILE = PROJECT_ROOT / "policy_kb" / "vocabulary.yml"
WORD_RE = re.compile(r"[a-z0-9]+(?:['’.-][a-z0-9]+)*")
MAX_PHRASE = 5
# spaCy's list has words that carry meaning in privacy questions ("name", "keep", "show", ...).
_MEANINGFUL = {
    "name", "keep", "see", "show", "give", "get", "full", "first", "last", "back", "call", "move",
    "off", "out", "used", "using", "made", "part", "empty", "serious", "down", "up",
}  # fmt: skip
# Words that say nothing about which part of a notice is meant.
_GENERIC = {
    "pls", "please", "hi", "get", "use", "do", "want", "know", "tell", "like", "need",
    "data", "personal", "website", "site", "page", "thing", "question", "ask", "happen", "exactly",
    "mean", "meaning", "explain", "cover", "allow", "able", "possible", "anything", "something",
}  # fmt: skip
STOPWORDS = frozenset(w for w in STOP_WORDS if w not in _MEANINGFUL) | _GENERIC


@functools.lru_cache(maxsize=2)
def lemma_table(language: str = "en") -> Any:
    """spaCy's lookup lemma table for ``language`` (from spacy-lookups-data, loaded once per language)."""
    import spacy

    nlp = spacy.blank(language)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")  # type: ignore[attr-defined]


# Where the lookup table is wrong for our texts ("ai" -> "have" from "ain't", "does" -> "doe").
LEMMA_EXCEPTIONS = {"ai": "ai", "does": "do", "data": "data", "media": "media"}


@functools.lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """The spaCy lookup lemma of a lower-case word (the table is keyed by string hashes)."""
    return LEMMA_EXCEPTIONS.get(word) or str(lemma_table().get(word, word))


@dataclass(frozen=True)
class Vocabulary:
    """Concept phrases (as lemma tuples) and casual spellings."""

    phrases: dict[tuple[str, ...], frozenset[str]]
    casual: dict[str, str]
    concepts: tuple[str, ...] = field(default=())

    @classmethod
    def load(cls, path: Path = VOCABULARY_FILE) -> Vocabulary:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        casual = {str(k).lower(): str(v).lower() for k, v in (data.get("casual") or {}).items()}
        phrases: dict[tuple[str, ...], set[str]] = {}
        for concept, words in data["concepts"].items():
            for phrase in words:
                key = tuple(lemma(w) for w in WORD_RE.findall(str(phrase).lower()))
                if key:
                    phrases.setdefault(key[:MAX_PHRASE], set()).add(concept)
        return cls(
            phrases={k: frozenset(v) for k, v in phrases.items()},
            casual=casual,
            concepts=tuple(data["concepts"]),
        )

    @property
    def words(self) -> set[str]:
        """Every single lemma that appears in a concept phrase."""
        return {w for key in self.phrases for w in key}

    def concepts_of(self) -> dict[str, frozenset[str]]:
        """For each lemma of a concept phrase, the ``#concept`` tags of the phrases it appears in."""
        found: dict[str, set[str]] = {}
        for key, concepts in self.phrases.items():
            for word in key:
                found.setdefault(word, set()).update(f"#{c}" for c in concepts)
        return {w: frozenset(c) for w, c in found.items()}


@functools.lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The shipped privacy vocabulary (loaded once)."""
    return Vocabulary.load()


CONTRACTIONS = [("n't", " not"), ("'re", " are"), ("'m", " am"), ("'ll", " will"), ("'ve", " have"),
                ("'d", " would"), ("'s", "")]  # fmt: skip


def _expand(text: str) -> str:
    text = text.lower().replace("’", "'").replace("can't", "can not").replace("won't", "will not")
    for short, long in CONTRACTIONS:
        text = text.replace(short, long)
    return text


def lemmas(text: str, vocab: Vocabulary | None = None) -> list[str]:
    """Lower-case word lemmas of ``text``, contractions and casual spellings expanded, stopwords kept."""
    vocab = vocab or vocabulary()
    out: list[str] = []
    for word in WORD_RE.findall(_expand(text)):
        for part in vocab.casual.get(word, word).split():
            out.append(lemma(part))
    return out


def concepts(seq: list[str], vocab: Vocabulary | None = None) -> list[str]:
    """Concept ids whose phrases occur in a lemma sequence; longest phrase first, no overlaps."""
    vocab = vocab or vocabulary()
    found: list[str] = []
    i = 0
    while i < len(seq):
        for n in range(min(MAX_PHRASE, len(seq) - i), 0, -1):
            hit = vocab.phrases.get(tuple(seq[i : i + n]))
            if hit:
                found.extend(sorted(hit))
                i += n
                break
        else:
            i += 1
    return found


def content(seq: Iterable[str]) -> list[str]:
    """Drop stopwords and one-letter tokens."""
    return [w for w in seq if w not in STOPWORDS and len(w) > 1]


class TypoFixer:
    """Maps unknown words to the closest known word (rapidfuzz), with a cache."""

    def __init__(self, known: Iterable[str], cutoff: float = 84.0):
        self.known = sorted({w for w in known if len(w) >= 3})
        self._known_set = set(self.known)
        self.cutoff = cutoff
        self._cache: dict[str, str] = {}

    def fix(self, word: str) -> str:
        """``word`` itself if known or too short to judge, else its closest known word."""
        if word in self._known_set or len(word) < 4 or word.isdigit():
            return word
        if word not in self._cache:
            match = process.extractOne(word, self.known, scorer=fuzz.ratio, score_cutoff=self.cutoff)
            self._cache[word] = match[0] if match else word
        return self._cache[word]


COMMON_LOGPROB = -13.0


@functools.lru_cache(maxsize=1)
def _word_logprobs() -> dict[str, float]:
    """Log-probabilities of English words (spacy-lookups-data), trimmed and cached under var/cache."""
    import json
    from importlib.metadata import version

    cache = PROJECT_ROOT / "var" / "cache" / f"lexeme_prob-{version('spacy-lookups-data')}.json"
    if cache.exists():
        return dict(json.loads(cache.read_text(encoding="utf-8")))
    import gzip

    import spacy_lookups_data

    source = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    with gzip.open(source, "rt", encoding="utf-8") as fh:
        table: dict[str, float] = json.load(fh)
    words = {w: p for w, p in table.items() if p > COMMON_LOGPROB and w.isalpha() and w.islower()}
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp")
    tmp.write_text(json.dumps(words), encoding="utf-8")
    tmp.replace(cache)
    return words


def rarity(word: str) -> float:
    """0.25 for everyday English words up to 1.0 for rare words and names never seen in English text."""
    logprob = _word_logprobs().get(word, -20.0)
    return min(1.0, max(0.25, (-logprob - 7.0) / 6.0))


def analyse(text: str, fixer: TypoFixer | None = None) -> list[str]:
    """Index/query tokens: content lemmas (typos repaired) plus ``#concept`` tags."""
    seq = lemmas(text)
    if fixer is not None:
        seq = [fixer.fix(w) if w not in STOPWORDS else w for w in seq]
    return content(seq) + ["#" + c for c in concepts(seq)]
