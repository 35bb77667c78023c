"""The background worker: sends the outbox, queues reminders and applies retention, on a fixed interval."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock, system_clock
from bot.notify.outbox import deliver_due, worker_id
from bot.notify.transport import Transport, transport_for
from bot.settings import Settings
from bot.worker.reminders import run_reminders
from bot.worker.retention import RetentionReport, run_retention
from bot.worker.ticket_events import ticket_service

log = logging.getLogger(__name__)

RETENTION_EVERY = timedelta(hours=1)


@dataclass
class RoundReport:
    """What one worker round did."""

    reminders: int
    sent: int
    failed: int
    retention: RetentionReport | None = None


class Worker:
    """Reminders and email delivery for one ticket database; ``clock`` says when "now" is."""

    def __init__(self, settings: Settings, transport: Transport | None = None, clock: Clock = system_clock):
        self.settings = settings
        self.clock = clock
        self.service = ticket_service(settings, clock=clock)
        self.transport = transport or transport_for(settings)
        self.name = worker_id()
        self._retention_at: datetime | None = None

    def run_once(self, now: datetime | None = None) -> RoundReport:
        """One round at ``now``: queue due reminders, send what is due, apply retention (hourly)."""
        now = now or self.clock()
        reminders = run_reminders(self.service, now)
        delivered = deliver_due(self.service.factory, self.transport, now, self.name)
        retention = None
        if self._retention_at is None or now - self._retention_at >= RETENTION_EVERY:
            retention = run_retention(self.service, now)
            self._retention_at = now
            if retention.conversations or retention.tickets_anonymised:
                log.info(
                    "retention: %d conversations deleted, %d tickets anonymised",
                    retention.conversations,
                    retention.tickets_anonymised,
                )
        return RoundReport(len(reminders.queued), delivered.sent, delivered.failed, retention)

    def run_forever(self, stop: threading.Event) -> None:
        """Rounds every ``worker_interval`` seconds until ``stop`` is set; a failed round is logged."""
        while not stop.is_set():
            try:
                report = self.run_once()
                if report.reminders or report.sent or report.failed:
                    log.info(
                        "worker round: %d reminders queued, %d emails sent, %d failed",
                        report.reminders,
                        report.sent,
                        report.failed,
                    )
            except Exception:
                log.exception("worker round failed; retrying next round")
            stop.wait(self.settings.worker_interval)
