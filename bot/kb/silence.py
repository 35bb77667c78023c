"""Silence detection: questions on topics the notice does not mention (selling data, location tracking …).

Retrieval alone finds the nearest section even when none answers, and a neighbouring section quoted as if
it answered misleads. ``policy_kb/topics.yml`` lists topics privacy questions ask about, each with a
pattern for the question and one for a notice; a topic the notice's text never matches is one it is
silent on, and a question about it gets a plain "the notice does not mention this".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.kb.model import KnowledgeBase
from bot.settings import PROJECT_ROOT

TOPICS_FILE = PROJECT_ROOT / "policy_kb" / "topics.yml"


@dataclass(frozen=True)
class Topic:
    """A topic a notice may leave out."""

    id: str
    label: str
    question: re.Pattern[str]
    notice: re.Pattern[str]


def load_topics(path: Path = TOPICS_FILE) -> list[Topic]:
    """The topics of ``path``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Topic(key, str(t["label"]), re.compile(t["question"], re.I), re.compile(t["notice"], re.I))
        for key, t in data["topics"].items()
    ]


class SilenceDetector:
    """The topics one knowledge base is silent on, and which of them a question asks about."""

    def __init__(self, kb: KnowledgeBase, topics: list[Topic] | None = None):
        text = "\n".join(f"{s.title}\n{s.text}" for s in kb.sections)
        self.silent = [t for t in (load_topics() if topics is None else topics) if not t.notice.search(text)]

    def topic(self, question: str) -> Topic | None:
        """The first silent topic ``question`` asks about, if any."""
        return next((t for t in self.silent if t.question.search(question)), None)


_DETECTORS: dict[int, tuple[KnowledgeBase, SilenceDetector]] = {}


def silent_topic(question: str, kb: KnowledgeBase) -> Topic | None:
    """The topic of ``question`` that ``kb`` does not mention, if any (detector built once per knowledge base)."""
    cached = _DETECTORS.get(id(kb))
    if cached is None or cached[0] is not kb:
        cached = _DETECTORS[id(kb)] = (kb, SilenceDetector(kb))
    return cached[1].topic(question)
