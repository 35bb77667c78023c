"""Which data-subject rights a message asks to exercise, from the parses of a trained NLU model.

Two sources are combined: the intent of the whole message (DIET multi-intents such as
``request_access+request_erasure``) and the intents of its clauses ("send me a copy of my data",
"then close my account"), so that combinations not seen in training are still found. A question
about a right names the right in ``question_about`` but requests nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.rights.catalogue import requested_rights, right_ids
from bot.text import concepts, lemmas

WHOLE_THRESHOLD = 0.5  # confidence the whole message's intent needs to count
CLAUSE_THRESHOLD = 0.8  # a clause is short and out of context: it must be surer
QUESTION_INTENT = "ask_question"
CLAUSE_SPLIT_RE = re.compile(
    r"(?:[.;!?]+\s+|\s*,?\s+(?:and then|and afterwards|and also|then|afterwards|also|plus|as well as)\s+"
    r"|\s*,\s+and\s+|\s+and\s+(?=(?:please\s+)?(?:i\s+)?[a-z]+\s+(?:me|my|all|the|your|everything|it)\b))",
    re.I,
)


LEADING_CONNECTIVE_RE = re.compile(r"^(?:and|also|then|afterwards|plus|but)\b[\s,]*", re.I)


def clauses(text: str) -> list[str]:
    """Clauses of a message that could each carry a request, without leading connectives."""
    parts = [LEADING_CONNECTIVE_RE.sub("", p.strip(" ,.;!?")) for p in CLAUSE_SPLIT_RE.split(text)]
    return [p for p in parts if p]


@dataclass
class Triage:
    """The outcome for one message."""

    message: str
    rights: list[str]
    intent: str | None
    confidence: float
    entities: list[dict[str, Any]]
    question_about: list[str] = field(default_factory=list)
    clause_intents: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of `privacybot triage --json`."""
        return {
            "message": self.message,
            "rights": self.rights,
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "entities": self.entities,
            "question_about": self.question_about,
            "clauses": self.clause_intents,
        }


def _top_intent(parse: dict[str, Any]) -> tuple[str | None, float]:
    """The intent and its confidence, looking through the fallback classifier's verdict."""
    intent = parse.get("intent") or {}
    name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
    if name == "nlu_fallback":
        ranking = [r for r in parse.get("intent_ranking", []) if r.get("name") != "nlu_fallback"]
        if ranking:
            return ranking[0]["name"], float(ranking[0]["confidence"])
    return name, confidence


def _entities(parse: dict[str, Any]) -> list[dict[str, Any]]:
    keep = ("entity", "value", "start", "end", "extractor")
    seen: set[tuple[str, str]] = set()
    out = []
    for e in parse.get("entities", []):
        key = (e.get("entity"), str(e.get("value")))
        if key not in seen:
            seen.add(key)
            out.append({k: e[k] for k in keep if k in e})
    return out


def rights_named(text: str) -> list[str]:
    """Rights a text talks about (by the privacy vocabulary), e.g. for a question."""
    ids = set(right_ids())
    found: list[str] = []
    for concept in concepts(lemmas(text)):
        right = concept.removeprefix("right_")
        if concept.startswith("right_") and right in ids and right not in found:
            found.append(right)
    return found


def is_question(whole: dict[str, Any]) -> bool:
    """Whether a message's own parse makes it a question: then it requests nothing, whatever its clauses say."""
    intent, confidence = _top_intent(whole)
    return intent == QUESTION_INTENT and confidence >= WHOLE_THRESHOLD


def combine(text: str, whole: dict[str, Any], parts: Iterable[tuple[str, dict[str, Any]]]) -> Triage:
    """Decide the rights from the whole message's parse and its clauses' parses."""
    intent, confidence = _top_intent(whole)
    rights: list[str] = []
    asks_question = is_question(whole)
    if not asks_question:
        rights.extend(requested_rights(whole, WHOLE_THRESHOLD))
    clause_info = []
    for clause, parse in parts:
        c_intent, c_conf = _top_intent(parse)
        clause_info.append({"text": clause, "intent": c_intent, "confidence": round(c_conf, 3)})
        if asks_question:
            continue  # a question about rights requests nothing, whatever its parts look like
        rights.extend(r for r in requested_rights(parse, CLAUSE_THRESHOLD) if r not in rights)
    question_about = rights_named(text) if intent == QUESTION_INTENT else []
    return Triage(
        message=text,
        rights=rights,
        intent=intent,
        confidence=confidence,
        entities=_entities(whole),
        question_about=question_about,
        clause_intents=clause_info,
    )
