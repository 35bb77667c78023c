"""'How is my request going?' and 'withdraw my request' (logic in bot.dialogue.status_flow)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import reply_language
from bot.dialogue import replies, status_flow
from bot.dialogue.wiring import services


def forget() -> list[dict[str, Any]]:
    """Events that end the status question."""
    return [SlotSet("status_reference", None), SlotSet("status_wish", None)]


def answer_verified(
    dispatcher: CollectingDispatcher, reference: str, wish: str | None, lang: str
) -> list[dict[str, Any]]:
    """The answer once the person has proved the address: the status, or the withdrawal question."""
    if wish == status_flow.WITHDRAW and status_flow.can_withdraw(services(), reference):
        return [SlotSet("status_reference", reference), FollowupAction("action_confirm_withdrawal")]
    dispatcher.utter_message(text=status_flow.status_text(services(), reference, lang))
    return forget()


class ActionRequestStatus(Action):
    """Start a status question or a withdrawal: a code to the address on the request, or the answer."""

    def name(self) -> str:
        return "action_request_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        wish = status_flow.WITHDRAW if intent == "withdraw_request" else status_flow.STATUS
        lang = reply_language(tracker)
        reply = status_flow.start(services(), tracker.sender_id, tracker.latest_message.get("text") or "", lang=lang)
        if reply.verified and reply.reference:
            return answer_verified(dispatcher, reply.reference, wish, lang)
        dispatcher.utter_message(text=reply.text)
        if reply.reference is None:
            return forget()
        return [SlotSet("status_reference", reply.reference), SlotSet("status_wish", wish)]


class ActionConfirmWithdrawal(Action):
    """Ask before withdrawing."""

    def name(self) -> str:
        return "action_confirm_withdrawal"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        reference, lang = tracker.get_slot("status_reference"), reply_language(tracker)
        dispatcher.utter_message(
            text=status_flow.confirm_withdrawal(reference, lang),
            buttons=replies.confirmation_buttons(lang),
        )
        return []


class ActionWithdrawRequest(Action):
    """Withdraw after a yes (the code is checked again); keep it after a no."""

    def name(self) -> str:
        return "action_withdraw_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        reference, lang = tracker.get_slot("status_reference"), reply_language(tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if not reference or intent != "affirm":
            dispatcher.utter_message(text=status_flow.kept(lang))
            return forget()
        dispatcher.utter_message(text=status_flow.withdraw(services(), tracker.sender_id, reference, lang))
        return forget()
