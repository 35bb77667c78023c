"""Faults around the ticket database and email, with a real SMTP server (aiosmtpd) and real databases."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import sqlalchemy as sa

from bot.mail.outbox import backoff
from bot.settings import Settings
from bot.tickets.db import engine_for, transaction
from bot.tickets.models import OutboxEmail
from bot.tickets.service import TicketService
from bot.worker import Worker
from tests.conftest import Mailbox
from tests.test_tickets import request


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
    worker = Worker(settings)
    worker.service.file(request())
    now = datetime.now(UTC) + timedelta(seconds=1)
    first = worker.run_once(now)
    assert (first.sent, first.failed) == (0, 2)
    assert worker.run_once(now + timedelta(seconds=5)).sent == 0  # still backing off
    box.controller.start()
    try:
        back = worker.run_once(now + backoff(1) + timedelta(seconds=1))
        assert (back.sent, back.failed) == (2, 0)
        later = worker.run_once(now + timedelta(hours=3))
        assert later.sent == later.reminders  # only what that round queued (the digest, if its hour came)
        subjects = sorted(str(m["Subject"]) for m in box.messages if "digest" not in str(m["Subject"]))
        assert len(subjects) == 2 and len(set(subjects)) == 2  # the DPO's ticket email and the receipt, once each
    finally:
        box.controller.stop()
    with transaction(worker.service.factory) as session:
        rows = session.execute(sa.select(OutboxEmail).where(OutboxEmail.kind != "digest")).scalars().all()
    assert [r.status for r in rows] == ["sent", "sent"] and all(r.attempts == 2 for r in rows)


def test_two_worker_processes_send_each_reminder_once_over_real_smtp(
    db_url: str, settings_for: Callable[..., Settings]
) -> None:
    box = Mailbox()
    box.controller.start()
    try:
        settings = smtp_settings(settings_for, db_url, box.port)
        service = TicketService(settings)
        for _ in range(4):
            service.file(request(requester_email=None))
        when = datetime(2026, 12, 19, 10, tzinfo=UTC)  # 2 days before the tickets' due date
        workers = [Worker(settings), Worker(settings)]
        barrier = threading.Barrier(2)

        def round_(worker: Worker) -> None:
            barrier.wait()
            worker.run_once(max(when, datetime.now(UTC)) + timedelta(seconds=1))

        threads = [threading.Thread(target=round_, args=(w,)) for w in workers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        box.controller.stop()
    subjects = [str(message_from_bytes(m.as_bytes(), policy=policy.default)["Subject"]) for m in box.messages]
    subjects = [s for s in subjects if "digest" not in s]  # past `when`, a round after 23:00 adds the digest
    assert len(subjects) == 8 and len(set(subjects)) == 8  # 4 ticket emails + 4 reminders, none twice


def test_terminated_connections_of_the_ticket_database_are_replaced(
    settings_for: Callable[..., Settings],
) -> None:
    from tests.conftest import POSTGRES_ADMIN_URL, postgres_database

    with postgres_database() as url:
        from bot.tickets.db import upgrade

        upgrade(url)
        service = TicketService(settings_for(database_url=url))
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
