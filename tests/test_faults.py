"""Faults around the ticket database and email, with a real SMTP server (aiosmtpd) and real databases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import sqlalchemy as sa

from bot.db.sessions import engine_for, transaction
from bot.notify.models import OutboxEmail
from bot.notify.outbox import backoff
from bot.settings import Settings
from bot.worker.loop import Worker
from bot.worker.ticket_events import ticket_service
from tests.conftest import Mailbox, ManualClock, at_once
from tests.test_tickets import RECEIVED, request


def smtp_settings(settings_for: Callable[..., Settings], db_url: str, port: int) -> Settings:
    return settings_for(
        database_url=db_url,
        email_backend="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        dpo_email="dpo@example.org",
        digest_hour=23,
    )


def test_smtp_down_for_a_while_sends_everything_once_when_back(
    db_url: str, settings_for: Callable[..., Settings]
) -> None:
    box = Mailbox()  # its port is chosen but nothing listens yet: the SMTP server is down
    settings = smtp_settings(settings_for, db_url, box.port)
    worker = Worker(settings, clock=ManualClock(RECEIVED))  # filed on Friday 20 Nov 2026, 10:30 in Hamburg
    worker.service.file(request())
    now = RECEIVED + timedelta(seconds=1)  # due 21 Dec: no reminder yet; before the 23:00 digest
    first = worker.run_once(now)
    assert (first.reminders, first.sent, first.failed) == (0, 0, 2)
    assert worker.run_once(now + timedelta(seconds=5)).sent == 0  # still backing off
    box.controller.start()
    try:
        back = worker.run_once(now + backoff(1) + timedelta(seconds=1))
        assert (back.reminders, back.sent, back.failed) == (0, 2, 0)
        later = worker.run_once(now + timedelta(hours=3))
        assert (later.reminders, later.sent, later.failed) == (0, 0, 0)  # nothing is sent twice
        subjects = sorted(str(m["Subject"]) for m in box.messages)
        assert len(subjects) == 2 and len(set(subjects)) == 2  # the DPO's ticket email and the receipt, once each
        evening = worker.run_once(datetime(2026, 11, 20, 22, 0, tzinfo=UTC))  # 23:00 in Hamburg: the digest
        assert (evening.reminders, evening.sent, evening.failed) == (1, 1, 0)
        assert "digest 2026-11-20: 1 open" in str(box.messages[-1]["Subject"])
    finally:
        box.controller.stop()
    with transaction(worker.service.factory) as session:
        rows = session.execute(sa.select(OutboxEmail).order_by(OutboxEmail.id)).scalars().all()
    assert [(r.kind, r.status, r.attempts) for r in rows] == [
        ("dpo_new_ticket", "sent", 2),
        ("acknowledgement", "sent", 2),
        ("digest", "sent", 1),
    ]


def test_two_worker_processes_send_each_reminder_once_over_real_smtp(
    db_url: str, settings_for: Callable[..., Settings]
) -> None:
    box = Mailbox()
    box.controller.start()
    try:
        settings = smtp_settings(settings_for, db_url, box.port)
        service = ticket_service(settings, clock=ManualClock(RECEIVED))
        for _ in range(4):
            service.file(request(requester_email=None))
        when = datetime(2026, 12, 19, 10, tzinfo=UTC)  # 11:00 in Hamburg, 2 days before the tickets' due date
        workers = [Worker(settings, clock=ManualClock(when)), Worker(settings, clock=ManualClock(when))]
        first, second = at_once(*[w.run_once for w in workers])  # raises if either round failed
    finally:
        box.controller.stop()
    assert first.reminders + second.reminders == 4  # each reminder queued by one of them
    assert first.sent + second.sent == 8 and first.failed == second.failed == 0
    subjects = [str(message_from_bytes(m.as_bytes(), policy=policy.default)["Subject"]) for m in box.messages]
    assert len(subjects) == 8 and len(set(subjects)) == 8  # 4 ticket emails + 4 reminders, none twice
    assert sum("due in 2 days" in s for s in subjects) == 4


def test_terminated_connections_of_the_ticket_database_are_replaced(
    settings_for: Callable[..., Settings],
) -> None:
    from tests.conftest import POSTGRES_ADMIN_URL, postgres_database

    with postgres_database() as url:
        from bot.db.sessions import upgrade

        upgrade(url)
        service = ticket_service(settings_for(database_url=url))
        service.file(request())
        admin = sa.create_engine(POSTGRES_ADMIN_URL, future=True)
        with admin.connect() as conn:
            name = sa.engine.make_url(url).database
            terminated = conn.execute(
                sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            ).scalar()
        admin.dispose()
        assert terminated and terminated >= 1
        service.file(request(requester_email="other@example.org"))  # pre-ping replaces the dead connection
        assert len(service.find()) == 2
        engine_for(url).dispose()
