"""Recognised requests: restate, confirm, hand off; complaints (logic in bot.dialogue and bot.rights)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import dialogue
from bot.rights import rights_from_intent
from bot.settings import get_settings


class ActionRestateRequest(Action):
    """Restate the requested right(s) plainly with the article and ask for confirmation."""

    def name(self) -> str:
        return "action_restate_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        message = tracker.latest_message
        rights = rights_from_intent((message.get("intent") or {}).get("name"))
        if not rights:  # resuming after a question: restate what is pending
            pending = tracker.get_slot("requested_rights") or []
            if pending:
                dispatcher.utter_message(text=dialogue.restate(pending), buttons=dialogue.confirmation_buttons())
                return []
            dispatcher.utter_message(response="utter_ask_which_right")
            return []
        dispatcher.utter_message(text=dialogue.restate(rights), buttons=dialogue.confirmation_buttons())
        return [
            SlotSet("requested_rights", rights),
            SlotSet("data_categories", dialogue.data_categories(message.get("entities") or [])),
            SlotSet("request_text", message.get("text")),
        ]


class ActionConfirmRequest(Action):
    """The person confirmed: hand the request over to the next step."""

    def name(self) -> str:
        return "action_confirm_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        rights = tracker.get_slot("requested_rights") or []
        dispatcher.utter_message(text=dialogue.confirmed(rights))
        return []


class ActionComplaintInfo(Action):
    """Tell the person where and how to complain, and record the wish."""

    def name(self) -> str:
        return "action_complaint_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        text = dialogue.complaint_guidance(get_settings().controller_region)
        dispatcher.utter_message(text=text)
        return [
            SlotSet("requested_rights", ["complaint"]),
            SlotSet("request_text", tracker.latest_message.get("text")),
        ]


class ActionCancelRequest(Action):
    """Discard a half-finished request."""

    def name(self) -> str:
        return "action_cancel_request"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_cancelled")
        return [
            SlotSet("requested_rights", None),
            SlotSet("data_categories", None),
            SlotSet("request_text", None),
        ]
