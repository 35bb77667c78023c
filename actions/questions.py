"""Answer questions from the privacy notice (logic in bot.kb)."""

from __future__ import annotations

import threading
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.kb.answer import answer_question
from bot.kb.retrieve import default_retriever

# Load the knowledge base and the sentence encoder while the server starts, not on the first question.
threading.Thread(target=default_retriever, name="warm-kb", daemon=True).start()


class ActionAnswerQuestion(Action):
    """Quote the most relevant sentences of the notice with their section, or abstain honestly."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        answer = answer_question(tracker.latest_message.get("text") or "")
        dispatcher.utter_message(text=answer.text, buttons=answer.buttons)
        return []
