"""Reminders for the DPO before deadlines, overdue escalations and the daily digest.

Each reminder has a key (ticket, deadline in force, kind); its log row and its email are written in
one transaction under a unique constraint, so a restart or a second worker never sends it twice.
A worker that was down catches up by sending only the most urgent reminder still due.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from bot.clock import days_left
from bot.db.sessions import transaction
from bot.notify import compose
from bot.notify.outbox import enqueue
from bot.tickets.models import Ticket
from bot.tickets.service import TicketService
from bot.worker.models import ReminderLog


@dataclass
class ReminderReport:
    """What one reminder round queued."""

    queued: list[str] = field(default_factory=list)


def _once(
    service: TicketService, kind: str, key: str, ticket: Ticket | None, message: EmailMessage, now: datetime
) -> bool:
    try:
        with transaction(service.factory) as session:
            session.add(ReminderLog(kind=kind, key=key, ticket_id=ticket.id if ticket else None, created_at=now))
            session.flush()
            enqueue(session, message, kind, ticket.id if ticket else None, now=now)
    except IntegrityError:
        return False
    return True


def due_reminder(ticket: Ticket, today: date, offsets: list[int]) -> tuple[str, str] | None:
    """(kind, key) of the reminder this ticket needs today, if any."""
    due = ticket.effective_due
    left = days_left(due, today)
    if left < 0:
        return "overdue", f"{ticket.reference}:{due.isoformat()}:overdue"
    reached = [d for d in offsets if left <= d]
    if not reached:
        return None
    offset = min(reached)
    return f"due_in_{offset}d", f"{ticket.reference}:{due.isoformat()}:{offset}d"


def run_reminders(service: TicketService, now: datetime) -> ReminderReport:
    """Queue every reminder, escalation and digest due at ``now``."""
    settings = service.settings
    today = settings.jurisdiction.local_date(now)
    report = ReminderReport()
    open_tickets = service.open_tickets()
    for ticket in open_tickets:
        needed = due_reminder(ticket, today, settings.reminder_offsets)
        if needed and _once(service, needed[0], needed[1], ticket, compose.reminder(settings, ticket, today), now):
            report.queued.append(needed[1])
    local_hour = now.astimezone(ZoneInfo(settings.controller_timezone)).hour
    if local_hour >= settings.digest_hour:
        key = f"digest:{today.isoformat()}"
        if _once(service, "digest", key, None, compose.digest(settings, open_tickets, today), now):
            report.queued.append(key)
    return report
