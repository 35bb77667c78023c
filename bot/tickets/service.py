"""Working with tickets: filing, status changes, extensions, queries. Every change is audited.

What a change causes outside the register (the DPO's ticket email, the requester's acknowledgement,
the extension notice, erasing the conversations of a completed erasure) is not done here: the
:class:`TicketEvents` the process wires in are told, in the same transaction as the change.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.clock import Clock, days_left, system_clock
from bot.db.sessions import SessionFactory, session_factory, transaction
from bot.rights.catalogue import catalogue
from bot.settings import Settings
from bot.tickets.deadline import deadlines, due_date
from bot.tickets.lifecycle import CLOSED, REJECTION_REASONS, Status, TransitionError, check_transition
from bot.tickets.models import AuditEvent, Ticket

REQUEST_TEXT_LIMIT = 2000
TICKET_CHANNELS = ("web", "telegram", "letter", "phone", "email", "in_person", "other")
MANUAL_TICKET_CHANNELS = TICKET_CHANNELS[2:]
LANGUAGE_RE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z]{2,4})?")  # 'de', 'en', 'de-AT' (at most 8 characters)


class TicketNotFound(LookupError):
    """No ticket has that reference."""


@dataclass
class NewRequest:
    """What is known about a request when it is filed."""

    rights: list[str]
    channel: str
    verification_method: str
    verification_outcome: str
    requester_email: str | None = None
    requester_telegram_id: str | None = None
    requester_phone: str | None = None
    requester_name: str | None = None
    subject_match: str | None = None
    request_text: str | None = None
    data_categories: list[str] = field(default_factory=list)
    conversation_id: str | None = None
    entered_by: str | None = None
    received_at: datetime | None = None
    idempotency_key: str | None = None
    status: Status = Status.open
    language: str = "en"  # the person's language (ISO 639-1, e.g. 'de'): their emails are written in it

    def validate(self) -> None:
        """Refuse incomplete or unknown values with a clear message."""
        unknown = [r for r in self.rights if r not in catalogue()]
        if not self.rights or unknown:
            raise ValueError(f"rights must be canonical ids ({', '.join(catalogue())}); got {self.rights}")
        if self.channel not in TICKET_CHANNELS:
            raise ValueError(f"channel must be one of {', '.join(TICKET_CHANNELS)}")
        if self.received_at is not None and self.received_at.utcoffset() is None:
            raise ValueError("received_at needs a time zone")
        if not LANGUAGE_RE.fullmatch(self.language):
            raise ValueError(f"language must be a language code such as 'en' or 'de'; got {self.language!r}")

    def ticket(self, received: datetime, due: date, now: datetime) -> Ticket:
        """The new ticket's row (without its reference, which needs the row's id)."""
        return Ticket(
            rights=list(dict.fromkeys(self.rights)),
            status=self.status.value,
            channel=self.channel,
            entered_by=self.entered_by,
            requester_email=self.requester_email,
            requester_telegram_id=self.requester_telegram_id,
            requester_phone=self.requester_phone,
            requester_name=self.requester_name,
            verification_method=self.verification_method,
            verification_outcome=self.verification_outcome,
            subject_match=self.subject_match,
            received_at=received,
            due_date=due,
            request_text=(self.request_text or "")[:REQUEST_TEXT_LIMIT] or None,
            data_categories=list(self.data_categories),
            language=self.language,
            conversation_id=self.conversation_id,
            idempotency_key=self.idempotency_key,
            created_at=now,
            updated_at=now,
        )


class TicketEvents(Protocol):
    """What the process does when a ticket changes, beyond the register (wired in at process start)."""

    def filed(self, session: Session, ticket: Ticket, today: date, now: datetime) -> None:
        """A ticket was filed (same transaction)."""

    def extended(self, session: Session, ticket: Ticket, now: datetime) -> None:
        """The deadline of a ticket with a requester email was extended (same transaction)."""

    def completed(self, service: TicketService, ticket: Ticket, actor: str, now: datetime) -> None:
        """A ticket was completed (after its transaction)."""


def audit(
    session: Session,
    ticket: Ticket,
    actor: str,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
    *,
    at: datetime | None = None,
) -> None:
    """Append one event, which happened ``at`` (default: the system clock's now), to the ticket's audit log
    (no personal data in before/after)."""
    session.add(
        AuditEvent(
            ticket_id=ticket.id,
            at=at or system_clock(),
            actor=actor,
            action=action,
            before=before,
            after=after,
            note=note,
        )
    )


class TicketService:
    """The ticket register of one database; ``clock`` says when "now" is; ``events`` hears of each change
    (without them no email is queued and no conversation erased)."""

    def __init__(
        self,
        settings: Settings,
        factory: SessionFactory | None = None,
        clock: Clock = system_clock,
        events: TicketEvents | None = None,
    ):
        self.settings = settings
        self.factory = factory or session_factory(settings.database_url)
        self.clock = clock
        self.events = events

    def _today(self, now: datetime | None = None) -> date:
        return self.settings.jurisdiction.local_date(now or self.clock())

    # ------------------------------------------------------------------ filing

    def file(self, request: NewRequest, actor: str = "assistant", now: datetime | None = None) -> Ticket:
        """File a request as a ticket at ``now``, once per idempotency key; the events queue the DPO email and
        receipt.

        A request without ``received_at`` was received ``now``."""
        request.validate()
        if request.idempotency_key:
            existing = self.by_key(request.idempotency_key)
            if existing is not None:
                return existing
        now = now or self.clock()
        received = (request.received_at or now).astimezone(UTC)
        d = deadlines(received, self.settings.jurisdiction)
        try:
            with transaction(self.factory) as session:
                ticket = request.ticket(received, d.due, now)
                session.add(ticket)
                session.flush()
                ticket.reference = f"DSR-{d.received_local.year}-{ticket.id:06d}"
                audit(
                    session,
                    ticket,
                    actor,
                    "filed",
                    after={
                        "status": ticket.status,
                        "rights": ticket.rights,
                        "channel": ticket.channel,
                        "due_date": d.due.isoformat(),
                        "verification": f"{ticket.verification_method}:{ticket.verification_outcome}",
                    },
                    note=f"entered by {request.entered_by}" if request.entered_by else None,
                    at=now,
                )
                session.flush()
                if self.events is not None:
                    self.events.filed(session, ticket, self._today(now), now)
        except IntegrityError:
            if request.idempotency_key:  # a concurrent attempt with the same key won
                existing = self.by_key(request.idempotency_key)
                if existing is not None:
                    return existing
            raise
        return ticket

    # ------------------------------------------------------------------ changes

    def _load(self, session: Session, reference: str) -> Ticket:
        ticket = session.execute(
            select(Ticket).where(Ticket.reference == reference.strip().upper())
        ).scalar_one_or_none()
        if ticket is None:
            raise TicketNotFound(f"no ticket with reference {reference!r}")
        return ticket

    def set_status(
        self,
        reference: str,
        status: str,
        actor: str,
        note: str | None = None,
        reason: str | None = None,
        effects: Callable[[Session, Ticket], None] | None = None,
        now: datetime | None = None,
    ) -> Ticket:
        """Move a ticket along its lifecycle at ``now``; refused with a clear message where not allowed.

        ``effects`` runs in the same transaction after the change (e.g. to queue the person's answer):
        if it raises, the change is rolled back.
        """
        now = now or self.clock()
        with transaction(self.factory) as session:
            ticket = self._load(session, reference)
            goal = check_transition(ticket.status, status, reason, note)
            before = {"status": ticket.status}
            ticket.status = goal.value
            ticket.updated_at = now
            if goal in CLOSED:
                ticket.closed_at = now
                ticket.outcome = REJECTION_REASONS[reason] if goal is Status.rejected and reason else goal.value
                if note:
                    ticket.outcome += f": {note}"
            after = {"status": goal.value, **({"reason": reason} if reason else {})}
            audit(session, ticket, actor, "status_changed", before, after, note, at=now)
            if effects is not None:
                effects(session, ticket)
        if goal is Status.completed and self.events is not None:
            self.events.completed(self, ticket, actor, now)
        return ticket

    def extend(self, reference: str, reason: str, actor: str, now: datetime | None = None) -> Ticket:
        """Extend by two further months (three from receipt), with a reason; notify the requester."""
        if not reason or not reason.strip():
            raise TransitionError("an extension needs a --reason (Art. 12(3) GDPR)")
        now = now or self.clock()
        with transaction(self.factory) as session:
            ticket = self._load(session, reference)
            if ticket.status in {s.value for s in CLOSED}:
                raise TransitionError(f"{ticket.reference} is {ticket.status}: it cannot be extended")
            if ticket.extended_due_date is not None:
                raise TransitionError(f"{ticket.reference} was already extended to {ticket.extended_due_date}")
            today = self._today(now)
            if today > ticket.due_date:
                raise TransitionError(
                    f"{ticket.reference} is past its first deadline ({ticket.due_date}); the person must be told "
                    "of an extension within the first month"
                )
            extended = due_date(ticket.received_at, self.settings.jurisdiction, months=3)
            ticket.extended_due_date = extended
            ticket.extension_reason = reason.strip()
            ticket.updated_at = now
            notified = bool(ticket.requester_email) and self.events is not None
            if notified:
                assert self.events is not None
                self.events.extended(session, ticket, now)
                ticket.extension_notified_at = now
            audit(
                session,
                ticket,
                actor,
                "extended",
                {"due_date": ticket.due_date.isoformat()},
                {
                    "extended_due_date": extended.isoformat(),
                    "requester_notified": notified,
                },
                reason.strip(),
                at=now,
            )
            return ticket

    # ------------------------------------------------------------------ queries

    def by_key(self, key: str) -> Ticket | None:
        """The ticket filed under an idempotency key, if any."""
        with transaction(self.factory) as session:
            return session.execute(select(Ticket).where(Ticket.idempotency_key == key)).scalar_one_or_none()

    def get(self, reference: str) -> tuple[Ticket, list[AuditEvent]]:
        """A ticket and its audit log."""
        with transaction(self.factory) as session:
            ticket = self._load(session, reference)
            events = list(
                session.execute(select(AuditEvent).where(AuditEvent.ticket_id == ticket.id).order_by(AuditEvent.id))
                .scalars()
                .all()
            )
            return ticket, events

    def find(
        self,
        status: str | None = None,
        due_within: int | None = None,
        overdue: bool = False,
        today: date | None = None,
        open_only: bool = False,
    ) -> list[Ticket]:
        """Tickets by due date. Deadline filters (and ``open_only``) leave closed tickets out."""
        today = today or self._today()
        query = select(Ticket)
        if status:
            Status(status)  # raises ValueError for an unknown status
            query = query.where(Ticket.status == status)
        elif open_only or overdue or due_within is not None:
            query = query.where(Ticket.status.notin_([s.value for s in CLOSED]))
        with transaction(self.factory) as session:
            tickets = list(session.execute(query).scalars().all())
        if overdue:
            tickets = [t for t in tickets if t.effective_due < today]
        if due_within is not None:
            tickets = [t for t in tickets if days_left(t.effective_due, today) <= due_within]
        return sorted(tickets, key=lambda t: (t.effective_due, t.id))

    def open_tickets(self) -> list[Ticket]:
        """Every ticket not closed."""
        return self.find(open_only=True)

    def stats(self, today: date | None = None) -> dict[str, Any]:
        """Per right: count, open, closed, median days to close, on-time rate."""
        today = today or self._today()
        tickets = self.find()
        per_right: dict[str, dict[str, Any]] = {}
        for right in catalogue():
            mine = [t for t in tickets if right in t.rights]
            closed = [t for t in mine if t.closed_at is not None]
            durations = [(t.closed_at - t.received_at).total_seconds() / 86400 for t in closed]
            on_time = [t for t in closed if self.settings.jurisdiction.local_date(t.closed_at) <= t.effective_due]
            per_right[right] = {
                "total": len(mine),
                "open": len(mine) - len(closed),
                "closed": len(closed),
                "overdue_open": sum(1 for t in mine if t.closed_at is None and t.effective_due < today),
                "median_days_to_close": round(statistics.median(durations), 1) if durations else None,
                "on_time_rate": round(len(on_time) / len(closed), 3) if closed else None,
            }
        closed_all = [t for t in tickets if t.closed_at is not None]
        on_time_all = [t for t in closed_all if self.settings.jurisdiction.local_date(t.closed_at) <= t.effective_due]
        return {
            "total": len(tickets),
            "by_status": dict(Counter(t.status for t in tickets)),
            "on_time_rate": round(len(on_time_all) / len(closed_all), 3) if closed_all else None,
            "per_right": per_right,
        }
