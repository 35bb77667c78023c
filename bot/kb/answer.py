"""Answers from the notice: one to three quoted sentences with the section they come from.

When the best section covers too little of the question, the assistant says so honestly and offers
the Data Protection Officer's contact and a list of topics instead of guessing.

Two languages play a part: the question's (``lang``: how it is matched; a German one through its English
gloss) and the reply's (``reply_lang``: the words around the quote, and the German notice when one is built).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.kb import wording
from bot.kb.chat_privacy import MIN_CONFIDENCE as STATEMENT_MIN_CONFIDENCE
from bot.kb.chat_privacy import is_about_this_chat, statement_retriever
from bot.kb.german import gloss
from bot.kb.model import KnowledgeBase, Section
from bot.kb.overview import overview
from bot.kb.retrieve import Hit, Ranking, Retriever, default_retriever
from bot.kb.silence import silent_topic

CONFIDENCE_THRESHOLD = 0.4  # lexical coverage of the question by the chosen section ...
SIMILARITY_FLOOR = 0.35  # ... with at least this semantic similarity (where embeddings are used)
SIMILARITY_THRESHOLD = 0.6  # semantic similarity that answers even with low lexical coverage ...
MIN_COVERAGE = 0.1  # ... as long as some of the question's words or concepts are in the section
SIMILARITY_ALONE = 0.75  # a question this close in meaning to the section is answered whatever its words
CONFIDENCE_THRESHOLD_DE = 0.4  # a German question: lexical coverage of its gloss ...
SIMILARITY_THRESHOLD_DE = 0.7  # ... or this similarity with some coverage (German texts run about 0.1 more similar
SIMILARITY_ALONE_DE = 0.85  # to each other in the English encoder than English ones) or this similarity alone
MAX_SENTENCES = 3
RELATIVE_CUTOFF = 0.6
CONTACT_ROLES = {"controller", "dpo"}
# "… comments or the contact form?", "who is responsible and is it secure?": a question in parts, each part
# answered by its own section.
# A comma before a relative pronoun or a subordinating conjunction opens a clause of the same question, not
# another question ("die Angaben, die ich … sende", "my data, which …", "… erfasst, wenn …").
_SAME_QUESTION = (
    r"(?!(?:der|die|das|dem|den|deren|dessen|welche[rsmn]?|dass|wenn|weil|ob|which|that|if|because|whom|whose)\b)"
)
_PARTS = re.compile(
    rf"\s*(?:[,;]\s*(?:and|or|und|oder)?\s+{_SAME_QUESTION}|(?:\band\b|\bor\b|\bund\b|\boder\b)\s+)", re.I
)
MIN_PART_WORDS = 2


@dataclass
class Answer:
    """What the assistant replies to a question."""

    question: str
    text: str
    confidence: float
    section: Section | None
    quotes: list[str] = field(default_factory=list)
    alternatives: list[tuple[Section, float]] = field(default_factory=list)
    buttons: list[dict[str, str]] = field(default_factory=list)
    offer: str | None = None  # the right whose request the answer can offer to start (the dialogue renders it)
    cited: list[Section] = field(default_factory=list)  # an overview's sections, one per item

    @property
    def abstained(self) -> bool:
        """True when the notice does not seem to answer the question (an overview does answer it)."""
        return self.section is None and not self.cited

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used by `privacybot ask --json`."""
        return {
            "question": self.question,
            "answer": self.text,
            "confidence": round(self.confidence, 3),
            "abstained": self.abstained,
            "section": _cite(self.section) if self.section else None,
            "cited": [_cite(s) for s in self.cited],
            "quotes": self.quotes,
            "alternatives": [{**_cite(s), "score": round(sc, 3)} for s, sc in self.alternatives],
        }


def _cite(section: Section) -> dict[str, Any]:
    return {"number": section.number, "title": section.title, "id": section.id}


def citation(section: Section) -> str:
    """ "— Privacy notice, section 8 'Data processing for payment process'"."""
    return wording.citation(section, "en", "en")


def pick_sentences(section: Section, ranked: tuple[tuple[int, float], ...]) -> list[str]:
    """The most relevant sentences of ``section``, in the notice's order."""
    sentences = [s for p in section.passages for s in p.sentences]
    if section.role in CONTACT_ROLES:
        return sentences[:6]
    if not ranked or ranked[0][1] <= 0:
        return sentences[:1]
    best = ranked[0][1]
    chosen = sorted(j for j, score in ranked[:MAX_SENTENCES] if score >= RELATIVE_CUTOFF * best)
    if sentences[chosen[-1]].endswith(":") and chosen[-1] + 1 < len(sentences):
        chosen.append(chosen[-1] + 1)  # a lead-in needs what it introduces
    return [sentences[j] for j in chosen[: MAX_SENTENCES + 1]]


def answer_question(
    question: str,
    retriever: Retriever | None = None,
    lang: str = "en",
    reply_lang: str | None = None,
    binding_url: str = "",
) -> Answer:
    """Answer ``question`` (written in ``lang``) from the notice in ``reply_lang`` (default: ``lang``), or abstain
    honestly. ``binding_url``: the binding German notice, linked when a German reply quotes the English one."""
    reply = reply_lang or lang
    question_text = question.strip()[:1000]
    english = gloss(question_text) if lang == "de" else question_text  # what the English patterns read
    if retriever is None and is_about_this_chat(english):
        about_chat = _answer_about_this_chat(question, english, reply)
        if about_chat is not None:
            return about_chat
    retriever = retriever or default_retriever(reply)
    topic = silent_topic(question_text, retriever.kb) or (silent_topic(english, retriever.kb) if lang == "de" else None)
    if topic is not None:
        label = wording.TOPIC_LABELS_DE.get(topic.id, topic.label) if reply == "de" else topic.label
        return _not_covered(question, retriever.kb, wording.text(reply, "not_mention", topic=label), reply)
    broad = overview(english, retriever.kb, reply)
    if broad is not None:
        return Answer(
            question=question, text=broad.text, confidence=1.0, section=None, cited=broad.cited, offer=broad.right
        )
    ranking = retriever.search(question_text, lang=lang)
    alternatives = [(h.section, h.score) for h in ranking.hits]
    if not ranking.hits or not confident_enough(ranking, lang):
        return _abstain(question, ranking, retriever, alternatives, reply)
    hit = ranking.hits[0]
    hits = [hit, *_other_parts(question_text, hit.section, retriever, lang)]
    quotes = pick_sentences(hit.section, hit.sentences)
    notice_lang = retriever.kb.language
    blocks = []
    for part in hits:
        said = pick_sentences(part.section, part.sentences)
        quoted = "\n".join(said)
        intro = wording.quote_intro(part.section, reply, notice_lang, binding_url)
        cite = (
            "" if reply == "de" and notice_lang != "de" else f"\n{wording.citation(part.section, reply, notice_lang)}"
        )
        blocks.append(f"{intro}\n“{quoted}”{cite}")
    return Answer(
        question=question,
        text="\n\n".join(blocks),
        confidence=ranking.confidence,
        section=hit.section,
        quotes=quotes,
        alternatives=alternatives[1:],
        offer=hit.section.metadata.get("right"),
        cited=[h.section for h in hits] if len(hits) > 1 else [],
    )


def _other_parts(question: str, first: Section, retriever: Retriever, lang: str) -> list[Hit]:
    """For a question in parts ("… and …", "… or …"): the confidently found sections of parts that the first
    section does not answer, one per part."""
    parts = [p for p in _PARTS.split(question) if len(p.split()) >= MIN_PART_WORDS]
    if len(parts) < 2:
        return []
    found: list[Hit] = []
    for part in parts:
        ranking = retriever.search(part, lang=lang)
        if not ranking.hits or not confident_enough(ranking, lang):
            continue
        hit = ranking.hits[0]
        if hit.section.id != first.id and all(hit.section.id != h.section.id for h in found):
            found.append(hit)
    return found


def confident_enough(ranking: Ranking, lang: str = "en") -> bool:
    """Whether the first hit answers the question (thresholds chosen on tests/eval/kb_dev.yml; for German
    questions on tests/eval/kb_de_dev.yml)."""
    if ranking.similarity is None:
        return ranking.confidence >= CONFIDENCE_THRESHOLD
    if lang == "de":
        semantic_de = ranking.similarity >= SIMILARITY_THRESHOLD_DE and ranking.confidence >= MIN_COVERAGE
        return ranking.confidence >= CONFIDENCE_THRESHOLD_DE or semantic_de or ranking.similarity >= SIMILARITY_ALONE_DE
    lexical = ranking.confidence >= CONFIDENCE_THRESHOLD and ranking.similarity >= SIMILARITY_FLOOR
    semantic = ranking.similarity >= SIMILARITY_THRESHOLD and ranking.confidence >= MIN_COVERAGE
    return lexical or semantic or ranking.similarity >= SIMILARITY_ALONE


def _answer_about_this_chat(question: str, english: str, reply: str) -> Answer | None:
    """The answer from the assistant's own privacy statement, or None if it has none."""
    ranking = statement_retriever().search(english.strip()[:1000])
    if not ranking.hits or ranking.confidence < STATEMENT_MIN_CONFIDENCE:
        return None
    hit = ranking.hits[0]
    quotes = pick_sentences(hit.section, hit.sentences)
    quoted = "\n".join(quotes)
    cite = wording.text(reply, "chat_citation", title=hit.section.title)
    return Answer(
        question=question,
        text=f"{wording.text(reply, 'about_chat')}\n“{quoted}”\n{cite}",
        confidence=ranking.confidence,
        section=hit.section,
        quotes=quotes,
        alternatives=[(h.section, h.score) for h in ranking.hits[1:]],
    )


def dpo_contact(kb: KnowledgeBase, lang: str = "en") -> str:
    """ " You can also ask our Data Protection Officer directly: <email>." (empty if the notice names none)."""
    dpo = kb.by_role("dpo")
    if dpo is None or not dpo.metadata.get("emails"):
        return ""
    return wording.text(lang, "dpo", email=dpo.metadata["emails"][0])


def _not_covered(question: str, kb: KnowledgeBase, said: str, lang: str = "en") -> Answer:
    """The honest answer on a topic the notice is silent on: no section quoted, the DPO's contact."""
    text = f"{said} {wording.text(lang, 'no_guess')}{dpo_contact(kb, lang)}"
    return Answer(question=question, text=text, confidence=0.0, section=None)


def _abstain(
    question: str,
    ranking: Ranking,
    retriever: Retriever,
    alternatives: list[tuple[Section, float]],
    lang: str = "en",
) -> Answer:
    text = f"{wording.text(lang, 'abstain')}{dpo_contact(retriever.kb, lang)}{wording.text(lang, 'topics')}"
    topics = [s for s in retriever.kb.sections if s.number and "." not in s.number][:8]
    titles = [wording.section_title(s, lang, retriever.kb.language) for s in topics]
    buttons = [{"title": title, "payload": title} for title in titles]
    return Answer(
        question=question,
        text=text,
        confidence=ranking.confidence,
        section=None,
        alternatives=alternatives,
        buttons=buttons,
    )
