"""The request conversation after confirmation: identity check proportionate to the right, then filing.

What is said to the person never depends on whether the address is known to the company.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.addresses import InvalidAddress, extract_address
from bot.dialogue.replies import complaint_guidance
from bot.dialogue.texts import long_date, say
from bot.dialogue.wiring import Services
from bot.notify import compose
from bot.notify.transport import send_now
from bot.rights.catalogue import (
    Verification,
    catalogue,
    in_catalogue_order,
    rights_from_entities,
    rights_from_intent,
)
from bot.subjects.customers import subject_match
from bot.tickets.lifecycle import Status
from bot.tickets.models import Ticket
from bot.tickets.records import mask_email
from bot.tickets.service import NewRequest
from bot.verification.service import SendOutcome, conversation_key

log = logging.getLogger(__name__)
STRICTNESS = [Verification.none, Verification.confirmed_email, Verification.verified_email]
# the ticket's channel by Rasa's input channel; every other input channel is the website
INPUT_TO_TICKET_CHANNEL = {"telegram_bridge": "telegram", "telegram": "telegram"}


def requirement(rights: list[str]) -> Verification:
    """The strictest verification any of the requested rights needs."""
    needed = [catalogue()[r].verification for r in rights if r in catalogue()]
    return max(needed, key=STRICTNESS.index, default=Verification.none)


def ask_email(rights: list[str], lang: str = "en") -> str:
    """Why the address is needed, in plain words."""
    return say("ask_email_code" if requirement(rights) is Verification.verified_email else "ask_email_reply", lang)


def resend_button(lang: str = "en") -> dict[str, str]:
    """The quick reply that asks for a new code."""
    return {"title": say("button_resend", lang), "payload": "/resend_code"}


@dataclass(frozen=True)
class CodeRequest:
    """The outcome of sending a code, as the person should hear it."""

    sent: bool
    message: str


def send_code(svc: Services, sender_id: str, email: str, lang: str = "en") -> CodeRequest:
    """Issue a code and email it; the same words whether or not the address is a customer's."""
    settings = svc.settings
    result = svc.verifier.start(sender_id, email, language=lang)
    if result.outcome is SendOutcome.cooldown:
        return CodeRequest(False, say("code_cooldown", lang, seconds=result.wait_seconds))
    if result.outcome in (SendOutcome.address_limit, SendOutcome.conversation_limit):
        return CodeRequest(False, say("code_limit", lang))
    assert result.code is not None
    minutes = settings.code_lifetime_seconds // 60
    try:
        send_now(svc.mail, compose.verification_code(settings, email, result.code, minutes, language=result.language))
    except Exception as exc:  # the mail server is down or refused the message: that code must never count
        log.warning("verification code not sent: %s", type(exc).__name__)  # the text may name the address
        assert result.challenge_id is not None
        svc.verifier.withdraw(result.challenge_id)
        return CodeRequest(False, say("code_send_failed", lang))
    return CodeRequest(True, say("code_sent", lang, masked=mask_email(email), minutes=minutes))


def code_feedback(intent: str, attempts_left: int | None, lang: str = "en") -> str:
    """What to say about a code attempt (the code itself never reaches the assistant)."""
    if intent in ("code_wrong", "code_expired", "code_locked"):
        return say(intent, lang, attempts_left=attempts_left)
    return say("code_not_expected", lang)


def file_request(
    svc: Services,
    sender_id: str,
    rights: list[str],
    email: str | None,
    input_channel: str | None,
    request_id: str,
    request_text: str | None,
    data_categories: list[str] | None,
    phone: str | None = None,
    telegram_user_id: str | None = None,
    language: str = "en",
) -> Ticket | None:
    """File the confirmed request if its verification is complete; None if it is not.

    A retried call for the same request (a replayed message, a retried action) returns the ticket
    filed the first time.
    """
    idempotency_key = f"{conversation_key(sender_id)[:32]}:{request_id}"
    already = svc.tickets.by_key(idempotency_key)
    if already is not None:
        return already
    need = requirement(rights)
    challenge_id = None
    if need is Verification.verified_email:
        if not email:
            return None
        challenge_id = svc.verifier.verified_challenge(sender_id, email)
        if challenge_id is None:
            return None
        method, outcome = "verified_email", "verified"
    elif need is Verification.confirmed_email:
        if not email:
            return None
        method, outcome = "confirmed_email", "confirmed"
    else:
        method, outcome = "none", "not_required"
    if phone and method != "none":
        method += "+verified_phone"
    service = svc.tickets
    ticket = service.file(
        NewRequest(
            rights=rights,
            channel=INPUT_TO_TICKET_CHANNEL.get(input_channel or "", "web"),
            verification_method=method,
            verification_outcome=outcome,
            requester_email=email,
            requester_phone=phone,
            requester_telegram_id=telegram_user_id,
            subject_match=subject_match(service.factory, email, method.split("+")[0]) if email else None,
            request_text=request_text,
            data_categories=list(data_categories or []),
            language=language,
            conversation_id=sender_id,
            idempotency_key=idempotency_key,
            status=Status.open,
        )
    )
    if challenge_id is not None:
        svc.verifier.mark_used(challenge_id)
    return ticket


def filed_message(ticket: Ticket, lang: str = "en") -> str:
    """The reply once the ticket exists."""
    receipt = say("filed_receipt", lang) if ticket.requester_email else ""
    due = long_date(ticket.effective_due, lang)
    return say("filed", lang, reference=ticket.reference, due=due, receipt=receipt)


def rights_of(intent: str | None, entities: Iterable[dict[str, Any]] = ()) -> list[str]:
    """The rights a recognised request asks to exercise, in the catalogue's order: those its ``requested_right``
    entities name (the whole message's rights, as the evaluation decides them: bot/runtime/letters.py), else
    its intent's (which names only a combination the domain has)."""
    return rights_from_entities(entities) or in_catalogue_order(rights_from_intent(intent))


def needs_code(rights: list[str]) -> bool:
    """Whether the requested rights need an emailed code (not only a confirmed address)."""
    return requirement(rights) is Verification.verified_email


def read_address(text: str, lang: str = "en") -> tuple[str | None, str | None]:
    """The one address in a reply, or None and what to say about the reply."""
    try:
        return extract_address(text), None
    except InvalidAddress as exc:
        return None, say("address_invalid", lang, problem=say(f"address_{exc.problem}", lang))


def confirm_address(email: str, lang: str = "en") -> str:
    """The question that confirms an address (for rights that need no code)."""
    return say("confirm_address", lang, email=email)


def code_confirmed(svc: Services, sender_id: str, email: str) -> bool:
    """Whether this conversation confirmed a code sent to ``email`` (not yet used to file a request)."""
    return svc.verifier.verified_challenge(sender_id, email) is not None


def cancel_code(svc: Services, sender_id: str) -> None:
    """Forget any code pending for this conversation."""
    svc.verifier.cancel(sender_id)


def complaint(
    svc: Services, sender_id: str, input_channel: str | None, request_id: str, text: str | None, lang: str = "en"
) -> str:
    """Where and how to complain; the wish is filed for the DPO (with its reference in the reply)."""
    reply = complaint_guidance(svc.settings.controller_region, lang)
    ticket = file_request(svc, sender_id, ["complaint"], None, input_channel, request_id, text, [], language=lang)
    return reply + (say("complaint_reference", lang, reference=ticket.reference) if ticket is not None else "")
