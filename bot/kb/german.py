"""German questions (and a German notice) in English words, for matching against the privacy vocabulary.

``gloss`` rewrites a German text word by word with ``policy_kb/german.yml``: phrases first ("wie lange" ->
"how long"), then each word by its form, its lemma (spaCy's German lookup table from ``spacy-lookups-data``,
nothing downloaded) or its parts when it is a compound ("Speicherdauer" -> "store duration"). German function
words it does not translate are dropped; other words it does not know (names such as "YouTube", loanwords
such as "Cookies") stay as they are. The gloss is then read like
an English question: lemmas and #concept tags for retrieval, the overview and silence patterns.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT
from bot.text import lemma_table

GLOSSARY_FILE = PROJECT_ROOT / "policy_kb" / "german.yml"
_WORD_RE = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
MIN_PART = 3  # the shortest part of a compound
_LINKS = ("", "s", "es", "n", "en", "e")  # linking elements between the parts of a compound ("Auskunft-s-recht")
_ENDINGS = ("ern", "en", "em", "er", "es", "et", "st", "te", "e", "n", "s", "t")  # inflection, longest first
MIN_STEM = 4
# Separable verb particles: "bewahrt ihr meine Daten auf?" is "aufbewahren", the particle ending the clause.
_PARTICLES = ("an", "auf", "aus", "ab", "ein", "mit", "vor", "zu", "heraus", "zurück", "fest", "nach", "weg")
_CLAUSE_TAIL = {"so", "denn", "eigentlich", "mal", "überhaupt", "genau", "alles", "bitte", "noch"}
_CLAUSE_RE = re.compile(r"[,.;:!?]")


def stem(word: str) -> str:
    """A crude German stem: without the participle's "ge-" and one inflectional ending ("gespeichert" ->
    "speicher"), so forms the lemma table lacks meet the glossary's."""
    if word.startswith("ge") and len(word) > 6:
        word = word[2:]
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


@dataclass(frozen=True)
class Glossary:
    """German words and phrases with their English words."""

    words: dict[str, str]
    phrases: dict[tuple[str, ...], str]
    stems: dict[str, str]

    @classmethod
    def load(cls, path: Path = GLOSSARY_FILE) -> Glossary:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        words = {str(k).lower(): str(v or "") for k, v in data["words"].items()}
        phrases = {tuple(str(k).lower().split()): str(v or "") for k, v in data["phrases"].items()}
        stems: dict[str, str] = {}
        for key in sorted(words, key=len):  # the shortest key of a stem gives its English
            stems.setdefault(stem(key), words[key])
        return cls(words, phrases, stems)

    def word(self, word: str) -> str | None:
        """The English of one lower-case German word (its form, lemma, stem or compound parts); None if unknown."""
        found = self._simple(word)
        return found if found is not None else self._compound(word, depth=2)

    def _simple(self, word: str) -> str | None:
        for form in (word, german_lemma(word)):
            if form in self.words:
                return self.words[form]
        return self.stems.get(stem(word))

    def _compound(self, word: str, depth: int) -> str | None:
        if depth == 0 or len(word) < 2 * MIN_PART:
            return None
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):  # the longest known head part wins
            head, tail = word[: len(word) - cut], word[len(word) - cut :]
            tail_english = self._simple(tail)
            if tail_english is None:
                continue
            for link in _LINKS:
                if link and not head.endswith(link):
                    continue
                first = head[: len(head) - len(link)] if link else head
                head_english = self._simple(first)
                if head_english is None and len(first) >= 2 * MIN_PART:
                    head_english = self._compound(first, depth - 1)
                if head_english is not None and len(first) >= MIN_PART:
                    return f"{head_english} {tail_english}".strip()
        return None


@functools.lru_cache(maxsize=1)
def glossary() -> Glossary:
    """The shipped glossary (loaded once)."""
    return Glossary.load()


@functools.lru_cache(maxsize=65536)
def german_lemma(word: str) -> str:
    """The lower-case lemma of a German word from spaCy's lookup table (the word itself if not listed)."""
    for form in (word, word.capitalize()):
        found = lemma_table("de").get(form)
        if found:
            return str(found).lower()
    return word


def gloss(text: str, vocabulary: Glossary | None = None) -> str:
    """``text`` in English words, German phrase by phrase and word by word; unknown words unchanged."""
    vocabulary = vocabulary or glossary()
    words = [
        w
        for clause in _CLAUSE_RE.split(text)
        for w in _rejoin_particle([w.lower().replace("’", "'") for w in _WORD_RE.findall(clause)], vocabulary)
    ]
    longest = max((len(k) for k in vocabulary.phrases), default=1)
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 1, -1):
            phrase = vocabulary.phrases.get(tuple(words[i : i + n]))
            if phrase is not None:
                out.append(phrase)
                i += n
                break
        else:
            out.append(_word(words[i], vocabulary))
            i += 1
    return " ".join(w for w in out if w)


def _rejoin_particle(words: list[str], vocabulary: Glossary) -> list[str]:
    """A clause with its separable verb whole again: "bewahrt ihr meine daten auf" -> "aufbewahren ihr meine
    daten", when particle and verb make a word the glossary knows (else the clause unchanged)."""
    end = len(words)
    while end > 1 and words[end - 1] in _CLAUSE_TAIL:
        end -= 1
    if end < 2 or words[end - 1] not in _PARTICLES:
        return words
    particle = words[end - 1]
    for i, word in enumerate(words[: end - 1]):
        for form in (word, german_lemma(word), stem(word) + "en"):
            if particle + form in vocabulary.words:
                return [*words[:i], particle + form, *words[i + 1 : end - 1], *words[end:]]
    return words


@functools.lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from spacy.lang.de.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _word(word: str, vocabulary: Glossary) -> str:
    english = vocabulary.word(word)
    if english is not None:
        return english
    if word in _stopwords():  # a German function word the glossary does not translate says nothing
        return ""
    if "-" in word:  # "IP-Adresse", "Server-Logfiles": each part
        return " ".join(_word(part, vocabulary) for part in word.split("-") if part)
    return word
