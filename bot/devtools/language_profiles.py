"""Rebuild the language detector's n-gram profiles (bot/dialogue/language_profiles.json) from our NLU data.

German: the examples of ``nlu_data/nlu/de_*.yml``; English: the examples of the other files. Run after
changing the training data: ``python -m bot.devtools.language_profiles``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import yaml

from bot.devtools.training import DATA_DIR
from bot.dialogue.language import ENGLISH, GERMAN, PROFILES_FILE, ngrams

MIN_COUNT = 2  # n-grams seen once are dropped: they are mostly names and typos, and they bloat the file


def examples(path: Path) -> list[str]:
    """The intent examples of one NLU file (synonyms, regexes and lookups skipped)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    texts: list[str] = []
    for block in data.get("nlu", []):
        if "intent" in block:
            texts += [line.strip()[2:] for line in block["examples"].splitlines() if line.strip().startswith("- ")]
    return texts


def build_profiles(nlu_dir: Path = DATA_DIR / "nlu") -> dict[str, dict[str, int]]:
    """The n-gram counts per language over the training examples."""
    counts: dict[str, Counter[str]] = {GERMAN: Counter(), ENGLISH: Counter()}
    for path in sorted(nlu_dir.glob("*.yml")):
        language = GERMAN if path.name.startswith("de_") else ENGLISH
        for text in examples(path):
            counts[language].update(ngrams(text))
    return {lang: dict(sorted((g, n) for g, n in c.items() if n >= MIN_COUNT)) for lang, c in counts.items()}


def write_profiles(out: Path = PROFILES_FILE) -> Path:
    """Write the profiles as compact JSON; the path written."""
    payload = {"source": "nlu_data/nlu (de_*.yml: German; the rest: English)", "counts": build_profiles()}
    out.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    print(f"wrote {write_profiles()}")
