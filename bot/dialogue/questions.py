"""Questions about the privacy notice: the knowledge base's answer, rendered as a reply with buttons.

The question's own language decides how it is matched (a German question is matched in German even before the
conversation's language is known); the conversation's language (the ``language`` slot) decides the reply's.
"""

from __future__ import annotations

import threading

from bot.dialogue.language import SUPPORTED, detect_language
from bot.dialogue.replies import offer_button
from bot.kb.answer import Answer, answer_question
from bot.kb.retrieve import Retriever, default_retriever
from bot.settings import get_settings

# The request an answer offers to start, as a German button title.
OFFER_TITLES_DE = {
    "access": "Auskunft beantragen",
    "rectification": "Berichtigung beantragen",
    "erasure": "Löschung beantragen",
    "restriction": "Einschränkung beantragen",
    "notification": "Unterrichtung der Empfänger beantragen",
    "portability": "Datenübertragung beantragen",
    "objection": "Widerspruch einlegen",
    "withdraw_consent": "Einwilligung widerrufen",
    "automated_decision": "Überprüfung durch einen Menschen verlangen",
    "complaint": "Beschwerde einreichen",
}


def warm_up() -> None:
    """Load the knowledge base, the sentence encoder, the German glossary and lemma table and the language
    profiles in the background (while the server starts)."""
    threading.Thread(target=warm, name="warm-kb", daemon=True).start()


def warm() -> None:
    """Load what answering needs (synchronously)."""
    default_retriever()
    answer("Wie lange speichert ihr meine Daten?")
    answer("Does this chat store what I write?")  # the assistant's own privacy statement


def question_buttons(answer: Answer, lang: str = "en") -> list[dict[str, str]]:
    """The answer's buttons: the request it offers to start, or the topics an abstention suggests."""
    if not answer.offer:
        return list(answer.buttons)
    button = offer_button(answer.offer)
    if lang == "de" and answer.offer in OFFER_TITLES_DE:
        button = {**button, "title": OFFER_TITLES_DE[answer.offer]}
    return [button]


def answer(text: str, language: str | None = None, retriever: Retriever | None = None) -> Answer:
    """The knowledge base's answer to ``text``: matched in the question's language, replied in ``language``
    (the conversation's, when known; else the question's)."""
    asked_in = detect_language([text])
    reply_in = language if language in SUPPORTED else asked_in
    return answer_question(
        text, retriever, lang=asked_in, reply_lang=reply_in, binding_url=get_settings().notice_url_de
    )


def reply_to_question(text: str, lang: str | None = None) -> tuple[str, list[dict[str, str]]]:
    """What to say to a question, and its buttons (``lang``: the conversation's language, if known)."""
    found = answer(text, lang)
    reply_in = lang if lang in SUPPORTED else detect_language([text])
    return found.text, question_buttons(found, reply_in)
