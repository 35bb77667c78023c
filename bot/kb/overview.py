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
    "privacy", "policy", "notice", "visit", "basically", "short", "quick", "quickly", "main",
}  # fmt: skip
_WH = {"what", "which", "anything", "everything", "any", "list", "kind", "type", "sort", "category", "overview"}
_COLLECT_VERBS = {
    "collect", "gather", "store", "keep", "save", "hold", "have", "process", "record", "track", "log", "know",
    "obtain", "get", "take", "grab",
}  # fmt: skip
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
    if present & _SHARE_VERBS and present & _WHO and rest <= _SHARE_VERBS | _WHO:
        return RECIPIENTS
    if present & _COLLECT_VERBS and present & _WH and rest <= _COLLECT_VERBS:
        return COLLECT
    return None


def _items(kb: KnowledgeBase, topic: str) -> list[tuple[str, list[Section]]]:
    """(text, sections) per item; subsections of one parent with the same text make one item under its title."""
    parents = {s.parent for s in kb.sections if s.parent}
    found: list[tuple[str, Section]] = []
    for section in kb.sections:
        if section.role or not section.number:
            continue
        meta = section.metadata
        if topic == COLLECT and meta.get("data_categories"):
            found.append((", ".join(CATEGORY_LABELS.get(c, c) for c in meta["data_categories"]), section))
        elif topic == RECIPIENTS and section.id not in parents:
            named = [*meta.get("third_parties", []), *(r for r, rx in RECIPIENT_ROLES.items() if rx.search(section.text))]
            if named:
                found.append((", ".join(named), section))
        elif topic == RIGHTS and meta.get("right"):
            right = catalogue().get(meta["right"])
            found.append((f"{right.name} ({right.article})" if right else section.title, section))
    items: list[tuple[str, list[Section]]] = []
    for text, section in found:
        last = items[-1][1] if items else []
        if topic == COLLECT and last and section.parent and last[-1].parent == section.parent and items[-1][0] == text:
            last.append(section)
        else:
            items.append((text, [section]))
    if topic != COLLECT:
        return items
    return [(f"{_where(kb, sections)}: {text}", sections) for text, sections in items]


def _where(kb: KnowledgeBase, sections: list[Section]) -> str:
    """The title of the item's section, or of their parent when several subsections make one item."""
    if len(sections) > 1 and sections[0].parent:
        return kb.section(sections[0].parent).title
    return sections[0].title


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
