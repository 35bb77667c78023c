"""Recognised requests: restate, confirm, verify identity, file (logic and texts in bot.dialogue)."""

from __future__ import annotations

import uuid
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.language import reply_language
from actions.status import answer_verified
from bot.dialogue import replies, request_flow, status_flow
from bot.dialogue.texts import say
from bot.dialogue.wiring import services

REQUEST_SLOTS = (
    "requested_rights",
    "data_categories",
    "request_text",
    "request_id",
    "requester_email",
    "verification_state",
    "requester_phone",
    "requester_telegram_id",
)


def clear_request() -> list[dict[str, Any]]:
    """Events that forget the request in progress."""
    return [SlotSet(slot, None) for slot in REQUEST_SLOTS]


def _rights(tracker: Tracker) -> list[str]:
    return list(tracker.get_slot("requested_rights") or [])


class ActionRestateRequest(Action):
    """Restate the requested right(s) plainly with the article and ask for confirmation."""

    def name(self) -> str:
        return "action_restate_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        message, lang = tracker.latest_message, reply_language(tracker)
        rights = request_flow.rights_of((message.get("intent") or {}).get("name"), message.get("entities") or [])
        if not rights:  # resuming after a question: restate what is pending
            pending = _rights(tracker)
            if pending:
                dispatcher.utter_message(
                    text=replies.restate(pending, lang), buttons=replies.confirmation_buttons(lang)
                )
                return []
            dispatcher.utter_message(response="utter_ask_which_right")
            return []
        dispatcher.utter_message(text=replies.restate(rights, lang), buttons=replies.confirmation_buttons(lang))
        return [
            SlotSet("requested_rights", rights),
            SlotSet("data_categories", replies.data_categories(message.get("entities") or [])),
            SlotSet("request_text", message.get("text")),
            SlotSet("request_id", uuid.uuid4().hex),
        ]


class ActionAskRequesterEmail(Action):
    """The identity form's question: why the address is needed and which one."""

    def name(self) -> str:
        return "action_ask_requester_email"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        lang = reply_language(tracker)
        dispatcher.utter_message(text=request_flow.ask_email(_rights(tracker), lang))
        telegram = (tracker.get_latest_input_channel() or "").startswith("telegram")
        if telegram and not tracker.get_slot("requester_phone"):
            offer = say("contact_offer", lang)
            dispatcher.utter_message(json_message={"telegram_contact_request": offer})
        return []


class ValidateIdentityForm(FormValidationAction):
    """Checks the address (one address, no line breaks or extra headers) and sends the code."""

    def name(self) -> str:
        return "validate_identity_form"

    async def validate_requester_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        lang = reply_language(tracker)
        address, problem = request_flow.read_address(tracker.latest_message.get("text") or str(value or ""), lang)
        if address is None:
            dispatcher.utter_message(text=problem)
            return {"requester_email": None}
        if request_flow.needs_code(_rights(tracker)):
            sent = request_flow.send_code(services(), tracker.sender_id, address, lang)
            dispatcher.utter_message(text=sent.message)
            if not sent.sent:
                return {"requester_email": None}
            return {"requester_email": address, "verification_state": "code_sent"}
        return {"requester_email": address, "verification_state": "awaiting_confirmation"}


class ActionIdentitySubmitted(Action):
    """After the address: wait for the code, or ask the person to confirm the address."""

    def name(self) -> str:
        return "action_identity_submitted"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        if tracker.get_slot("verification_state") == "awaiting_confirmation":
            email, lang = tracker.get_slot("requester_email"), reply_language(tracker)
            dispatcher.utter_message(
                text=request_flow.confirm_address(email, lang),
                buttons=replies.confirmation_buttons(lang),
            )
        return []


class ActionResetIdentity(Action):
    """The address was wrong: ask for it again."""

    def name(self) -> str:
        return "action_reset_identity"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        request_flow.cancel_code(services(), tracker.sender_id)
        return [SlotSet("requester_email", None), SlotSet("verification_state", None)]


class ActionFileTicket(Action):
    """File the request once verification is complete (checked again here, never trusted from the intent)."""

    def name(self) -> str:
        return "action_file_ticket"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        rights, lang = _rights(tracker), reply_language(tracker)
        reference, email = tracker.get_slot("status_reference"), tracker.get_slot("requester_email")
        svc = services()
        for_request = bool(rights and email and request_flow.code_confirmed(svc, tracker.sender_id, email))
        if reference and not for_request and status_flow.confirmed(svc, tracker.sender_id, reference):
            wish = tracker.get_slot("status_wish")
            return answer_verified(dispatcher, reference, wish, lang)  # a status question's code
        if not rights:
            dispatcher.utter_message(text=request_flow.code_feedback("code_not_expected", None, lang))
            return []
        ticket = request_flow.file_request(
            svc,
            sender_id=tracker.sender_id,
            rights=rights,
            email=tracker.get_slot("requester_email"),
            input_channel=tracker.get_latest_input_channel(),
            request_id=tracker.get_slot("request_id") or uuid.uuid4().hex,
            request_text=tracker.get_slot("request_text"),
            data_categories=tracker.get_slot("data_categories"),
            phone=tracker.get_slot("requester_phone"),
            telegram_user_id=tracker.get_slot("requester_telegram_id"),
            language=lang,
        )
        if ticket is None:
            dispatcher.utter_message(text=say("not_verified", lang))
            return []
        dispatcher.utter_message(text=request_flow.filed_message(ticket, lang))
        return clear_request()


class ActionCodeFeedback(Action):
    """Tell the person how their code attempt went."""

    def name(self) -> str:
        return "action_code_feedback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        left, lang = next(tracker.get_latest_entity_values("attempts_left"), None), reply_language(tracker)
        buttons = [request_flow.resend_button(lang)] if intent == "code_expired" else []
        text = request_flow.code_feedback(intent, int(left) if left else None, lang)
        dispatcher.utter_message(text=text, buttons=buttons)
        return clear_request() if intent == "code_locked" else []


class ActionResendCode(Action):
    """Send a new code to the address already given (after the cooldown)."""

    def name(self) -> str:
        return "action_resend_code"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        email, lang = tracker.get_slot("requester_email"), reply_language(tracker)
        if not email or tracker.get_slot("verification_state") != "code_sent":
            dispatcher.utter_message(text=request_flow.code_feedback("code_not_expected", None, lang))
            return []
        dispatcher.utter_message(text=request_flow.send_code(services(), tracker.sender_id, email, lang).message)
        return []


class ActionComplaintInfo(Action):
    """Tell the person where and how to complain, and record the wish for the DPO."""

    def name(self) -> str:
        return "action_complaint_info"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        message = tracker.latest_message
        request_id = f"complaint-{message.get('message_id') or uuid.uuid4().hex}"
        input_channel = tracker.get_latest_input_channel()
        lang = reply_language(tracker)
        text = request_flow.complaint(
            services(), tracker.sender_id, input_channel, request_id, message.get("text"), lang
        )
        dispatcher.utter_message(text=text)
        return clear_request()


class ActionPhoneVerified(Action):
    """The Telegram bridge confirmed the shared contact is the sender's own: an extra factor."""

    def name(self) -> str:
        return "action_phone_verified"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        metadata = tracker.latest_message.get("metadata") or {}
        phone, user_id = metadata.get("verified_phone"), metadata.get("telegram_user_id")
        if not phone:
            return []
        dispatcher.utter_message(text=say("phone_confirmed", reply_language(tracker)))
        return [SlotSet("requester_phone", phone), SlotSet("requester_telegram_id", user_id)]


class ActionCancelRequest(Action):
    """Discard a half-finished request, including any code sent."""

    def name(self) -> str:
        return "action_cancel_request"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[dict[str, Any]]:
        request_flow.cancel_code(services(), tracker.sender_id)
        dispatcher.utter_message(response="utter_cancelled")
        return [ActiveLoop(None), SlotSet("requested_slot", None), *clear_request()]
