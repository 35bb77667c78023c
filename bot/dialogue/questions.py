"""Questions about the privacy notice: the knowledge base's answer, rendered as a reply with buttons."""

from __future__ import annotations

import threading

from bot.dialogue.replies import offer_button
from bot.kb.answer import Answer, answer_question
from bot.kb.retrieve import default_retriever


def warm_up() -> None:
    """Load the knowledge base and the sentence encoder in the background (while the server starts)."""
    threading.Thread(target=default_retriever, name="warm-kb", daemon=True).start()


def question_buttons(answer: Answer) -> list[dict[str, str]]:
    """The answer's buttons: the request it offers to start, or the topics an abstention suggests."""
    return [offer_button(answer.offer)] if answer.offer else list(answer.buttons)


def reply_to_question(text: str) -> tuple[str, list[dict[str, str]]]:
    """What to say to a question, and its buttons."""
    answer = answer_question(text)
    return answer.text, question_buttons(answer)
