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
from bot.dialogue.texts import long_date, say
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


def start(svc: Services, sender_id: str, text: str, now: datetime | None = None, lang: str = "en") -> Reply:
    """The first answer to a status question or a withdrawal wish."""
    now = now or system_clock()
    reference = find_reference(text) or _filed_here(svc, sender_id)
    if reference is None:
        return Reply(say("ask_reference", lang))
    ticket = _ticket(svc, reference)
    email = ticket.requester_email if ticket is not None else None
    if email and svc.verifier.verified_recently(sender_id, email, now):
        return Reply("", reference, verified=True)
    # a real address, or one nobody reads: the person cannot tell the two apart
    target = email or f"nobody-{secrets.token_hex(8)}@invalid.example"
    result = svc.verifier.start(sender_id, target, now, language=lang)
    if result.outcome is SendOutcome.cooldown:
        return Reply(say("code_cooldown", lang, seconds=result.wait_seconds))
    if result.outcome is not SendOutcome.sent or result.code is None:
        return Reply(say("status_code_limit", lang))
    if email:
        minutes = svc.settings.code_lifetime_seconds // 60
        try:
            send_now(
                svc.mail, compose.verification_code(svc.settings, email, result.code, minutes, language=result.language)
            )
        except Exception:
            svc.verifier.cancel(sender_id)
            return Reply(say("status_send_failed", lang))
    minutes = svc.settings.code_lifetime_seconds // 60
    return Reply(say("status_code_sent", lang, reference=reference, minutes=minutes), reference)


def confirmed(svc: Services, sender_id: str, reference: str) -> bool:
    """Whether this conversation has proved it controls the address on ``reference`` (just now or recently)."""
    ticket = _ticket(svc, reference)
    return bool(ticket and ticket.requester_email and svc.verifier.verified_recently(sender_id, ticket.requester_email))


def status_text(svc: Services, reference: str, lang: str = "en") -> str:
    """The request's status, deadline and what happens next (only after the code)."""
    ticket = _ticket(svc, reference)
    assert ticket is not None
    label = rights_label(list(ticket.rights), lang)
    if ticket.status in CLOSED:
        closed = say("closed_on", lang, date=long_date(ticket.closed_at, lang)) if ticket.closed_at else None
        outcome = say(f"closed_{ticket.status}", lang)
        closed = closed or say("closed_recently", lang)
        return say("status_closed", lang, reference=reference, label=label, outcome=outcome, closed=closed)
    due = long_date(ticket.effective_due, lang)
    status, what_next = say(f"status_{ticket.status}", lang), say(f"next_{ticket.status}", lang)
    text = say("status_is", lang, reference=reference, label=label, status=status, next=what_next)
    if ticket.extended_due_date:
        return text + say("status_extended", lang, due=due, reason=ticket.extension_reason)
    return text + say("status_due", lang, due=due)


def can_withdraw(svc: Services, reference: str) -> bool:
    """Whether the request is still open to withdrawal."""
    ticket = _ticket(svc, reference)
    return ticket is not None and Status.withdrawn in TRANSITIONS[Status(ticket.status)]


def withdraw(svc: Services, sender_id: str, reference: str, lang: str = "en") -> str:
    """Withdraw the request (re-checks the code), email the person's confirmation and tell the DPO."""
    if not confirmed(svc, sender_id, reference) or not can_withdraw(svc, reference):
        return say("withdraw_impossible", lang)
    settings = svc.settings

    def notify(session: Session, ticket: Ticket) -> None:
        assert ticket.requester_email
        confirmation = answers.withdrawal(settings, ticket.requester_email, reference, ticket.language)
        enqueue(session, confirmation, "answer_withdrawn", ticket.id)
        notice = answers.withdrawn_by_the_person(settings, reference, rights_label(list(ticket.rights)))
        enqueue(session, notice, "dpo_withdrawn", ticket.id)

    svc.tickets.set_status(reference, Status.withdrawn.value, "requester", "withdrawn in the chat", effects=notify)
    return say("withdrawn", lang, reference=reference)


def kept(lang: str = "en") -> str:
    """The answer when the person keeps the request after all."""
    return say("withdraw_kept", lang)


def confirm_withdrawal(reference: str | None, lang: str = "en") -> str:
    """The question before withdrawing."""
    return say("withdraw_confirm", lang, reference=reference)
