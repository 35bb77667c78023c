"""What follows a ticket change outside the register: the emails it causes and, for a completed erasure,
erasing the assistant's conversations with the person. Wired into :class:`TicketService` at process start."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.clock import Clock, system_clock
from bot.db.sessions import SessionFactory
from bot.notify import compose
from bot.notify.outbox import enqueue
from bot.settings import Settings
from bot.tickets.models import Ticket
from bot.tickets.records import ticket_record
from bot.tickets.service import TicketService
from bot.worker.retention import erase_requester_conversations


class TicketEffects:
    """Queues a change's emails in the change's transaction; erases conversations after a completed erasure."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def filed(self, session: Session, ticket: Ticket, today: date, now: datetime) -> None:
        """The DPO's ticket email, and the requester's receipt when there is an address."""
        message = compose.dpo_new_ticket(self.settings, ticket, ticket_record(ticket), today)
        enqueue(session, message, "dpo_new_ticket", ticket.id, now=now)
        if ticket.requester_email:
            enqueue(session, compose.acknowledgement(self.settings, ticket), "acknowledgement", ticket.id, now=now)

    def extended(self, session: Session, ticket: Ticket, now: datetime) -> None:
        """The requester's extension notice."""
        enqueue(session, compose.extension_notice(self.settings, ticket), "extension_notice", ticket.id, now=now)

    def completed(self, service: TicketService, ticket: Ticket, actor: str, now: datetime) -> None:
        """A completed erasure also erases the assistant's conversations with the requester."""
        if "erasure" in ticket.rights:
            erase_requester_conversations(service, ticket.reference, actor, now)


def ticket_service(
    settings: Settings, factory: SessionFactory | None = None, clock: Clock = system_clock
) -> TicketService:
    """The ticket register of a process, with its emails and erasures wired in."""
    return TicketService(settings, factory, clock, TicketEffects(settings))
