"""The services the dialogue works with, built once when the action server starts and handed in here."""

from __future__ import annotations

from dataclasses import dataclass

from bot.notify.transport import Transport
from bot.settings import Settings
from bot.tickets.service import TicketService
from bot.verification.service import Verifier


@dataclass(frozen=True)
class Services:
    """The ticket register, the code verifier and the transport for emails that must not wait (codes)."""

    settings: Settings
    tickets: TicketService
    verifier: Verifier
    mail: Transport


_installed: list[Services] = []


def install(services: Services) -> None:
    """Hand the process's services to the dialogue (the action server does this at start)."""
    _installed[:] = [services]


def services() -> Services:
    """The services handed in at process start."""
    if not _installed:
        raise RuntimeError("no services installed: the action server installs them when it starts")
    return _installed[0]
