"""What a process builds when it starts: the database prepared, the dialogue's services constructed."""

from __future__ import annotations

from bot.db.sessions import upgrade
from bot.dialogue.wiring import Services
from bot.notify.transport import transport_for
from bot.settings import Settings
from bot.verification.service import Verifier
from bot.worker.ticket_events import ticket_service


def prepare(settings: Settings) -> None:
    """Create the data folder, bring the ticket database schema up to date, create the conversation table."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    if not settings.tracker_store_url.startswith("sqlite"):  # a server database, perhaps for several replicas
        from bot.runtime.tracker_store import create_tables

        create_tables(settings.tracker_store_url)


def dialogue_services(settings: Settings) -> Services:
    """The ticket register (with its emails and erasures), the verifier and the code transport."""
    tickets = ticket_service(settings)
    return Services(settings, tickets, Verifier(settings, tickets.factory), transport_for(settings))
