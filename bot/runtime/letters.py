"""Whole letters in the Rasa server: a message's rights are the union of what its request sentences ask.

DIET reads a letter as one text and names the right it leans to most; the request in the third sentence
of a letter ("Once I have it, please erase it") is then lost. ``apply()`` wraps Rasa's message parsing so
that a message of several clauses is also parsed clause by clause and decided as ``bot.rights.triage`` decides
it (``bot.rights.triage.combine``: explanations, questions, unsure clauses and a closing threat to complain add
nothing). When that gives other rights than the whole message's intent, the message gets the domain's intent
for exactly those rights; when the domain has none for the combination, the whole message's parse stands if it
asks for some of them and nothing else (and not the complaint alone), otherwise the intent for the largest part
of them replaces it, so that the request flow starts. A
request intent for a message that asks nothing by those rules ("Muss ein Unternehmen …?", "nur mal allgemein
gefragt", "Ich behalte mir vor, mich an die Aufsichtsbehörde zu wenden") becomes a question.

The domain has intents for a few combinations only, so the intent cannot carry every set: a request's parse
also gets one ``requested_right`` entity per right ``combine`` decided (always, not only when the intent falls
short: the restatement and the ticket then read one source, the one the evaluation measures, and a typed
payload cannot bring its own). The intent still decides where the dialogue goes.
"""

from __future__ import annotations

from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rights import letters_de
from bot.rights.catalogue import RIGHT_ENTITY, in_catalogue_order, rights_from_intent
from bot.rights.letters_en import is_english
from bot.rights.triage import CLAUSE_THRESHOLD, COMPLAINT, QUESTION_INTENT, Triage, clauses, combine, is_question

_original = MessageProcessor._parse_message_with_graph
EXTRACTOR = "LetterRights"  # names this wrapper in the entities it adds


def as_letter(parse: dict[str, Any], parts: list[tuple[str, dict[str, Any]]], intents: list[str]) -> dict[str, Any]:
    """``parse`` with the rights of the whole message and its clauses as entities, and their intent if the
    domain has one (else the intent of their largest part)."""
    triage = combine(parse.get("text") or "", parse, parts)
    if not triage.rights:
        return as_question(with_rights(parse, triage))
    return with_rights(_with_intent(parse, set(triage.rights), intents), triage)


def with_rights(parse: dict[str, Any], triage: Triage) -> dict[str, Any]:
    """``parse`` with one ``requested_right`` entity per right of ``triage``, in the catalogue's order, instead of
    any it had; each spans the first clause that asks for the right, or the whole message."""
    text = parse.get("text") or ""
    kept = [e for e in parse.get("entities") or [] if e.get("entity") != RIGHT_ENTITY]
    added = []
    for right in in_catalogue_order(triage.rights):
        clause = triage.asked_in.get(right, "")
        start = text.find(clause) if clause else -1
        span = (start, start + len(clause)) if start >= 0 else (0, len(text))
        added.append({"entity": RIGHT_ENTITY, "value": right, "start": span[0], "end": span[1], "extractor": EXTRACTOR})
    return {**parse, "entities": [*kept, *added]}


def _with_intent(parse: dict[str, Any], rights: set[str], intents: list[str]) -> dict[str, Any]:
    """``parse`` with the intent for exactly ``rights``, if the domain has one (else see ``_largest_part``)."""
    current = parse.get("intent") or {}
    if rights == set(rights_from_intent(current.get("name"))):
        return parse
    name = next((i for i in intents if set(rights_from_intent(i)) == rights), None)
    if name is None:
        name = _largest_part(rights, current.get("name"), intents)
    if name is None:
        return parse
    chosen = {"name": name, "confidence": max(CLAUSE_THRESHOLD, float(current.get("confidence") or 0.0))}
    ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != name]
    return {**parse, "intent": chosen, "intent_ranking": [dict(chosen), *ranking]}


def as_question(parse: dict[str, Any]) -> dict[str, Any]:
    """``parse`` as a question when its intent is a request the message itself takes back ("nur mal allgemein
    gefragt", "Ich behalte mir vor, mich zu beschweren"): ``bot.rights.triage.combine`` finds no right in it."""
    current = parse.get("intent") or {}
    if not rights_from_intent(current.get("name")):
        return parse
    chosen = {"name": QUESTION_INTENT, "confidence": float(current.get("confidence") or 0.0)}
    ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != QUESTION_INTENT]
    return {**parse, "intent": chosen, "intent_ranking": [dict(chosen), *ranking]}


def _largest_part(rights: set[str], current: str | None, intents: list[str]) -> str | None:
    """Without an intent for all of ``rights``: none if the parse asks for some of them, else the largest part.

    Never the complaint alone: its rule answers with the authority and files only the complaint, while the
    request flow restates and files every right of the message (the complaint among them).
    """
    own = set(rights_from_intent(current))
    if own and own <= rights and own != {COMPLAINT}:
        return None  # the parse names some of the letter's rights and none besides: it stands
    parts = [i for i in intents if set(rights_from_intent(i)) - {COMPLAINT} and set(rights_from_intent(i)) <= rights]
    return max(parts, key=lambda i: len(rights_from_intent(i)), default=None)


def _parse_letter(
    self: MessageProcessor,
    message: UserMessage,
    tracker: DialogueStateTracker,
    only_output_properties: bool = True,
) -> dict[str, Any]:
    parse: dict[str, Any] = _original(self, message, tracker, only_output_properties)
    text = message.text or ""
    # A German question adds nothing by its clauses unless one asks politely ("könnt ihr …?"); an English
    # letter's request sentences count anyway.
    question = is_question(parse) and not is_english(text) and not letters_de.asks_politely(text)
    parts = [] if text.startswith("/") or question else clauses(text)
    if len(parts) < 2:  # one clause, or a German question (its clauses could add nothing): no more parses
        triage = combine(text, parse, [])
        parse = with_rights(parse, triage)
        return parse if triage.rights or is_question(parse) else as_question(parse)
    parsed = [(part, _original(self, UserMessage(part, sender_id=message.sender_id), tracker, True)) for part in parts]
    return as_letter(parse, parsed, list(self.domain.intents))


def apply() -> None:
    """Parse messages of several clauses as letters (in the Rasa server process)."""
    MessageProcessor._parse_message_with_graph = _parse_letter
