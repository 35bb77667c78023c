"""The language of a conversation: English or German, from the channel's setting, a request to switch, or the text.

The action server calls ``conversation_language`` on every turn with the visitor's messages so far and the
channel's language setting (the widget's ``language``, Telegram's ``language_code``); the result is stateless,
so the same history always gives the same language:

1. the last message that asks to switch ("auf Deutsch bitte", "can we speak English?") decides;
2. otherwise a supported channel setting ("de", "de-AT", "en_GB") decides;
3. otherwise the first ``FIRST_MESSAGES`` messages are classified (character n-grams, naive Bayes, profiles
   learned from our own training data: ``language_profiles.json``, rebuilt by ``bot.devtools.language_profiles``);
   too little text or too small a margin gives English, the default.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ENGLISH = "en"
GERMAN = "de"
DEFAULT_LANGUAGE = ENGLISH
SUPPORTED = (ENGLISH, GERMAN)
FIRST_MESSAGES = 3  # the language is detected from this many of the visitor's first messages
MIN_LETTERS = 6  # fewer letters than this ("hi", "ok", "Hallo") say nothing about the language
MIN_MARGIN = 0.15  # mean log-likelihood ratio per n-gram needed to leave the default
MAX_NGRAM = 4
PROFILES_FILE = Path(__file__).with_name("language_profiles.json")

_WORD = re.compile(r"[^\W\d_]+")
_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
_NAMES = {
    GERMAN: re.compile(r"\b(deutsch|german)\b", re.IGNORECASE),
    ENGLISH: re.compile(r"\b(englisch|english|engl)\b", re.IGNORECASE),
}
_SWITCH_CUE = re.compile(
    r"\b(sprechen|sprich|reden|schreiben|schreib|antworten|antworte|bitte|wechseln|umstellen|weiter|"
    r"k(ö|oe)nnen wir|speak|talk|write|reply|answer|switch|change|continue|please|pls|plz|can we|could we)\b",
    re.IGNORECASE,
)
_SWITCH_MAX_WORDS = 12


def words(text: str) -> list[str]:
    """The lower-cased words of a text (letters only; digits, codes and punctuation dropped)."""
    return _WORD.findall(_ENTITY_MARKUP.sub(r"\1", text).lower())


def ngrams(text: str) -> Counter[str]:
    """Character 1- to MAX_NGRAM-grams of each word padded with spaces (so word starts and ends count)."""
    grams: Counter[str] = Counter()
    for word in words(text):
        padded = f" {word} "
        for n in range(1, MAX_NGRAM + 1):
            grams.update(padded[i : i + n] for i in range(len(padded) - n + 1) if padded[i : i + n].strip())
    return grams


@dataclass(frozen=True)
class Profile:
    """One language's n-gram counts, smoothed into log-probabilities."""

    counts: dict[str, int]
    total: int
    vocabulary: int

    def log_probability(self, gram: str) -> float:
        return math.log((self.counts.get(gram, 0) + 0.5) / (self.total + 0.5 * self.vocabulary))


@cache
def profiles() -> dict[str, Profile]:
    """The shipped profiles per language, over a shared vocabulary."""
    data = json.loads(PROFILES_FILE.read_text(encoding="utf-8"))
    counts: dict[str, dict[str, int]] = data["counts"]
    vocabulary = len(set().union(*counts.values())) + 1
    return {lang: Profile(c, sum(c.values()), vocabulary) for lang, c in counts.items()}


def german_margin(text: str) -> float:
    """Mean log-likelihood ratio German : English per n-gram (positive: German); 0 without letters."""
    grams = ngrams(text)
    size = sum(grams.values())
    if not size:
        return 0.0
    de, en = profiles()[GERMAN], profiles()[ENGLISH]
    ratio = sum(n * (de.log_probability(g) - en.log_probability(g)) for g, n in grams.items())
    return ratio / size


def detect_language(texts: Iterable[str]) -> str:
    """German or English for these messages together; English when the text is too short or the margin small."""
    text = " ".join(texts)
    if sum(len(w) for w in words(text)) < MIN_LETTERS:
        return DEFAULT_LANGUAGE
    return GERMAN if german_margin(text) >= MIN_MARGIN else DEFAULT_LANGUAGE


def language_from_setting(code: str | None) -> str | None:
    """A supported language from a channel's setting ("de", "de-AT", "en_GB"); None if absent or unsupported."""
    if not code:
        return None
    primary = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return primary if primary in SUPPORTED else None


def requested_switch(text: str) -> str | None:
    """The language a short message asks to continue in ("auf Deutsch bitte", "can we speak English?").

    A language named without a cue to speak, write or please ("Is the English notice binding?") is no request;
    a message naming both languages is left undecided (None).
    """
    if len(words(text)) > _SWITCH_MAX_WORDS or not _SWITCH_CUE.search(text):
        return None
    named = [lang for lang, pattern in _NAMES.items() if pattern.search(text)]
    return named[0] if len(named) == 1 else None


def conversation_language(user_texts: Sequence[str], setting: str | None = None) -> str:
    """The language to answer in, from the visitor's messages so far (oldest first) and the channel's setting."""
    for text in reversed(user_texts):
        switch = requested_switch(text)
        if switch:
            return switch
    return language_from_setting(setting) or detect_language(user_texts[:FIRST_MESSAGES])
