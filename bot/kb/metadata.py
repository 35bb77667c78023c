"""What a section of the notice is about: topics, third parties, data categories, legal bases, retention
statements, contacts and the right it grants (stored in each section's metadata by ``bot.kb.build``).
A German section is read through its English gloss (``bot.kb.german``); its retention statements are quoted
as the notice writes them."""

from __future__ import annotations

import re
from collections import Counter

from bot.kb.german import gloss
from bot.kb.model import Passage, Section
from bot.text import concepts, lemmas

URL_RE = re.compile(r"https?://\S+")
EMAIL_RE = re.compile(r"\b[\w.+-]+(?:@|\[at\]|\(at\))[\w-]+(?:\.[\w-]+)+\b", re.I)
LEGAL_BASIS_RE = re.compile(
    r"Art(?:icle|\.)?\s*(\d+)\s*(?:\((\d)\)|(?:para(?:graph)?\.?|Para\.?|I\b|Abs\.?)\s*(\d)?)"
    r"\s*(?:\(([a-f])\)|(?:lit\.?|letter|Buchst\.?)\s*([a-f])\b)",
    re.I,
)
COMPANY_RE = re.compile(
    r"\b((?:[A-Z][\w.&-]*\s+){0,3}[A-Z][\w.&-]*),?\s+(Inc|Ltd|LLC|GmbH(?:\s*&\s*Co\.?\s*KG)?|AG|Corporation|"
    r"Limited|S\.A\.|SE|B\.V\.)\b"
)
RETENTION_RE = re.compile(
    r"\b(deleted|erased|stored for|storage period|retention|retain|kept for|no longer (?:required|necessary)|"
    r"as soon as|duration|remain stored)\b",
    re.I,
)
DATA_CATEGORIES = {
    "ip_address": r"\bIP[- ]address",
    "cookies": r"\bcookie",
    "browser_and_os": r"\bbrowser\b|\boperating system",
    "access_time": r"\bdate and time\b|\btime of access\b|\btime the comment",
    "referrer_url": r"\breferrer",
    "email_address": r"\be-?mail address",
    "name": r"\byour name\b|\bname, address\b|\buser name\b",
    "postal_address": r"(?<!ip )(?<!mail )\baddress(?!es)\b(?! of)",
    "payment_data": r"\bcredit card|\baccount number|\bbank code|\binvoice amount|\bpayment",
    "date_of_birth": r"\bdate of birth",
    "comments": r"\bcomment",
    "contact_messages": r"\bcontact form|\bcontact us by e-?mail",
    "login_data": r"\blog-?in (?:information|data)\b|\baccount login",
    "search_terms": r"\bsearch terms",
    "language_settings": r"\blanguage settings",
    "usage": r"\bfrequency of page views|\buse of (?:our )?website functions|\bvisitor traffic",
}
RIGHT_CONCEPTS = {
    "right_access": "access",
    "right_rectification": "rectification",
    "right_erasure": "erasure",
    "right_restriction": "restriction",
    "right_notification": "notification",
    "right_portability": "portability",
    "right_objection": "objection",
    "right_withdraw_consent": "withdraw_consent",
    "right_automated_decision": "automated_decision",
    "right_complaint": "complaint",
}


def section_right(section: Section, title_is_unique: bool) -> str | None:
    """The right a rights section is about: from its title (if no other section shares it) and the
    sentences that grant a right ("You have the right to be informed about these recipients"), so two
    sections titled "Right to information" (access, notification) are told apart."""
    if not re.search(r"\bright|\bappeal|\bconsent|\bcomplain", section.title, re.I):
        return None
    sentences = [s for p in section.passages for s in p.sentences]
    title = Counter(concepts(lemmas(section.title))) if title_is_unique else Counter()
    granting = [s for s in sentences if re.search(r"\bright (?:to|of|not)\b", s, re.I)] or sentences[:1]
    body = Counter(c for s in granting for c in concepts(lemmas(s)))
    scores = {RIGHT_CONCEPTS[c]: 2 * title[c] + body[c] for c in RIGHT_CONCEPTS}
    best = max(scores, key=lambda r: scores[r])
    return best if scores[best] > 0 else None


def glossed(section: Section) -> Section:
    """The section with its title and sentences in English words (for a German notice)."""
    passages = [Passage(p.id, gloss(p.text), [gloss(x) for x in p.sentences]) for p in section.passages]
    return Section(section.id, section.number, gloss(section.title), passages, section.parent, section.role)


def section_metadata(section: Section, title_is_unique: bool = True, language: str = "en") -> dict[str, object]:
    """Topics, third parties, data categories, legal bases, retention statements, contacts, right."""
    original = section
    if language == "de":
        section = glossed(section)
    text = section.text
    body_concepts = Counter(concepts(lemmas(text)))
    title_concepts = Counter(concepts(lemmas(section.title)))
    topics = [c for c, _ in (title_concepts + body_concepts).most_common() if not c.startswith("right_")]
    bases = []
    for m in LEGAL_BASIS_RE.finditer(original.text):
        para = m.group(2) or m.group(3) or "1"
        letter = (m.group(4) or m.group(5)).lower()
        basis = f"Art. {m.group(1)}({para})({letter}) GDPR"
        if basis not in bases:
            bases.append(basis)
    companies = []
    for m in COMPANY_RE.finditer(original.text):
        name = f"{m.group(1).strip()} {m.group(2)}".strip()
        if name not in companies:
            companies.append(name)
    sentences = [s for p in section.passages for s in p.sentences]
    quoted = [s for p in original.passages for s in p.sentences]
    return {
        "topics": topics[:12],
        "third_parties": companies,
        "data_categories": [k for k, rx in DATA_CATEGORIES.items() if re.search(rx, text, re.I)],
        "legal_bases": bases,
        "retention": [q for s, q in zip(sentences, quoted, strict=True) if RETENTION_RE.search(s)],
        "urls": [u.rstrip(".,;)") for u in URL_RE.findall(original.text)],
        "emails": [re.sub(r"\[at\]|\(at\)", "@", e, flags=re.I) for e in EMAIL_RE.findall(original.text)],
        "right": section_right(section, title_is_unique),
    }
