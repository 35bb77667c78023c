"""The transactional outbox: emails are stored with the change that caused them and sent later.

A message is enqueued in the same database transaction as the ticket change, so a ticket never
exists without its emails and an email never exists without its ticket. Workers claim due messages
with a lease (an atomic conditional UPDATE), so two workers never send the same message at the same
time; failures are retried with capped exponential backoff and are never dropped.
"""

from __future__ import annotations

import logging
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from bot.clock import system_clock
from bot.db.sessions import SessionFactory, transaction
from bot.notify.models import OutboxEmail
from bot.notify.transport import Transport, as_bytes

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)


def enqueue(
    session: Session, message: EmailMessage, kind: str, ticket_id: int | None = None, *, now: datetime | None = None
) -> OutboxEmail:
    """Store ``message`` for sending from ``now`` (default: the system clock's) on, in the caller's transaction."""
    now = now or system_clock()
    row = OutboxEmail(
        kind=kind,
        ticket_id=ticket_id,
        recipient=str(message["To"]),
        subject=str(message["Subject"])[:300],
        message=as_bytes(message),
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(row)
    return row


def backoff(attempts: int) -> timedelta:
    """Delay before the next try after ``attempts`` failures."""
    return min(FIRST_RETRY * (2 ** max(0, attempts - 1)), MAX_RETRY)


@dataclass
class DeliveryReport:
    """What one delivery round did."""

    sent: int = 0
    failed: int = 0


def worker_id() -> str:
    """A name for this process in claims."""
    return f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"


def deliver_due(
    factory: SessionFactory,
    transport: Transport,
    now: datetime | None = None,
    claimer: str | None = None,
    limit: int = 50,
) -> DeliveryReport:
    """Send every message due at ``now`` (default: the system clock's) that this worker manages to claim."""
    now = now or system_clock()
    claimer = claimer or worker_id()
    report = DeliveryReport()
    with transaction(factory) as session:
        due = (
            session.execute(
                select(OutboxEmail.id)
                .where(
                    OutboxEmail.status == "pending",
                    OutboxEmail.next_attempt_at <= now,
                    or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < now),
                )
                .order_by(OutboxEmail.id)
                .limit(limit)
            )
            .scalars()
            .all()
        )
    for message_id in due:
        if not _claim(factory, message_id, claimer, now):
            continue
        with transaction(factory) as session:
            row = session.get(OutboxEmail, message_id)
            raw, kind = bytes(row.message), row.kind
        try:
            transport.send(raw)
        except Exception as exc:  # any transport failure is retried later
            _failed(factory, message_id, exc, now)
            report.failed += 1
            log.warning("email %s (%s) not sent, will retry: %s", message_id, kind, type(exc).__name__)
        else:
            _sent(factory, message_id, now)
            report.sent += 1
    return report


def _claim(factory: SessionFactory, message_id: int, claimer: str, now: datetime) -> bool:
    with transaction(factory) as session:
        result = session.execute(
            update(OutboxEmail)
            .where(
                and_(
                    OutboxEmail.id == message_id,
                    OutboxEmail.status == "pending",
                    or_(OutboxEmail.claimed_until.is_(None), OutboxEmail.claimed_until < now),
                )
            )
            .values(claimed_until=now + LEASE, claimed_by=claimer)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)


def _sent(factory: SessionFactory, message_id: int, now: datetime) -> None:
    with transaction(factory) as session:
        row = session.get(OutboxEmail, message_id)
        row.status, row.sent_at, row.claimed_until = "sent", now, None
        row.attempts += 1


def _failed(factory: SessionFactory, message_id: int, exc: Exception, now: datetime) -> None:
    with transaction(factory) as session:
        row = session.get(OutboxEmail, message_id)
        row.attempts += 1
        row.next_attempt_at = now + backoff(row.attempts)
        row.last_error = f"{type(exc).__name__}: {exc}"[:500]
        row.claimed_until = None
