"""Tickets on SQLite and PostgreSQL: filing, references, lifecycle, extension, audit, reminders, outbox."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from bot.db.sessions import downgrade, engine_for, session_factory, transaction, upgrade
from bot.notify.models import OutboxEmail
from bot.notify.outbox import backoff, deliver_due
from bot.settings import Settings
from bot.tickets.lifecycle import Status, TransitionError, check_transition
from bot.tickets.models import AuditEvent
from bot.tickets.service import NewRequest, TicketService
from bot.worker.models import ReminderLog
from bot.worker.reminders import run_reminders
from bot.worker.ticket_events import ticket_service
from tests.conftest import ManualClock, at_once

RECEIVED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)  # a Friday; due Monday 21 December 2026


@pytest.fixture
def service(db_url: str, settings_for: Callable[..., Settings]) -> TicketService:
    """The register with its clock standing at RECEIVED: requests are filed the moment they arrive."""
    return ticket_service(settings_for(database_url=db_url, digest_hour=23), clock=ManualClock(RECEIVED))


def request(**overrides: Any) -> NewRequest:
    values: dict[str, Any] = {
        "rights": ["erasure"],
        "channel": "web",
        "verification_method": "verified_email",
        "verification_outcome": "verified",
        "requester_email": "jane.doe@example.com",
        "request_text": "plz delete me from ur database",
        "received_at": RECEIVED,
    }
    values.update(overrides)
    return NewRequest(**values)


def outbox(service: TicketService) -> list[OutboxEmail]:
    with transaction(service.factory) as session:
        return list(session.execute(sa.select(OutboxEmail).order_by(OutboxEmail.id)).scalars())


class Recorder:
    """A transport that keeps what it is given; can be told to fail."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.fail = False
        self.lock = threading.Lock()

    def send(self, raw: bytes) -> None:
        if self.fail:
            raise ConnectionRefusedError("smtp down")
        with self.lock:
            self.sent.append(raw)


def test_lifecycle_rules() -> None:
    assert check_transition("open", "in_progress", None, None) is Status.in_progress
    with pytest.raises(TransitionError, match="cannot go from completed to open"):
        check_transition("completed", "open", None, None)
    with pytest.raises(TransitionError, match="rejecting needs --reason"):
        check_transition("open", "rejected", None, None)
    with pytest.raises(TransitionError, match="needs a --note"):
        check_transition("open", "rejected", "other", "  ")
    with pytest.raises(TransitionError, match="unknown status"):
        check_transition("open", "done", None, None)


def test_filing_sets_reference_deadline_audit_and_queues_both_emails(service: TicketService) -> None:
    ticket = service.file(request(data_categories=["comments"]))
    assert ticket.reference == f"DSR-2026-{ticket.id:06d}"
    assert ticket.due_date == date(2026, 12, 21)
    assert ticket.status == "open"
    stored, events = service.get(ticket.reference)
    assert stored.received_at == RECEIVED and stored.received_at.tzinfo is not None
    assert stored.created_at == stored.updated_at == RECEIVED  # stamped by the service's clock
    assert events[0].at == RECEIVED and {m.next_attempt_at for m in outbox(service)} == {RECEIVED}
    assert [e.action for e in events] == ["filed"]
    assert "jane.doe" not in str(events[0].after)  # no personal data in the audit log
    kinds = [(m.kind, m.recipient) for m in outbox(service)]
    assert kinds == [("dpo_new_ticket", "dpo@localhost"), ("acknowledgement", "jane.doe@example.com")]
    dpo = message_from_bytes(outbox(service)[0].message, policy=policy.default)
    assert (
        dpo["Subject"]
        == f'[{ticket.reference}] Right to erasure ("right to be forgotten") (Art. 17 GDPR) — due 2026-12-21'
    )
    names = [p.get_filename() for p in dpo.iter_attachments()]
    assert names == [f"{ticket.reference}.json", f"{ticket.reference}-due.ics"]
    ack = message_from_bytes(outbox(service)[1].message, policy=policy.default)
    assert ticket.reference in ack["Subject"] and "21 December 2026" in ack.get_content()


def test_unknown_right_or_channel_is_refused(service: TicketService) -> None:
    with pytest.raises(ValueError, match="canonical ids"):
        service.file(request(rights=["flying"]))
    with pytest.raises(ValueError, match="channel"):
        service.file(request(channel="carrier-pigeon"))


def test_tickets_filed_at_the_same_moment_get_distinct_references(service: TicketService) -> None:
    def file_one() -> str:
        return str(service.file(request(requester_email=None)).reference)

    references = at_once(*[file_one] * 8)
    assert len(set(references)) == 8
    assert sorted(references) == sorted(t.reference for t in service.find())


def test_same_idempotency_key_files_once(service: TicketService) -> None:
    def file_one() -> str:
        return str(service.file(request(idempotency_key="conv-1:request-1")).reference)

    references = at_once(file_one, file_one, file_one, file_one)  # raises if any of the four callers failed
    [ticket] = service.find()
    assert references == [ticket.reference] * 4  # every caller got the one ticket
    assert len(outbox(service)) == 2


def test_status_changes_are_checked_and_audited(service: TicketService) -> None:
    ref = service.file(request()).reference
    service.set_status(ref, "in_progress", "dpo:alice", note="searching CRM")
    with pytest.raises(TransitionError, match="cannot go from in_progress to open"):
        service.set_status(ref, "open", "dpo:alice")
    done = service.set_status(ref, "rejected", "dpo:alice", note="art 17(3)(b) tax records", reason="exemption")
    assert done.closed_at is not None and done.outcome.startswith("an exemption applies")
    _, events = service.get(ref)
    assert [(e.action, e.actor) for e in events] == [
        ("filed", "assistant"),
        ("status_changed", "dpo:alice"),
        ("status_changed", "dpo:alice"),
    ]
    assert events[2].before == {"status": "in_progress"}
    assert events[2].after == {"status": "rejected", "reason": "exemption"}


def test_extension_three_months_from_receipt_with_notice(service: TicketService) -> None:
    ref = service.file(request()).reference
    with pytest.raises(TransitionError, match="needs a --reason"):
        service.extend(ref, " ", "dpo:alice")
    ticket = service.extend(ref, "Several archived systems", "dpo:alice", now=RECEIVED + timedelta(days=10))
    assert ticket.extended_due_date == date(2027, 2, 22)  # 20 Feb 2027 is a Saturday
    assert ticket.effective_due == date(2027, 2, 22)
    notice = outbox(service)[-1]
    assert notice.kind == "extension_notice" and notice.recipient == "jane.doe@example.com"
    assert "Several archived systems" in message_from_bytes(notice.message, policy=policy.default).get_content()
    with pytest.raises(TransitionError, match="already extended"):
        service.extend(ref, "again", "dpo:alice", now=RECEIVED + timedelta(days=11))


def test_extension_after_the_first_month_is_refused(service: TicketService) -> None:
    ref = service.file(request()).reference
    with pytest.raises(TransitionError, match="within the first month"):
        service.extend(ref, "late", "dpo:alice", now=datetime(2026, 12, 22, 12, tzinfo=UTC))


def test_audit_log_is_append_only_in_the_database(service: TicketService) -> None:
    service.file(request())
    with pytest.raises(DBAPIError, match="append-only"), transaction(service.factory) as session:
        session.execute(sa.update(AuditEvent).values(actor="mallory"))
    with pytest.raises(DBAPIError, match="append-only"), transaction(service.factory) as session:
        session.execute(sa.delete(AuditEvent))


def test_list_filters_and_stats(service: TicketService) -> None:
    a = service.file(request()).reference
    late = service.file(request(received_at=datetime(2026, 10, 1, 10, tzinfo=UTC))).reference  # due 2 Nov
    c = service.file(request(rights=["access"])).reference
    service.set_status(c, "completed", "dpo:alice", now=datetime(2026, 11, 25, 16, tzinfo=UTC))  # due 21 Dec
    today = date(2026, 11, 26)
    assert [t.reference for t in service.find(overdue=True, today=today)] == [late]
    assert [t.reference for t in service.find(due_within=30, today=today)][-1] == a
    assert [t.reference for t in service.find(status="completed")] == [c]
    stats = service.stats(today=today)
    assert stats["total"] == 3 and stats["per_right"]["erasure"]["overdue_open"] == 1
    assert stats["per_right"]["access"]["on_time_rate"] == 1.0
    assert stats["per_right"]["access"]["median_days_to_close"] == 5.3  # 20 Nov 09:30 to 25 Nov 16:00 UTC
    late_close = datetime(2026, 12, 22, 9, tzinfo=UTC)  # the day after the deadline
    service.set_status(a, "completed", "dpo:alice", now=late_close)
    closed, events = service.get(a)
    assert closed.closed_at == closed.updated_at == events[-1].at == late_close
    assert service.stats(today=today)["per_right"]["erasure"]["on_time_rate"] == 0.0


def test_reminders_with_a_controlled_clock_are_sent_once(service: TicketService) -> None:
    ref = service.file(request()).reference  # due 2026-12-21

    def at(day: str) -> datetime:
        return datetime.fromisoformat(day + "T10:00:00+01:00")

    assert run_reminders(service, at("2026-12-13")).queued == []
    assert run_reminders(service, at("2026-12-14")).queued == [f"{ref}:2026-12-21:7d"]
    assert run_reminders(service, at("2026-12-14")).queued == []  # same day again: nothing
    assert run_reminders(service, at("2026-12-15")).queued == []
    assert run_reminders(service, at("2026-12-19")).queued == [f"{ref}:2026-12-21:2d"]
    restarted = ticket_service(service.settings)  # a restarted worker sends no duplicates
    assert run_reminders(restarted, at("2026-12-20")).queued == []
    assert run_reminders(restarted, at("2026-12-22")).queued == [f"{ref}:2026-12-21:overdue"]
    kinds = [m.kind for m in outbox(service)][2:]
    assert kinds == ["due_in_7d", "due_in_2d", "overdue"]
    subject = message_from_bytes(outbox(service)[-1].message, policy=policy.default)["Subject"]
    assert subject.startswith(f"[{ref}] OVERDUE by 1 days")


def test_worker_that_was_down_catches_up_with_the_most_urgent_reminder(service: TicketService) -> None:
    service.file(request())
    queued = run_reminders(service, datetime(2026, 12, 20, 10, tzinfo=UTC)).queued
    assert [k.rsplit(":", 1)[1] for k in queued] == ["2d"]


def test_daily_digest_once_per_day_after_its_hour(db_url: str, settings_for: Callable[..., Settings]) -> None:
    service = ticket_service(settings_for(database_url=db_url, digest_hour=8), clock=ManualClock(RECEIVED))
    service.file(request())
    assert run_reminders(service, datetime(2026, 11, 26, 6, 59, tzinfo=UTC)).queued == []  # 07:59 in Hamburg
    assert run_reminders(service, datetime(2026, 11, 26, 7, 0, tzinfo=UTC)).queued == ["digest:2026-11-26"]
    assert run_reminders(service, datetime(2026, 11, 26, 15, 0, tzinfo=UTC)).queued == []
    digest = message_from_bytes(outbox(service)[-1].message, policy=policy.default)
    assert "1 open" in digest["Subject"] and "DSR-2026-" in digest.get_content()


def test_two_workers_send_each_reminder_exactly_once(service: TicketService) -> None:
    for _ in range(5):
        service.file(request(requester_email=None))
    when = datetime(2026, 12, 19, 10, tzinfo=UTC)  # 11:00 in Hamburg, 2 days before the due date
    transport = Recorder()

    def worker() -> tuple[list[str], tuple[int, int]]:
        mine = ticket_service(service.settings, clock=ManualClock(when))
        queued = run_reminders(mine, when).queued
        delivered = deliver_due(mine.factory, transport, when + timedelta(seconds=1))
        return queued, (delivered.sent, delivered.failed)

    rounds = at_once(worker, worker)
    queued = [key for keys, _ in rounds for key in keys]
    assert len(queued) == 5 and len(set(queued)) == 5  # between them, each reminder queued by one worker
    assert sum(sent for _, (sent, _) in rounds) == 10 and all(failed == 0 for _, (_, failed) in rounds)
    with transaction(service.factory) as session:
        logged = session.execute(sa.select(sa.func.count()).select_from(ReminderLog)).scalar()
    assert logged == 5
    subjects = [message_from_bytes(raw, policy=policy.default)["Subject"] for raw in transport.sent]
    reminders = [s for s in subjects if "due in 2 days" in s]
    assert len(reminders) == 5 and len(set(reminders)) == 5
    assert len(transport.sent) == 10  # 5 DPO ticket emails + 5 reminders, none twice


def test_outbox_retries_until_delivered_and_loses_nothing(service: TicketService) -> None:
    service.file(request())
    transport = Recorder()
    transport.fail = True
    now = RECEIVED + timedelta(seconds=1)  # just after filing
    report = deliver_due(service.factory, transport, now)
    assert (report.sent, report.failed) == (0, 2)
    assert deliver_due(service.factory, transport, now + timedelta(seconds=5)).failed == 0  # backing off
    rows = outbox(service)
    assert all(r.status == "pending" and r.attempts == 1 and "smtp down" in r.last_error for r in rows)
    transport.fail = False
    report = deliver_due(service.factory, transport, now + backoff(1) + timedelta(seconds=1))
    assert report.sent == 2 and len(transport.sent) == 2
    assert deliver_due(service.factory, transport, now + timedelta(hours=2)).sent == 0
    assert all(r.status == "sent" for r in outbox(service))


def test_migrations_up_and_down(db_url: str) -> None:
    engine = engine_for(db_url)
    assert {"tickets", "audit_events", "outbox", "reminder_log"} <= set(sa.inspect(engine).get_table_names())
    downgrade(db_url, "base")
    engine.dispose()
    assert not {"tickets", "audit_events"} & set(sa.inspect(engine).get_table_names())
    upgrade(db_url)
    engine.dispose()
    assert "tickets" in sa.inspect(engine).get_table_names()
    factory = session_factory(db_url)
    with transaction(factory) as session:
        assert session.execute(sa.text("SELECT count(*) FROM tickets")).scalar() == 0
