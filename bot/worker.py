"""The background worker: sends the outbox and queues reminders, on a fixed interval."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime

from bot.mail.outbox import deliver_due, worker_id
from bot.mail.transport import Transport, transport_for
from bot.settings import Settings
from bot.tickets.models import utcnow
from bot.tickets.reminders import run_reminders
from bot.tickets.service import TicketService

log = logging.getLogger(__name__)


@dataclass
class RoundReport:
    """What one worker round did."""

    reminders: int
    sent: int
    failed: int


class Worker:
    """Reminders and email delivery for one ticket database."""

    def __init__(self, settings: Settings, transport: Transport | None = None):
        self.settings = settings
        self.service = TicketService(settings)
        self.transport = transport or transport_for(settings)
        self.name = worker_id()

    def run_once(self, now: datetime | None = None) -> RoundReport:
        """One round: queue due reminders, then send what is due."""
        now = now or utcnow()
        reminders = run_reminders(self.service, now)
        delivered = deliver_due(self.service.factory, self.transport, now, self.name)
        return RoundReport(len(reminders.queued), delivered.sent, delivered.failed)

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
