"""Answer questions from the privacy notice (logic in bot.dialogue.questions and bot.kb)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.dialogue.questions import reply_to_question, warm_up

warm_up()  # load the knowledge base and the sentence encoder while the server starts, not on the first question


class ActionAnswerQuestion(Action):
    """Quote the most relevant sentences of the notice with their section, or abstain honestly."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        language = tracker.get_slot("language")  # None until the conversation's language is known
        text, buttons = reply_to_question(tracker.latest_message.get("text") or "", lang=language)
        dispatcher.utter_message(text=text, buttons=buttons)
        return []
