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

from bot.rights import letters_de, letters_en
from bot.rights.catalogue import requested_rights, right_ids, rights_from_intent
from bot.rights.named_de import rights_named_de
from bot.text import concepts, lemmas

WHOLE_THRESHOLD = 0.5  # confidence the whole message's intent needs to count
CLAUSE_THRESHOLD = 0.8  # a clause is short and out of context: it must be surer
SUPPORT_THRESHOLD = 0.2  # an English letter's right also needs this much from one of its request sentences
QUESTION_INTENT = "ask_question"
# No sentence break after an abbreviation or an initial ("Art. 15", "Abs. 1", "e.g. my", "z. B.", "K. Lee").
_ABBREVIATIONS = (
    "Art",
    "Abs",
    "Nr",
    "lit",
    "No",
    "Para",
    "ca",
    "bzw",
    "ggf",
    "vgl",
    "etc",
    "e.g",
    "i.e",
    "z.B",
    "Mrs",
    "Mr",
    "Ms",
    "Dr",
)
_NO_BREAK = "".join(f"(?<!\\b{a})" for a in _ABBREVIATIONS) + r"(?<!\b\w)"
_EN_CONNECTIVE = r"and then|and afterwards|and also|then|afterwards|plus|as well as"
_DE_CONNECTIVE = r"und (?:dann|danach|anschließend|außerdem|zudem|darüber hinaus|des Weiteren|zusätzlich)|sowie"
# Adverbs that start a new request after a comma, but sit inside one ("widerspreche darüber hinaus jeder …") without.
_DE_COMMA_CONNECTIVE = r"außerdem|zudem|des Weiteren|darüber hinaus|zusätzlich"
# "…, widerspreche der Werbung und verlange …", "… und hört auf, …": a second request in the same sentence.
_DE_FIRST_PERSON = r"widerspreche|widerrufe|verlange|beantrage|fordere|ersuche|untersage|lege|ziehe"
_DE_WISH = r"will|möchte|hätte\s+gern|wünsche"  # "… und will, dass meine Daten weg sind"
_DE_IMPERATIVE = r"löscht|hört|stoppt|sperrt|schickt|sendet|korrigiert|berichtigt|sagt|gebt|nennt|informiert|entfernt"
CLAUSE_SPLIT_RE = re.compile(
    rf"(?:{_NO_BREAK}[.;!?]+\s+|\s*,?\s+(?:{_EN_CONNECTIVE}|{_DE_CONNECTIVE})\s+"
    rf"|\s*,\s+(?:also|and|und|dann|danach|anschließend|{_DE_COMMA_CONNECTIVE})\s+"
    r"|\s*,?\s+and\s+(?=i\s+also\b)"
    r"|\s+and\s+(?=(?:please\s+)?(?:i\s+)?(?!(?:from|in|on|at|of|for|to|with|by|about|into|across|within)\b)[a-z]+\s+"
    r"(?:me|my|all|the|your|everything|it|everyone|anyone|them)\b)"
    r"|,\s+(?=I\s+(?:also\s+|hereby\s+|further\s+)?(?:object|withdraw|revoke|request|want|ask|demand)\b)"
    r"|\s+und\s+(?=(?:bitte\s+)?\w+(?:en|t)\s+(?:Sie|ihr)\b)"
    rf"|(?:\s+und|\s*,)\s+(?=(?:ich\s+)?(?:{_DE_FIRST_PERSON})\b)|\s+und\s+(?=(?:bitte\s+)?(?:{_DE_IMPERATIVE})\b)|\s+und\s+(?=(?:ich\s+)?(?:{_DE_WISH})\b))",
    re.I,
)


# English only: list items ("- a copy of my data", "2) my account deleted", "copy + deletion"), a comma before an
# imperative of another request ("send me my data, delete my account") and a closing threat ("…, otherwise I will
# complain"), which then counts as the threat it is (`_drop_threatened_complaint`).
_EN_LIST_VERBS = (
    r"send|give|provide|delete|erase|remove|correct|fix|stop|cease|restrict|tell|inform|notify|let|confirm|export"
    r"|transfer|close|wipe|unsubscribe|cancel|don't|dont|do\s+not|never"
)
_EN_AND_VERBS = (
    r"delete|erase|remove|correct|fix|update|stop|restrict|send|give|tell|close|export|transfer|wipe|show|inform"
    r"|notify|rectify|amend|provide|don't|do\s+not"
)
EN_SPLIT_RE = re.compile(
    r"(?:^|\s+)(?:[-•*–]|\(?\d{1,2}[.)]|\(?[a-h]\))\s+(?=[a-z])|\s+\+\s+|\s*&\s+(?=(?:a|an|my|the)\b)"
    rf"|\s*,\s+(?=(?:please\s+)?(?:{_EN_LIST_VERBS})\b)"
    r"|\s*,?\s+(?=(?:otherwise|or\s+else|failing\s+(?:that|which|this)|if\s+not)\b)"
    r"|\s+(?=or\s+(?:i|we)(?:['’]ll|\s+will|\s+shall)\b)"
    # a second request joined by "and" or "but": "… and after that I want it erased", "… and I'd like a copy",
    # "stop X and delete Y", "delete X, but keep Y restricted"
    r"|\s*,?\s+and\s+after\s+(?:that|this)\s+|\s+and\s+(?=(?:i|we)(?:['’]d|\s+would|\s+also|\s+want)\b)"
    rf"|\s+and\s+(?=(?:please\s+)?(?:{_EN_AND_VERBS})\s)|\s*,?\s+but\s+(?=(?:please\s+)?(?:keep|{_EN_AND_VERBS})\s)",
    re.I,
)
# In a short message (not a letter), a comma before the next thing asked for: "my data, a portable export of it".
# An item with a verb of its own ("…, the app is useless") is a remark, not an item of the list.
EN_COMMA_LIST_RE = re.compile(
    r"\s*,\s+(?=(?:and\s+)?(?:a|an|my|the|no|all|any)\s"
    r"(?![^,.;!?]*\b(?:is|are|was|were|has|had|am|keeps?|seems?|looks?|gets?|got)\b))",
    re.I,
)
SHORT_MESSAGE_WORDS = 25
# In a short message, "and" before a second long noun phrase of what is asked for: "I want my files exported and my
# account closed with everything deleted" (a short item, "delete my name and my address", stays whole).
EN_AND_LIST_RE = re.compile(r"\s+and\s+(?=(?:a|an|my|the|all|any)\s+(?:\S+\s+){3}\S)", re.I)
_PAST_DEED_SPLIT_RE = re.compile(r",\s+(?=(?:i|we|please|could|can|would)\b)", re.I)


LEADING_CONNECTIVE_RE = re.compile(
    r"^(?:and|also|then|afterwards|plus|but|furthermore|in addition|additionally|moreover"
    r"|und|außerdem|zudem|dann|danach|anschließend|des Weiteren|darüber hinaus|ferner|zusätzlich|weiterhin"
    r"|gleichzeitig|zugleich|zuvor|zunächst|unabhängig davon)\b[\s,]*",
    re.I,
)


def _split_past_deed(piece: str) -> list[str]:
    """Split "after you deleted my account, I would like …" into the deed told and the sentence that asks."""
    if not letters_en.PAST_DEED_RE.search(piece):
        return [piece]
    return _PAST_DEED_SPLIT_RE.split(piece, maxsplit=1)


def clauses(text: str) -> list[str]:
    """Clauses of a message that could each carry a request, without leading connectives."""
    pieces, strip = CLAUSE_SPLIT_RE.split(text), " ,.;!?"
    if letters_en.is_english(text) and letters_en.plainly_english(text):
        pieces, strip = [q for p in pieces for q in EN_SPLIT_RE.split(p)], " ,.;:!?"  # "I want:" before a list
        pieces = [q for p in pieces for q in _split_past_deed(p)]
        if len(text.split()) <= SHORT_MESSAGE_WORDS:
            pieces = [r for p in pieces for q in EN_COMMA_LIST_RE.split(p) for r in EN_AND_LIST_RE.split(q)]
    parts = [p.strip(strip) for p in pieces]
    if not letters_en.is_english(text):
        parts = letters_de.split(parts)
    parts = [LEADING_CONNECTIVE_RE.sub("", p) for p in parts]
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
    asked_in: dict[str, str] = field(default_factory=dict)  # right -> the first clause that asks for it

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
    """Rights a text talks about (by the privacy vocabulary, English and German), e.g. for a question."""
    ids = set(right_ids())
    found: list[str] = []
    for concept in concepts(lemmas(text)):
        right = concept.removeprefix("right_")
        if concept.startswith("right_") and right in ids and right not in found:
            found.append(right)
    return found + [right for right in rights_named_de(text) if right not in found]


def is_question(whole: dict[str, Any]) -> bool:
    """Whether a message's own parse makes it a question: then it requests nothing, whatever its clauses say."""
    intent, confidence = _top_intent(whole)
    return intent == QUESTION_INTENT and confidence >= WHOLE_THRESHOLD


THREAT_RE = re.compile(
    r"\b(?:otherwise|if|should|unless|failing|or else|or (?:i|we)(?:'ll| will| shall)"
    r"|no (?:option|choice|alternative) but|andernfalls|ansonsten|sonst|sollte|sollten|falls|wenn)\b",
    re.I,
)
# "Ich behalte mir vor, mich an die Aufsichtsbehörde zu wenden", "I reserve the right to complain": no request.
RESERVATION_RE = re.compile(
    r"\bbehalte\s+(?:ich\s+)?mir\b[^.;!?]*\bvor\b|\bvorbehalten\b|\breserve (?:the|my) right", re.I
)
COMPLAINT = "complaint"
NOTIFICATION = "notification"
# A message that says it asks nothing: "nur mal allgemein gefragt", "ich will noch nichts beantragen", "just curious",
# or asks for some day ("Falls ich irgendwann eine Kopie will, …").
DISCLAIMER_RE = re.compile(
    r"\b(?:nur\s+(?:mal\s+|so\s+)?(?:allgemein|theoretisch|hypothetisch)|(?:rein|nur|nur\s+so)\s+aus\s+(?:interesse|neugier)"
    r"|aus\s+reinem\s+interesse|(?:noch|derzeit|vorerst|momentan)\s+(?:nichts\s+beantragen|keinen\s+antrag|keine\s+rechte)"
    r"|keine\s+rechte\s+geltend|just\s+(?:curious|asking|wondering)|out\s+of\s+(?:pure\s+)?curiosity"
    r"|not\s+(?:making|submitting|filing)\s+(?:a|any)\s+request"
    r"|(?:falls|wenn|sollte)\s+ich\s+(?:irgendwann|eines\s+tages)|\bif\s+i\s+ever\b)",
    re.I,
)
# A German question in general terms ("Muss ein Unternehmen …?", "Darf eine Firma …?"): asks about a right.
GENERAL_QUESTION_RE = re.compile(
    r"^(?:muss|müssen|darf|dürfen|kann|können|soll|sollte|gilt|gelten|ist|sind|hat|haben|wie\s+lange|wie\s+viel\s+zeit"
    r"|wann|warum|wieso)\s+(?:sich\s+)?(?:ein|eine|einer|man|firmen|unternehmen|verantwortliche|die\s+firma"
    r"|das\s+unternehmen|der\s+verantwortliche)\b[^.!?]*\?\s*$",
    re.I,
)


def asks_nothing(text: str) -> bool:
    """Whether a message says outright that it requests nothing, or is one question in general terms."""
    return bool(DISCLAIMER_RE.search(text) or GENERAL_QUESTION_RE.search(text.strip()))


def _drop_threatened_complaint(text: str, rights: list[str], parts: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """A letter's complaint counts only if a clause asks for it outright, not as a closing threat ("otherwise …")
    or a reservation ("Ich behalte mir vor, …"); a message of one clause, only if it is no reservation."""
    if COMPLAINT not in rights:
        return rights
    if len(parts) < 2:
        outright = not RESERVATION_RE.search(text)
    else:
        outright = any(
            COMPLAINT in requested_rights(parse, WHOLE_THRESHOLD)
            and not THREAT_RE.search(clause)
            and not RESERVATION_RE.search(clause)
            for clause, parse in parts
        )
    return rights if outright else [r for r in rights if r != COMPLAINT]


def _named_lean(clause: str, parse: dict[str, Any]) -> list[str]:
    """The rights of a German clause's top intent when it is fairly sure and the clause names them by word."""
    intent, confidence = _top_intent(parse)
    if confidence < WHOLE_THRESHOLD:
        return []
    return [r for r in rights_from_intent(intent) if letters_de.names(clause, r)]


NOTIFICATION = "notification"
# What a request to notify recipients (Art. 19) is about: the recipients, and the correction or erasure they are told.
_RECIPIENTS_RE = re.compile(
    r"\b(?:recipients?|shared|passed|disclosed|forwarded|partners?|third\s+parties|anyone|anybody|everyone|everybody"
    r"|(?:let|tell|inform|notify)\s+them|art(?:icle)?\.?\s*19)\b",
    re.I,
)
# A clause that asks (fairly surely) to notify and names those to be told counts below the clause threshold.
_OTHERS_RE = re.compile(_RECIPIENTS_RE.pattern + r"|\bother\s+\w+|\bothers\b", re.I)
_NEGATED_RE = re.compile(r"\b(?:do\s+not|don['’]t|dont|never|not)\b", re.I)  # "do not share it with partners"
_YOU_DID_RE = re.compile(r"\byou\s+(?:have\s+|['’]ve\s+|had\s+|already\s+|recently\s+)*\w+ed\b", re.I)
_NOTIFIED_ABOUT = ("access", "rectification", "erasure", "restriction")


def _drop_notified(rights: list[str], stated: list[str], asks: list[tuple[str, list[str]]]) -> list[str]:
    """An English message that asks to notify recipients names the correction or erasure they are told of and asks
    who they are ("tell me which recipients received my old address"): such a right counts only if the message
    states it (``letters_en.performed``, an article cited) or a clause asks for it that is about neither the
    recipients nor what the reader did ("you corrected my address")."""
    keep = set(stated)
    for clause, leans in asks:
        if not _RECIPIENTS_RE.search(clause) and not _YOU_DID_RE.search(clause):
            keep.update(leans)
    return [r for r in rights if r not in _NOTIFIED_ABOUT or r in keep]


def combine(text: str, whole: dict[str, Any], parts: Iterable[tuple[str, dict[str, Any]]]) -> Triage:
    """Decide the rights from the whole message's parse and its clauses' parses."""
    intent, confidence = _top_intent(whole)
    rights: list[str] = []
    asks_question = is_question(whole)
    parts = list(parts)
    english = letters_en.is_english(text)
    if not asks_question:
        rights.extend(requested_rights(whole, WHOLE_THRESHOLD))
    clause_info = []
    asked_in: dict[str, str] = {}
    supported: set[str] = set()
    background: set[str] = set()
    declared: list[str] = []
    english_asks: list[tuple[str, list[str]]] = []  # an English clause that asks, and the rights it leans to
    for clause, parse in parts:
        c_intent, c_conf = _top_intent(parse)
        clause_info.append({"text": clause, "intent": c_intent, "confidence": round(c_conf, 3)})
        if english:
            if not letters_en.asks(clause, text):
                if not letters_en.in_question(clause, text):
                    background.update(requested_rights(parse, WHOLE_THRESHOLD))
                continue  # an explanation, a list item, a general question: asks for nothing
            supported.update(requested_rights(parse, SUPPORT_THRESHOLD))
            if (
                NOTIFICATION in requested_rights(parse, WHOLE_THRESHOLD)
                and _OTHERS_RE.search(clause)
                and not _NEGATED_RE.search(clause)
            ):
                asked_in.setdefault(NOTIFICATION, clause)  # "please let the others who have it know"
                rights.extend([NOTIFICATION] if NOTIFICATION not in rights else [])
            english_asks.append((clause, requested_rights(parse, SUPPORT_THRESHOLD)))
        elif asks_question:
            if not letters_de.polite_request(clause, text):
                continue  # a question about rights requests nothing, unless it asks politely ("könnt ihr …?")
        elif not letters_de.asks(clause, text):
            continue  # background, a remark, a question in a German letter: asks for nothing
        asked = requested_rights(parse, CLAUSE_THRESHOLD)
        if not english and not asks_question:  # a German clause that also names the right DIET leans to
            asked += _named_lean(clause, parse)
        for right in asked:
            asked_in.setdefault(right, clause)
            if right not in rights:
                rights.append(right)
    # A declaration in a German letter performs its right even when DIET reads the letter as a question.
    letter = len(letters_de.sentences(text)) > 1
    performed = [] if english or (asks_question and not letter) else letters_de.performed(text)
    if not english:  # "nachdem Sie gelöscht haben", "löschen Sie diese Daten nicht": named, not asked
        rights = [r for r in rights if r not in letters_de.background_only(text)]
        if letters_de.notification_asked(text) is False:  # "an welche Empfänger …": who they are, not telling them
            rights = [r for r in rights if r != NOTIFICATION]
        if not asks_question:  # "bis dahin nicht verwenden", "möchte wissen, welche Daten gespeichert sind"
            rights.extend(r for r in letters_de.declared(text) if r not in rights)
        if not asks_question or letter:  # "Bitte löschen Sie … nach Art. 17 DSGVO", a question's polite request too
            rights.extend(r for r in letters_de.cited(text) if r not in rights)
        if letters_de.copy_to_take(text) and (rights or not asks_question):  # "eine Kopie als CSV": portability
            if not letters_de.access_named(text) and "access" not in letters_de.cited(text):
                rights = [r for r in rights if r != "access"]
            rights.extend(r for r in ["portability"] if r not in rights)
    rights.extend(r for r in performed if r not in rights)  # "Ich widerspreche …", "hiermit widerrufe ich …"
    if english and parts and len(text.split()) > SHORT_MESSAGE_WORDS and letters_en.plainly_english(text):
        # A right of the whole letter that a statement of its background carries ("You recently corrected my
        # details") and none of its request sentences leans to: the letter does not ask for it.
        rights = [r for r in rights if r in supported or r not in background]
        declared = letters_en.declared_rights(text)
        rights.extend(r for r in declared if r not in rights)
    if english and letters_en.plainly_english(text):  # "I hereby object to …" when DIET is unsure of the wording
        cited = letters_en.cited_rights(text)  # "Under Art. 17 GDPR I request …"
        stated = letters_en.performed(text) + cited + (["access"] if letters_en.asks_what_is_held(text) else [])
        rights.extend(r for r in stated if r not in rights)
        if NOTIFICATION in rights and parts:
            rights = _drop_notified(rights, stated, english_asks)
    if english and "erasure" in rights and letters_en.keeps_not_erases(text):
        rights = [r for r in rights if r != "erasure"]  # "I ask that you do not erase this data but restrict it"
    if english and (letters_en.disclaims(text) or letters_en.acknowledges(text)):
        rights, declared = [], []  # "I am not making a request myself", "Thank you for confirming the deletion."
    question_about = rights_named(text) if intent == QUESTION_INTENT else []
    if asks_nothing(text) or (not english and letters_de.asks_nothing(text)):
        question_about, rights = question_about or rights_named(text), list(performed)  # performed all the same
    if COMPLAINT not in performed:
        rights = _drop_threatened_complaint(text, rights, parts)
    rights.extend(r for r in declared if r not in rights)  # a complaint the letter reports lodged is no threat
    return Triage(
        message=text,
        rights=rights,
        intent=intent,
        confidence=confidence,
        entities=_entities(whole),
        question_about=question_about,
        clause_intents=clause_info,
        asked_in={r: c for r, c in asked_in.items() if r in rights},
    )
