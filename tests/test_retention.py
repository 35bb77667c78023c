"""Retention of the assistant's own data, with Rasa's real SQL tracker store on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.db.sessions import transaction
from bot.notify.models import OutboxEmail
from bot.notify.outbox import deliver_due
from bot.runtime.tracker_store import ResilientSQLTrackerStore
from bot.settings import Settings
from bot.tickets.models import AuditEvent, Ticket
from bot.tickets.service import TicketService
from bot.verification.models import VerificationChallenge
from bot.worker.retention import anonymise_tickets, purge_conversations, run_retention
from bot.worker.ticket_events import ticket_service
from tests.conftest import ManualClock
from tests.test_tickets import Recorder, request

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def service(db_url: str, settings_for: Callable[..., Settings]) -> TicketService:
    """The register with its clock standing at NOW."""
    return ticket_service(settings_for(database_url=db_url, tracker_store_url=db_url), clock=ManualClock(NOW))


def remember(url: str, sender: str, *times: datetime) -> None:
    """A conversation saved by Rasa's own tracker store, with a message at each of ``times``."""
    store = ResilientSQLTrackerStore(domain=Domain.empty(), host=url)
    events = [
        event
        for when in times
        for event in (
            ActionExecuted("action_listen", timestamp=when.timestamp() - 1),
            UserUttered("hello there", timestamp=when.timestamp()),
        )
    ]
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))
    store.engine.dispose()


def senders(url: str) -> set[str]:
    engine = sa.create_engine(url, future=True)
    with engine.connect() as conn:
        found = {row[0] for row in conn.execute(sa.text("SELECT DISTINCT sender_id FROM events"))}
    engine.dispose()
    return found


def test_conversations_older_than_the_period_are_deleted(service: TicketService) -> None:
    url = service.settings.tracker_store_url
    remember(url, "old", NOW - timedelta(days=31))
    remember(url, "recent", NOW - timedelta(days=29))
    remember(url, "old-but-active", NOW - timedelta(days=60), NOW - timedelta(days=1))  # last message recent: kept
    report = run_retention(service, NOW)
    assert report.conversations == 1
    assert senders(url) == {"recent", "old-but-active"}
    assert purge_conversations(url, NOW - timedelta(days=30)) == 0  # nothing left to do


def test_retention_before_rasa_created_its_table_does_nothing(
    settings_for: Callable[..., Settings], tmp_path: object
) -> None:
    settings = settings_for()
    assert purge_conversations(settings.tracker_store_url, NOW) == 0


def test_closed_tickets_are_anonymised_after_the_accountability_period(service: TicketService) -> None:
    closed = service.file(request(conversation_id="conv-1"))
    still_open = service.file(request(requester_email="open@example.org"))
    service.set_status(closed.reference, "rejected", "dpo", reason="excessive")  # at NOW
    assert anonymise_tickets(service, NOW - timedelta(days=1)) == 0  # not yet
    assert anonymise_tickets(service, NOW + timedelta(days=1), now=NOW + timedelta(days=2)) == 1
    ticket, audit = service.get(closed.reference)
    assert ticket.anonymised_at == NOW + timedelta(days=2)
    assert (ticket.requester_email, ticket.request_text, ticket.conversation_id) == (None, None, None)
    assert ticket.rights == ["erasure"] and ticket.status == "rejected"  # accountability facts stay
    assert audit[-1].action == "anonymised"
    assert service.get(still_open.reference)[0].requester_email == "open@example.org"


def test_completed_erasure_erases_the_requesters_conversations(service: TicketService) -> None:
    url = service.settings.tracker_store_url
    for sender in ("web-a", "web-b", "someone-else"):
        remember(url, sender, NOW - timedelta(minutes=5))
    erasure = service.file(request(conversation_id="web-a", requester_email="Jane.Doe@example.com"))
    service.file(request(rights=["access"], conversation_id="web-b", idempotency_key="k2"))
    service.set_status(erasure.reference, "completed", "dpo")
    assert senders(url) == {"someone-else"}
    ticket, audit = service.get(erasure.reference)
    assert ticket.conversation_id is None
    erased = [a for a in audit if a.action == "conversations_erased"]
    assert erased and erased[0].after == {"conversations": 2, "events": 4}
    assert "web-a" not in str(erased[0].after) and "jane" not in str(erased[0].after).lower()


def test_access_completion_erases_nothing(service: TicketService) -> None:
    url = service.settings.tracker_store_url
    remember(url, "web-c", NOW - timedelta(minutes=5))
    access = service.file(request(rights=["access"], conversation_id="web-c"))
    service.set_status(access.reference, "completed", "dpo")
    assert senders(url) == {"web-c"}


def test_sent_emails_and_used_codes_do_not_outlive_their_purpose(service: TicketService) -> None:
    service.file(request())  # filed at NOW
    deliver_due(service.factory, Recorder(), NOW + timedelta(seconds=1))
    with transaction(service.factory) as session:
        session.add(
            VerificationChallenge(
                conversation="c" * 64,
                address="a" * 64,
                key_id="k",
                code_hash="h" * 64,
                status="used",
                created_at=NOW,
                expires_at=NOW + timedelta(minutes=10),
            )
        )
    assert run_retention(service, NOW + timedelta(hours=23)).challenges == 0  # kept for a day
    assert run_retention(service, NOW + timedelta(days=2)).challenges == 1
    report = run_retention(service, NOW + timedelta(days=31))
    assert report.emails == 2
    with transaction(service.factory) as session:
        assert session.execute(sa.select(sa.func.count()).select_from(OutboxEmail)).scalar() == 0
        assert session.execute(sa.select(sa.func.count()).select_from(Ticket)).scalar() == 1
        assert session.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar() >= 1


@pytest.mark.parametrize("days", [None, 400])
def test_closed_tickets_are_kept_for_exactly_the_configured_period(
    db_url: str, settings_for: Callable[..., Settings], days: int | None
) -> None:
    """The worker's own cutoff, from the setting: closed just inside the period kept, just outside anonymised."""
    configured = {"ticket_retention_days": days} if days else {}
    settings = settings_for(database_url=db_url, tracker_store_url=db_url, **configured)
    service = ticket_service(settings)
    period = timedelta(days=settings.ticket_retention_days)
    assert settings.ticket_retention_days == (days or 1095)  # three years unless configured
    inside = service.file(request(idempotency_key="inside", requester_email="inside@example.org"))
    outside = service.file(request(idempotency_key="outside", requester_email="outside@example.org"))
    for ticket in (inside, outside):
        service.set_status(ticket.reference, "completed", "dpo")
    with transaction(service.factory) as session:  # closed at explicit instants, one minute either side
        for ticket, offset in ((inside, timedelta(minutes=1)), (outside, -timedelta(minutes=1))):
            closed_at = NOW - period + offset
            session.execute(sa.update(Ticket).where(Ticket.id == ticket.id).values(closed_at=closed_at))
    assert run_retention(service, NOW).tickets_anonymised == 1
    assert service.get(inside.reference)[0].requester_email == "inside@example.org"
    assert service.get(outside.reference)[0].requester_email is None
    assert run_retention(service, NOW + timedelta(minutes=2)).tickets_anonymised == 1  # now it left the period too
    assert service.get(inside.reference)[0].requester_email is None
