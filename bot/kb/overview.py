"""Overview answers: "what do you collect?", "who gets my data?", "what are my rights?".

Such a question asks about the notice as a whole, so one section's sentences cannot answer it. The answer is
a short list drawn from the metadata the knowledge base extracts per section (data categories, third
parties, the right a section describes), each item citing its section. A question that names anything
more specific ("what do you collect in the server logs?") is left to retrieval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.kb.model import KnowledgeBase, Section
from bot.kb.text import STOPWORDS, lemmas
from bot.rights import catalogue

COLLECT, RECIPIENTS, RIGHTS = "collect", "recipients", "rights"
# Words a broad question may contain besides its topic's own (lemmas).
_FILLER = {
    "guy", "folk", "exactly", "actually", "really", "currently", "all", "whole", "overview", "summary", "list",
    "kind", "type", "sort", "category", "piece", "information", "detail", "stuff", "gdpr", "dsgvo", "aiconix",
    "company", "user", "visitor", "customer", "person", "anything", "everything", "any", "sort", "general",
    "privacy", "policy", "notice", "basically", "short", "quick", "quickly", "main", "file", "protection",
}  # fmt: skip
_WH = {"what", "which", "anything", "everything", "any", "list", "kind", "type", "sort", "category", "overview"}
_COLLECT_VERBS = {
    "collect", "gather", "store", "keep", "save", "hold", "have", "process", "record", "track", "know",
    "obtain", "get", "take", "grab",
}  # fmt: skip
# A section (or its parent) saying the browser talks to a provider directly: the provider collects, not we.
PROVIDER_COLLECTS = re.compile(r"\bdirect connection\b|\bwe do not collect any personal data ourselves\b", re.I)
_TELL_ME = re.compile(r"\b(tell|inform|notify|let)\s+me\b", re.I)
_SHARE_VERBS = {
    "share", "give", "pass", "send", "transfer", "transmit", "disclose", "receive", "get", "see", "access",
    "forward", "hand", "provide", "go", "end",
}  # fmt: skip
_WHO = {"who", "whom", "which", "anyone", "anybody", "else", "other", "third", "party", "partner", "recipient",
        "outside", "external", "company", "where"}  # fmt: skip
_RIGHTS_WORDS = {"right", "entitle", "entitlement", "option", "exercise", "regard", "concern", "subject"}
_WHAT_CAN_I_DO = re.compile(r"\bwhat\s+(can|could)\s+i\s+do\b.{0,30}\b(my|about)\b", re.I)

CATEGORY_LABELS = {
    "ip_address": "IP address", "cookies": "cookies", "browser_and_os": "browser and operating system",
    "access_time": "date and time of access", "referrer_url": "referrer URL", "email_address": "e-mail address",
    "name": "name", "postal_address": "postal address", "payment_data": "payment details",
    "date_of_birth": "date of birth", "comments": "your comments", "contact_messages": "what you write to us",
    "login_data": "log-in data", "search_terms": "search terms", "language_settings": "language settings",
    "usage": "how you use the website",
}  # fmt: skip
# Recipients a notice names by role rather than by company.
RECIPIENT_ROLES = {
    "law enforcement authorities (in the event of a cyber-attack)": re.compile(r"\blaw enforcement", re.I),
    "the providers of embedded third-party content": re.compile(r"\bthird-party provider", re.I),
}
INTROS = {
    COLLECT: "Our privacy notice names these personal data, by where they are collected:",
    RECIPIENTS: "According to our privacy notice, personal data can go to:",
    RIGHTS: "Our privacy notice describes these rights:",
}
OUTROS = {
    COLLECT: "Ask me about any of them for the notice's own words.",
    RECIPIENTS: "Ask me about any of them for the notice's own words.",
    RIGHTS: "Ask me about any of them, or tell me which request you would like to make.",
}


@dataclass(frozen=True)
class Overview:
    """An overview answer: its text and the sections it cites, one or more per item."""

    topic: str
    text: str
    cited: list[Section]


def overview_topic(question: str) -> str | None:
    """``collect``, ``recipients`` or ``rights`` if ``question`` asks for an overview, else None."""
    words = lemmas(question)
    present = set(words)
    rest = {w for w in words if w not in STOPWORDS and len(w) > 1} - _FILLER
    if "right" in present and rest <= _RIGHTS_WORDS | {"have", "data"} and present & (_WH | {"my", "all"}):
        return RIGHTS
    if _WHAT_CAN_I_DO.search(question) and rest <= {"data", "do"}:
        return RIGHTS
    asks_who = bool(present & _SHARE_VERBS and present & _WHO) or "recipient" in present
    if asks_who and rest <= _SHARE_VERBS | _WHO and not _TELL_ME.search(question):
        return RECIPIENTS
    if present & _COLLECT_VERBS and present & _WH and rest <= _COLLECT_VERBS:
        return COLLECT
    return None


def _items(kb: KnowledgeBase, topic: str) -> list[tuple[str, list[Section]]]:
    """(text, sections) per item; for the data collected, the sections whose providers collect make one item."""
    parents = {s.parent for s in kb.sections if s.parent}
    found: list[tuple[str, Section]] = []
    via_providers: list[Section] = []
    for section in kb.sections:
        if section.role or not section.number:
            continue
        meta = section.metadata
        if topic == COLLECT and meta.get("data_categories") and _provider_collects(kb, section):
            top = kb.section(section.parent) if section.parent else section
            via_providers += [] if top in via_providers else [top]
        elif topic == COLLECT and meta.get("data_categories"):
            found.append((", ".join(CATEGORY_LABELS.get(c, c) for c in meta["data_categories"]), section))
        elif topic == RECIPIENTS and section.id not in parents:
            named = [*meta.get("third_parties", []), *(r for r, rx in RECIPIENT_ROLES.items() if rx.search(section.text))]
            if named:
                found.append((", ".join(named), section))
        elif topic == RIGHTS and meta.get("right"):
            right = catalogue().get(meta["right"])
            found.append((f"{right.name} ({right.article})" if right else section.title, section))
    if topic != COLLECT:
        return [(text, [section]) for text, section in found]
    items = [(f"{section.title}: {text}", [section]) for text, section in found]
    if via_providers:
        names = "; ".join(s.title for s in via_providers)
        items.append((f"Embedded services ({names}): their providers receive data such as your IP address "
                      "directly from your browser", via_providers))  # fmt: skip
    return items


def _provider_collects(kb: KnowledgeBase, section: Section) -> bool:
    """Whether the notice says the section's data goes from the browser to a provider directly."""
    parent = kb.section(section.parent) if section.parent else None
    return any(PROVIDER_COLLECTS.search(s.text) for s in (section, parent) if s is not None)


def _cite(sections: list[Section], titled: bool) -> str:
    """How an item cites its sections (by number alone where the item already shows the title)."""
    if len(sections) == 1:
        return f"section {sections[0].number}" if titled and sections[0].number else sections[0].label
    return "sections " + ", ".join(s.number or s.title for s in sections)


def overview(question: str, kb: KnowledgeBase) -> Overview | None:
    """The overview answer to ``question``, or None if it is not an overview question or the notice has none."""
    topic = overview_topic(question)
    if topic is None:
        return None
    items = _items(kb, topic)
    if len(items) < 2:
        return None
    lines = [f"• {text} — {_cite(sections, topic == COLLECT)}" for text, sections in items]
    text = "\n".join([INTROS[topic], *lines, OUTROS[topic]])
    return Overview(topic, text, [s for _, sections in items for s in sections])
