"""Overview answers: "what do you collect?", "who gets my data?", "what are my rights?", "how long do you keep
it?", "what do you use it for?", "does it leave the EU?", "which cookies do you use?".

Such a question asks about the notice as a whole, so one section's sentences cannot answer it. The answer is
a short list drawn from the metadata the knowledge base extracts per section (data categories, third
parties, the right a section describes, retention statements) or each section's own sentence on the topic,
each item citing its section. A question that names anything
more specific ("what do you collect in the server logs?") is left to retrieval. A German question is read
through its English gloss; a German reply (``lang="de"``) frames the list in German.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.kb import wording
from bot.kb.model import KnowledgeBase, Section
from bot.rights.catalogue import catalogue
from bot.text import STOPWORDS, lemma, lemmas

COLLECT, RECIPIENTS, RIGHTS, RETENTION = "collect", "recipients", "rights", "retention"
PURPOSES, TRANSFERS, COOKIES, CONTACTS = "purposes", "transfers", "cookies", "contacts"
# Words a broad question may contain besides its topic's own (lemmas).
_FILLER = {
    "guy", "folk", "exactly", "actually", "really", "currently", "all", "whole", "overview", "summary", "list",
    "kind", "type", "sort", "category", "piece", "information", "detail", "stuff", "gdpr", "dsgvo",
    "company", "user", "visitor", "customer", "person", "anything", "everything", "any", "general",
    "privacy", "policy", "notice", "basically", "short", "quick", "quickly", "main", "file", "protection",
    "system", "give", "show", "tell", "describe", "summarise", "summarize", "wonder", "curious", "interested",
    "hey", "visit", "browse", "surf", "click", "online", "internet", "here", "around", "up", "wise", "yall",
}  # fmt: skip
_WH = {"what", "which", "anything", "everything", "any", "list", "kind", "type", "sort", "category", "overview"}
_COLLECT_VERBS = {
    "collect", "gather", "store", "keep", "save", "hold", "have", "process", "record", "track", "know",
    "obtain", "get", "take", "grab", "capture", "register", "retain", "note", "monitor", "file",
}  # fmt: skip
# "do you store my data?": the person's data named generically, as "about me" names it.
_MY_DATA = re.compile(r"\bmy\s+(personal\s+)?(data|info\w*|details|stuff|things|records)\b", re.I)
# "what can I do if …", "where is it stored": the person's own step or a place, not what is collected.
_NOT_COLLECT = re.compile(r"\b(can|could|may|should|must|shall|do)\s+i\b|\bhave\s+to\b|\bwhere\b", re.I)
# A section (or its parent) saying the browser talks to a provider directly: the provider collects, not we.
PROVIDER_COLLECTS = re.compile(r"\bdirect connection\b|\bwe do not collect any personal data ourselves\b", re.I)
_ABOUT_ME = re.compile(r"\b(about|on|of|from)\s+me\b", re.I)
_HOLD_VERBS = {"have", "hold", "know", "store", "keep", "save", "get"}
# "who do I send it to?", "can I find out who got my data?": about the person's own steps or rights.
_NOT_RECIPIENTS = re.compile(
    r"\b(tell|inform|notify|let)\s+me\b|\b(who|whom|where)\s+(do|should|can|could|shall|must)\s+i\b"
    r"|\bfind\s+out\b|\b(can|may|could)\s+i\s+(know|learn|ask|see)\b|\bright\s+to\s+know\b",
    re.I,
)
_SHARE_VERBS = {
    "share", "give", "pass", "send", "transfer", "transmit", "disclose", "receive", "get", "see", "access",
    "forward", "hand", "provide", "go", "end", "have", "use", "work", "integrate", "embed", "connect", "install",
    "include", "employ", "deploy", "rely", "involve", "process", "handle", "hook", "build",
}  # fmt: skip
# Who else is involved, by what it is: "which tools …", "what third-party services …".
_WHICH_OTHERS = re.compile(
    r"\b(what|which)\s+(\S+\s+){0,2}(third|3rd|external|outside|other|compan|service|provider|tool|vendor|plug"
    r"|widget|script|integration|partner|processor|subprocessor|firm|organi[sz]ation|business|social)",
    re.I,
)
# "do you pass my data on?", "is my data shared?": whether it goes anywhere at all.
_PASS_ON = re.compile(r"\b(shar(e|es|ed|ing)|disclos\w*|forward\w*|(pass|give|hand)\w*\s+(\S+\s+){0,3}on)\b", re.I)
# "which" asks about recipients only with one of the nouns here ("which companies …", not "which data …").
_WHO = {
    "who", "whom", "anyone", "anybody", "else", "other", "third", "party", "third-party", "3rd-party", "partner",
    "recipient", "outside", "external", "company", "where", "service", "provider", "tool", "vendor", "plugin",
    "plugins", "plug", "widget", "script", "integration", "processor", "subprocessor", "behalf", "firm",
    "organisation", "organization", "business", "social", "media", "network",
}  # fmt: skip
_RIGHTS_WORDS = {
    "right", "entitle", "entitlement", "option", "exercise", "regard", "concern", "subject", "law", "legal",
    "protection", "hold", "store", "collect", "keep", "process", "information", "regulation",
}  # fmt: skip
# "who can I talk to about privacy?": the controller and the Data Protection Officer, both.
_WHO_TO_CONTACT = re.compile(
    r"\b(who|whom|where)\b.{0,30}\b(talk|speak|contact|reach|write|turn|address)\b|\bwho\b.{0,20}\bcontact\b", re.I
)
_CONTACT_WORDS = {
    "talk", "speak", "contact", "reach", "write", "turn", "address", "question", "regard", "concern", "matter",
    "issue", "person", "responsible", "query",
}  # fmt: skip
# "what can I ask of you?", "what can I demand regarding my data?": the rights, by what the person may do.
_WHAT_CAN_I_ASK = re.compile(
    r"\bwhat\b.{0,25}\b(can|could|may)\s+i\b.{0,30}\b(request|demand|ask|require|claim|expect|insist)\b", re.I
)
_ASK_WORDS = {"request", "demand", "ask", "require", "claim", "expect", "insist", "do", "regard", "concern"}
_CHOICE_WORDS = {"option", "choice", "control", "say"}
_RETENTION_WORDS = {"long", "keep", "store", "retain", "hold", "save", "delete", "erase", "retention", "storage",
                    "period", "duration", "time", "remain", "stay", "kept", "when", "hang"}  # fmt: skip
_HOW_LONG = re.compile(r"\bhow\s+long\b|\bwhen\b.{0,30}\b(delete|erase|remove)|\bretention\b", re.I)
_WHY = re.compile(
    r"\bwhy\b|\bpurposes?\b|\breasons?\b|\bpoint of\b|\bwhat\b.{0,40}\b(use[ds]?|using|need(ed)?)\b.{0,30}\bfor\b"
    r"|\bwhat\b.{0,25}\b(do|does|doing|did|happens?|happening)\b.{0,20}\b(with|to)\s+(my|the|your|our|all)\b"
    r"|\bhow\b.{0,25}\b(use[ds]?|using|process\w*|handle[ds]?|handling|treat\w*)\b",
    re.I,
)
_PURPOSE_WORDS = {
    "use", "purpose", "collect", "need", "process", "reason", "store", "keep", "gather", "save", "want", "point",
    "handle", "treat",
}  # fmt: skip
_ABROAD = re.compile(
    r"\b(usa|u\.s\.|america\w*|abroad|overseas|outside\s+(the\s+)?(eu|european union|europe)|third\s+countr\w*"
    r"|international\w*|leaves?\s+(the\s+)?(eu|european union|europe))\b"
    r"|\b(transfer\w*|sen[dt]\w*|go(es)?|going|shar\w*|transmit\w*|mov\w*|end\w*)\b.{0,30}\bthe\s+us\b",
    re.I,
)
_TRANSFER_WORDS = {
    "transfer", "send", "usa", "america", "american", "abroad", "overseas", "outside", "eu", "europe", "european",
    "union", "country", "third", "international", "leave", "go", "store", "process", "server", "move", "transmit",
    "share", "end", "us",
}  # fmt: skip
# "which cookies do you use?": the cookies, ours and those of embedded services.
_COOKIE = {"cookie", "cooky", "tracking", "track", "tracker", "analytics"}  # "cooky": the lemmatiser's "cookies"
_COOKIE_WORDS = _COOKIE | {
    "go", "end", "land", "outside", "external", "third", "party", "tool", "service", "run", "plugin", "plugins",
    "use", "set", "store", "place", "save", "drop", "install", "employ", "deploy", "have", "computer", "device",
    "browser", "pixel", "technology",
}  # fmt: skip
_COOKIE_VERBS = {"use", "set", "store", "place", "save", "drop", "install", "employ", "deploy", "have"}
PURPOSE_SENTENCE = re.compile(
    r"\bpurposes? of\b|\bpurpose (is|are)\b|\bexclusively (to|for)\b|\bis evaluated\b|\b(is|are) used to\b"
    r"|\bfor security reasons\b|\bfor the purpose of\b",
    re.I,
)
THIRD_COUNTRY_SENTENCE = re.compile(r"\b(USA|United States|third countr\w*|outside the (EU|European Union))\b")
GENERAL_RETENTION = re.compile(r"\b(deletion|storage duration|retention|storage period)\b", re.I)
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
    RETENTION: "How long data is kept, in our privacy notice's words:",
    PURPOSES: "What the data is used for, in our privacy notice's words:",
    TRANSFERS: "Where our privacy notice mentions countries outside the EU:",
    COOKIES: "Our privacy notice mentions cookies in these places (with the companies whose services set them):",
    CONTACTS: "For questions about your data, our privacy notice names:",
}
OUTROS = {
    COLLECT: "Ask me about any of them for the notice's own words.",
    RECIPIENTS: "Ask me about any of them for the notice's own words.",
    RIGHTS: "Ask me about any of them, or tell me which request you would like to make.",
    RETENTION: "Ask me about any of them for more of the notice's words.",
    PURPOSES: "Ask me about any of them for more of the notice's words.",
    TRANSFERS: "Ask me about any of them for more of the notice's words.",
    COOKIES: "Ask me about any of them for the notice's own words.",
    CONTACTS: "Ask me about either of them for the notice's own words.",
}


@dataclass(frozen=True)
class Overview:
    """An overview answer: its text and the sections it cites, one or more per item."""

    topic: str
    text: str
    cited: list[Section]
    right: str | None = None  # the request the answer offers to start


def overview_topic(question: str, own_names: frozenset[str] = frozenset()) -> str | None:
    """The overview topic (``collect``, ``recipients``, ``rights`` …) if ``question`` asks for one, else None.
    ``own_names``: words that name the company itself ("what does aiconix collect?")."""
    words = lemmas(question)
    present = set(words)
    parts = {lemma(p) for w in words if w not in STOPWORDS for p in w.split("-")}  # "privacy-wise": its parts
    rest = {w for w in parts if w not in STOPWORDS and len(w) > 1} - _FILLER - own_names
    if "right" in present and rest <= _RIGHTS_WORDS | {"have", "data"} and present & (_WH | {"my", "all"}):
        return RIGHTS
    if _WHAT_CAN_I_DO.search(question) and rest <= {"data", "do"}:
        return RIGHTS
    if _WHAT_CAN_I_ASK.search(question) and rest <= _ASK_WORDS:
        return RIGHTS
    if present & _CHOICE_WORDS and present & {"what", "which"} and rest <= _CHOICE_WORDS | _RIGHTS_WORDS | {"have"}:
        return RIGHTS
    if _WHO_TO_CONTACT.search(question) and rest <= _CONTACT_WORDS:
        return CONTACTS
    cookie_verb = present & (_COOKIE_VERBS | {"kind", "type", "sort", "go", "run", "end", "happen"})
    if present & _COOKIE and present & _WH and cookie_verb and rest <= _COOKIE_WORDS:
        return None if _HOW_LONG.search(question) else COOKIES
    asks_who = (
        bool(present & _SHARE_VERBS and present & _WHO)
        or bool(present & {"recipient", "processor"})
        or bool(_WHICH_OTHERS.search(question))
        or bool(_PASS_ON.search(question) and _MY_DATA.search(question))
    )
    if asks_who and rest <= _SHARE_VERBS | _WHO and not _NOT_RECIPIENTS.search(question):
        return RECIPIENTS
    if _HOW_LONG.search(question) and rest <= _RETENTION_WORDS:
        return RETENTION
    if _WHY.search(question) and rest <= _PURPOSE_WORDS:
        return PURPOSES
    if _ABROAD.search(question) and rest <= _TRANSFER_WORDS:
        return TRANSFERS
    about_me = bool(_ABOUT_ME.search(question) or _MY_DATA.search(question)) or "personal" in present
    if present & _COLLECT_VERBS and (present & _WH or about_me) and rest <= _COLLECT_VERBS:
        return None if _NOT_COLLECT.search(question) else COLLECT
    return None


def _items(kb: KnowledgeBase, topic: str, lang: str = "en") -> list[tuple[str, list[Section]]]:
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
            labels = wording.CATEGORY_LABELS_DE if lang == "de" else CATEGORY_LABELS
            found.append((", ".join(labels.get(c, c) for c in meta["data_categories"]), section))
        elif topic == RECIPIENTS and section.id not in parents:
            named = [
                *meta.get("third_parties", []),
                *(r for r, rx in RECIPIENT_ROLES.items() if rx.search(section.text)),
            ]
            if named:
                found.append((", ".join(named), section))
        elif topic == COOKIES and "cookies" in meta.get("data_categories", []):
            parties = ", ".join(meta.get("third_parties", []))
            titled = f"{section.title}: {parties}" if parties else section.title
            found.append((parties if section.parent else titled, section))
        elif topic == RIGHTS and meta.get("right"):
            right = catalogue().get(meta["right"])
            name = f"{right.name} ({right.article})" if right else section.title
            found.append((wording.RIGHT_NAMES_DE.get(meta["right"], name) if lang == "de" else name, section))
    if topic == RECIPIENTS:
        return _by_parent(kb, sorted(found, key=lambda item: not item[1].metadata.get("third_parties")))
    if topic == COOKIES:
        return _by_parent(kb, found)
    if topic == RETENTION:
        return _retention(kb)
    if topic == CONTACTS:
        roles = [s for s in (kb.by_role("dpo"), kb.by_role("controller")) if s is not None]
        return [(", ".join(s.metadata.get("emails", [])[:1]) or s.title, [s]) for s in roles]
    if topic in (PURPOSES, TRANSFERS):
        return _quoted(kb, topic)
    if topic != COLLECT:
        return [(text, [section]) for text, section in found]
    items = [(f"{section.title}: {text}", [section]) for text, section in found]
    if via_providers:
        names = "; ".join(s.title for s in via_providers)
        embedded = (
            wording.EMBEDDED_DE.format(names=names)
            if lang == "de"
            else (
                f"Embedded services ({names}): their providers receive data such as your IP address directly from "
                "your browser"
            )
        )
        items.append((embedded, via_providers))
    return items


def _retention(kb: KnowledgeBase) -> list[tuple[str, list[Section]]]:
    """Retention: the general section on deletion first, then each processing section's own statement, quoted."""
    items = [
        (f"{s.title}: “{s.metadata['retention'][0]}”", [s])
        for s in kb.sections
        if s.metadata.get("retention") and s.number and not s.role and not s.metadata.get("right")
    ]
    return sorted(items, key=lambda item: not GENERAL_RETENTION.search(item[1][0].title))


def _quoted(kb: KnowledgeBase, topic: str) -> list[tuple[str, list[Section]]]:
    """Purposes (of the sections that collect data) or countries outside the EU: each section's first such
    sentence, quoted."""
    pattern = PURPOSE_SENTENCE if topic == PURPOSES else THIRD_COUNTRY_SENTENCE
    items = []
    for s in kb.sections:
        if s.role or not s.number or s.metadata.get("right"):
            continue
        if topic == PURPOSES and not s.metadata.get("data_categories"):
            continue
        found = next((x for p in s.passages for x in p.sentences if pattern.search(x)), None)
        if found:
            items.append((f"{s.title}: “{found}”", [s]))
    return items


def _by_parent(kb: KnowledgeBase, found: list[tuple[str, Section]]) -> list[tuple[str, list[Section]]]:
    """Recipients or cookies: subsections of one parent make one item under its title citing it and them (for
    recipients the companies the notice names come first, recipients it names by their role after them)."""
    items: list[tuple[str, list[Section]]] = []
    groups: dict[str, int] = {}
    for text, section in found:
        if section.parent is None:
            items.append((text, [section]))
        elif section.parent in groups:
            prior, sections = items[groups[section.parent]]
            items[groups[section.parent]] = (f"{prior}, {text}", [*sections, section])
        else:
            groups[section.parent] = len(items)
            items.append((text, [kb.section(section.parent), section]))
    return [(f"{kb.section(ss[0].id).title}: {t}" if len(ss) > 1 else t, ss) for t, ss in items]


def _provider_collects(kb: KnowledgeBase, section: Section) -> bool:
    """Whether the notice says the section's data goes from the browser to a provider directly."""
    parent = kb.section(section.parent) if section.parent else None
    return any(PROVIDER_COLLECTS.search(s.text) for s in (section, parent) if s is not None)


def _cite(sections: list[Section], titled: bool, lang: str = "en") -> str:
    """How an item cites its sections (by number alone where the item already shows the title)."""
    word = "Abschnitt" if lang == "de" else "section"
    if len(sections) == 1:
        if titled and sections[0].number:
            return f"{word} {sections[0].number}"
        return wording.section_label(sections[0], lang)
    return ("Abschnitte " if lang == "de" else "sections ") + ", ".join(s.number or s.title for s in sections)


def overview(question: str, kb: KnowledgeBase, lang: str = "en") -> Overview | None:
    """The overview answer to ``question`` (English, or a German question's gloss) in ``lang``, or None if it is
    not an overview question or the notice has none."""
    topic = overview_topic(question, _own_names(kb))
    if topic is None:
        return None
    items = _items(kb, topic, lang)
    if len(items) < 2:
        return None
    lines = [f"• {text} — {_cite(sections, topic not in (RECIPIENTS, RIGHTS), lang)}" for text, sections in items]
    cited = [s for _, sections in items for s in sections]
    german = lang == "de"
    intro = wording.OVERVIEW_INTROS_DE[topic] if german else INTROS[topic]
    outro = (wording.RIGHTS_OUTRO_DE if topic == RIGHTS else wording.OVERVIEW_OUTRO_DE) if german else OUTROS[topic]
    access = next((s for s in kb.sections if s.metadata.get("right") == "access"), None)
    if topic == COLLECT and access is not None and _asks_what_is_held(question):
        if german:
            intro = f"{wording.HELD_DE.format(access=wording.section_label(access, lang))} {intro}"
        else:
            intro = (
                f"What we hold about you personally you can get as a copy with your right of access "
                f"({access.label}). In general, {intro[0].lower()}{intro[1:]}"
            )
        return Overview(topic, "\n".join([intro, *lines, outro]), [access, *cited], right="access")
    return Overview(topic, "\n".join([intro, *lines, outro]), cited)


def _own_names(kb: KnowledgeBase) -> frozenset[str]:
    """The company's own name as questions write it: the domain of the controller's e-mail addresses."""
    controller = kb.by_role("controller")
    emails = controller.metadata.get("emails", []) if controller else []
    return frozenset(label for e in emails for label in e.split("@")[-1].lower().split(".")[:-1])


def _asks_what_is_held(question: str) -> bool:
    """ "What do you have/keep/know about me?": a question the right of access answers for the person."""
    return bool(_ABOUT_ME.search(question)) and bool(set(lemmas(question)) & _HOLD_VERBS)
