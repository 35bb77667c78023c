"""'How is my request going?' and 'withdraw my request' in the chat.

- The person names a reference (DSR-2026-12, any case, with or without leading zeros) or says "my request"
  in the conversation that filed one. A code goes to the address on the ticket, unless this conversation
  proved it controls that address within a code's lifetime.
- A wrong or unknown reference gets the same answer as a real one until a code is confirmed: a challenge
  is started all the same (its code goes nowhere), so every reply and every code attempt look alike.
- After the code: the status, the deadline and what happens next; a withdrawal is confirmed first, then
  the ticket is withdrawn, the person gets the confirmation email and the DPO is told.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import system_clock
from bot.db.sessions import transaction
from bot.dialogue.wiring import Services
from bot.notify import answers, compose
from bot.notify.outbox import enqueue
from bot.notify.transport import send_now
from bot.rights.catalogue import rights_label
from bot.tickets.lifecycle import CLOSED, TRANSITIONS, Status
from bot.tickets.models import Ticket
from bot.tickets.service import TicketNotFound
from bot.verification.service import SendOutcome

REFERENCE_RE = re.compile(r"\bDSR-(\d{4})-(\d{1,6})\b", re.IGNORECASE)
ASK_REFERENCE = (
    "Which request do you mean? Please give me its reference, for example DSR-2026-000012: it is in the "
    "confirmation email we sent you."
)
WITHDRAW = "withdraw"
STATUS = "status"


def find_reference(text: str) -> str | None:
    """The reference in a message, in the form tickets have (DSR-2026-000012)."""
    match = REFERENCE_RE.search(text or "")
    return f"DSR-{match.group(1)}-{int(match.group(2)):06d}" if match else None


def _ticket(svc: Services, reference: str) -> Ticket | None:
    try:
        return svc.tickets.get(reference)[0]
    except TicketNotFound:
        return None


def _filed_here(svc: Services, sender_id: str) -> str | None:
    """The reference of the latest request this conversation filed."""
    with transaction(svc.tickets.factory) as session:
        found = session.execute(
            select(Ticket.reference).where(Ticket.conversation_id == sender_id).order_by(Ticket.id.desc()).limit(1)
        ).scalar_one_or_none()
        return str(found) if found else None


@dataclass(frozen=True)
class Reply:
    """What to say, and what the conversation must remember."""

    text: str
    reference: str | None = None  # remembered until the code is confirmed
    verified: bool = False  # the answer can be given now


def start(svc: Services, sender_id: str, text: str, now: datetime | None = None) -> Reply:
    """The first answer to a status question or a withdrawal wish."""
    now = now or system_clock()
    reference = find_reference(text) or _filed_here(svc, sender_id)
    if reference is None:
        return Reply(ASK_REFERENCE)
    ticket = _ticket(svc, reference)
    email = ticket.requester_email if ticket is not None else None
    if email and svc.verifier.verified_recently(sender_id, email, now):
        return Reply("", reference, verified=True)
    # a real address, or one nobody reads: the person cannot tell the two apart
    target = email or f"nobody-{secrets.token_hex(8)}@invalid.example"
    result = svc.verifier.start(sender_id, target, now)
    if result.outcome is SendOutcome.cooldown:
        return Reply(f"I've just sent a code. Please wait {result.wait_seconds} seconds before asking for a new one.")
    if result.outcome is not SendOutcome.sent or result.code is None:
        return Reply("For your security I can't send more codes right now. Please try again in an hour.")
    if email:
        minutes = svc.settings.code_lifetime_seconds // 60
        try:
            send_now(svc.mail, compose.verification_code(svc.settings, email, result.code, minutes))
        except Exception:
            svc.verifier.cancel(sender_id)
            return Reply("Sorry, I couldn't send the email just now. Please try again in a minute.")
    minutes = svc.settings.code_lifetime_seconds // 60
    return Reply(
        f"To protect your request, I've sent a 6-digit code to the email address on request {reference}. "
        f"Please type it here; it's valid for {minutes} minutes.",
        reference,
    )


def confirmed(svc: Services, sender_id: str, reference: str) -> bool:
    """Whether this conversation has proved it controls the address on ``reference`` (just now or recently)."""
    ticket = _ticket(svc, reference)
    return bool(ticket and ticket.requester_email and svc.verifier.verified_recently(sender_id, ticket.requester_email))


WHAT_NEXT = {
    Status.new.value: "Our Data Protection Officer has it and will start on it soon.",
    Status.awaiting_verification.value: "We are still confirming your identity; we may contact you about it.",
    Status.open.value: "Our Data Protection Officer has it and will start on it soon.",
    Status.in_progress.value: "Our Data Protection Officer is working on it.",
}


CLOSED_AS = {"completed": "completed", "rejected": "answered: we could not act on it", "withdrawn": "withdrawn"}


def status_text(svc: Services, reference: str) -> str:
    """The request's status, deadline and what happens next (only after the code)."""
    ticket = _ticket(svc, reference)
    assert ticket is not None
    label = rights_label(list(ticket.rights))
    if ticket.status in CLOSED:
        closed = f"{ticket.closed_at:%d %B %Y}" if ticket.closed_at else "recently"
        outcome = CLOSED_AS[ticket.status]
        return (
            f"Your request {reference} ({label}) was {outcome} on {closed}. We sent you an email with the details. "
            "You can make a new request at any time."
        )
    due = f"{ticket.effective_due:%d %B %Y}"
    text = f"Your request {reference} ({label}) is {ticket.status.replace('_', ' ')}. {WHAT_NEXT[ticket.status]}"
    if ticket.extended_due_date:
        text += f" We extended the deadline to {due} because: {ticket.extension_reason}"
    else:
        text += f" You will hear from us by {due} at the latest."
    return text


def can_withdraw(svc: Services, reference: str) -> bool:
    """Whether the request is still open to withdrawal."""
    ticket = _ticket(svc, reference)
    return ticket is not None and Status.withdrawn in TRANSITIONS[Status(ticket.status)]


def withdraw(svc: Services, sender_id: str, reference: str) -> str:
    """Withdraw the request (re-checks the code), email the person's confirmation and tell the DPO."""
    if not confirmed(svc, sender_id, reference) or not can_withdraw(svc, reference):
        return "I can't withdraw that request from here. Please write to our Data Protection Officer."
    settings = svc.settings

    def notify(session: Session, ticket: Ticket) -> None:
        assert ticket.requester_email
        confirmation = answers.withdrawal(settings, ticket.requester_email, reference, ticket.language)
        enqueue(session, confirmation, "answer_withdrawn", ticket.id)
        notice = answers.withdrawn_by_the_person(settings, reference, rights_label(list(ticket.rights)))
        enqueue(session, notice, "dpo_withdrawn", ticket.id)

    svc.tickets.set_status(reference, Status.withdrawn.value, "requester", "withdrawn in the chat", effects=notify)
    return (
        f"Done: your request {reference} is withdrawn and we will not work on it any further. "
        "A confirmation is on its way to your email, and our Data Protection Officer has been told."
    )


KEEP = "Okay, your request stays as it is. Is there anything else I can do?"


def confirm_withdrawal(reference: str | None) -> str:
    """The question before withdrawing."""
    return f"Do you want to withdraw your request {reference}? We will then stop working on it."
