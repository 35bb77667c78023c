"""The process-wide services the actions and channels use, created on first use."""

from __future__ import annotations

import functools

from bot.mail.transport import Transport, transport_for
from bot.settings import Settings, get_settings
from bot.tickets.db import upgrade
from bot.tickets.service import TicketService
from bot.verification import Verifier


def prepare(settings: Settings) -> None:
    """Create the data folder, bring the ticket database schema up to date, create the conversation table."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    if not settings.tracker_store_url.startswith("sqlite"):  # a server database, perhaps for several replicas
        from bot.tracker_store import create_tables

        create_tables(settings.tracker_store_url)


@functools.lru_cache(maxsize=1)
def tickets() -> TicketService:
    """The ticket register."""
    return TicketService(get_settings())


@functools.lru_cache(maxsize=1)
def verifier() -> Verifier:
    """Issues and checks one-time codes."""
    return Verifier(get_settings(), tickets().factory)


@functools.lru_cache(maxsize=1)
def mail() -> Transport:
    """Sends messages that must not wait in the outbox (verification codes)."""
    return transport_for(get_settings())
