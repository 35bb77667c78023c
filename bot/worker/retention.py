"""Retention of the assistant's own data: conversations, closed tickets, sent email, used codes.

- Conversations (Rasa's tracker ``events`` table) are deleted once their last event is older than
  ``PRIVACYBOT_TRACKER_RETENTION_DAYS`` (default 30).
- Closed tickets are kept for ``PRIVACYBOT_TICKET_RETENTION_DAYS`` (accountability, default three
  years) and then anonymised: contacts, request text and conversation id are removed; rights,
  dates, outcome and the audit log stay.
- Delivered outbox messages (they contain the full ticket email) go after the conversation period;
  verification challenges (hashes only) after a day.
- When an erasure request is completed, the assistant's own conversations with that person go too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import delete, or_, select

from bot.db.sessions import engine_for, transaction
from bot.notify.models import OutboxEmail
from bot.tickets.lifecycle import CLOSED
from bot.tickets.models import Ticket
from bot.tickets.service import TicketService, audit
from bot.verification.models import VerificationChallenge

log = logging.getLogger(__name__)

CHALLENGE_RETENTION = timedelta(days=1)
_events = sa.table(
    "events",
    sa.column("sender_id", sa.String),
    sa.column("timestamp", sa.Float),
)


@dataclass
class RetentionReport:
    """What one retention run removed."""

    conversations: int = 0
    tickets_anonymised: int = 0
    emails: int = 0
    challenges: int = 0


def _tracker_table_exists(url: str) -> bool:
    """Whether Rasa has created its ``events`` table yet (an SQLite file may not exist at all)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).exists():
        return False
    return sa.inspect(engine_for(url)).has_table("events")


def purge_conversations(tracker_store_url: str, older_than: datetime) -> int:
    """Delete every conversation whose last event is older than ``older_than``; how many went."""
    if not _tracker_table_exists(tracker_store_url):
        return 0
    stale = (
        select(_events.c.sender_id)
        .group_by(_events.c.sender_id)
        .having(sa.func.max(_events.c.timestamp) < older_than.timestamp())
    )
    with engine_for(tracker_store_url).begin() as conn:
        senders = [row[0] for row in conn.execute(stale)]
        for start in range(0, len(senders), 500):
            conn.execute(delete(_events).where(_events.c.sender_id.in_(senders[start : start + 500])))
    return len(senders)


def erase_conversations(tracker_store_url: str, sender_ids: list[str]) -> int:
    """Delete the conversations of ``sender_ids``; the number of events removed."""
    if not sender_ids or not _tracker_table_exists(tracker_store_url):
        return 0
    with engine_for(tracker_store_url).begin() as conn:
        result = conn.execute(delete(_events).where(_events.c.sender_id.in_(sender_ids)))
    return int(result.rowcount or 0)


def erase_requester_conversations(
    service: TicketService, reference: str, actor: str, now: datetime | None = None
) -> int:
    """After a completed erasure: erase the assistant's conversations with this requester.

    The conversations are the ones of every ticket with the same email address or Telegram id.
    Their conversation ids are removed from those tickets; the audit log records the count only.
    """
    now = now or service.clock()
    with transaction(service.factory) as session:
        ticket = session.execute(select(Ticket).where(Ticket.reference == reference)).scalar_one()
        same_person = [Ticket.id == ticket.id]
        if ticket.requester_email:
            same_person.append(sa.func.lower(Ticket.requester_email) == ticket.requester_email.lower())
        if ticket.requester_telegram_id:
            same_person.append(Ticket.requester_telegram_id == ticket.requester_telegram_id)
        related = session.execute(select(Ticket).where(or_(*same_person))).scalars().all()
        senders = sorted({t.conversation_id for t in related if t.conversation_id})
        removed = erase_conversations(service.settings.tracker_store_url, senders)
        for t in related:
            t.conversation_id = None
            t.updated_at = now
        erased = {"conversations": len(senders), "events": removed}
        audit(session, ticket, actor, "conversations_erased", None, erased, at=now)
    return removed


def anonymise_tickets(service: TicketService, closed_before: datetime, now: datetime | None = None) -> int:
    """Anonymise, at ``now``, the tickets closed before ``closed_before``; how many."""
    now = now or service.clock()
    with transaction(service.factory) as session:
        due = (
            session.execute(
                select(Ticket).where(
                    Ticket.status.in_([s.value for s in CLOSED]),
                    Ticket.closed_at < closed_before,
                    Ticket.anonymised_at.is_(None),
                )
            )
            .scalars()
            .all()
        )
        for ticket in due:
            for column in (
                "requester_email",
                "requester_phone",
                "requester_telegram_id",
                "requester_name",
                "subject_match",
                "request_text",
                "conversation_id",
            ):
                setattr(ticket, column, None)
            ticket.anonymised_at = ticket.updated_at = now
            audit(session, ticket, "retention", "anonymised", at=now)
    return len(due)


def run_retention(service: TicketService, now: datetime | None = None) -> RetentionReport:
    """Apply every retention rule as of ``now`` (safe to run from several workers at a time)."""
    now = now or service.clock()
    settings = service.settings
    conversations_cutoff = now - timedelta(days=settings.tracker_retention_days)
    report = RetentionReport(
        conversations=purge_conversations(settings.tracker_store_url, conversations_cutoff),
        tickets_anonymised=anonymise_tickets(service, now - timedelta(days=settings.ticket_retention_days), now),
    )
    with transaction(service.factory) as session:
        report.emails = session.execute(
            delete(OutboxEmail).where(OutboxEmail.status == "sent", OutboxEmail.sent_at < conversations_cutoff)
        ).rowcount
        report.challenges = session.execute(
            delete(VerificationChallenge).where(VerificationChallenge.created_at < now - CHALLENGE_RETENTION)
        ).rowcount
    return report
