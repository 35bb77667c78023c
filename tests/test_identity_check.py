"""The identity check in this process, with a real SMTP server (aiosmtpd) and SQLite.

- The mail server refuses a code email, or nobody listens on its port: the person is told plainly
  that no code is on its way; the refused code can never verify; a new attempt works at once (no
  cooldown for a code that was never delivered).
- Filing checks the verified code against the address it was sent to.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from email.message import EmailMessage

import pytest

from bot.dialogue import request_flow
from bot.dialogue.texts import say
from bot.dialogue.wiring import Services
from bot.runtime.local_stack import free_port
from bot.runtime.wiring import dialogue_services, prepare
from bot.settings import Settings, get_settings
from bot.tickets.models import Ticket
from bot.verification.screening import Screening
from bot.verification.service import CheckOutcome
from tests.conftest import Mailbox

Configure = Callable[[int], Services]


@pytest.fixture
def configure(settings_for: Callable[..., Settings]) -> Iterator[Configure]:
    """The services (settings, tickets, verifier, mail) of an SMTP port and a fresh database."""

    def to(port: int) -> Services:
        settings = settings_for(
            email_backend="smtp",
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_security="none",
            verification_secret="3e8c1a9f0b7d6e5c4a3b2f1e0d9c8b7a6f5e4d3c",
        )
        prepare(settings)
        get_settings.cache_clear()
        return dialogue_services(settings)

    yield to
    get_settings.cache_clear()


@pytest.fixture
def smtp() -> Iterator[Mailbox]:
    box = Mailbox()
    box.controller.start()
    yield box
    box.controller.stop()


def code_in(message: EmailMessage) -> str:
    match = re.search(r"code is: (\d{6})", message.get_body(("plain",)).get_content())
    assert match
    return match.group(1)


def test_a_refused_code_email_is_reported_and_its_code_is_dead(configure: Configure, smtp: Mailbox) -> None:
    svc = configure(smtp.port)
    screen = Screening(svc.verifier).screen
    smtp.refuse.add("jane@example.com")
    failed = request_flow.send_code(svc, "chat-1", "jane@example.com")
    assert (failed.sent, failed.message) == (False, say("code_send_failed", "en"))
    assert "no code is on its way" in failed.message
    [refused] = smtp.refused
    dead = code_in(refused)
    assert svc.verifier.check("chat-1", dead).outcome is CheckOutcome.none_pending
    assert screen("chat-1", f"my code is {dead}") == "/code_not_expected"  # what the assistant would hear

    smtp.refuse.clear()  # the mail server is back: the person may try again straight away
    retry = request_flow.send_code(svc, "chat-1", "jane@example.com")
    assert retry.sent and retry.message.startswith("I've sent a 6-digit code to j***@e***.com.")
    [delivered] = smtp.to("jane@example.com")
    code = code_in(delivered)
    assert screen("chat-1", code) == "/code_verified"
    assert svc.verifier.verified_challenge("chat-1", "jane@example.com") is not None


def test_a_closed_mail_port_is_reported_without_naming_the_address(
    configure: Configure, caplog: pytest.LogCaptureFixture
) -> None:
    svc = configure(free_port())  # nobody listens there
    with caplog.at_level(logging.WARNING, logger="bot.dialogue.request_flow"):
        failed = request_flow.send_code(svc, "chat-2", "jane@example.com")
    assert (failed.sent, failed.message) == (False, say("code_send_failed", "en"))
    assert "verification code not sent: ConnectionRefusedError" in caplog.text
    assert "jane" not in caplog.text
    again = request_flow.send_code(svc, "chat-2", "jane@example.com")  # no cooldown claims a code was sent
    assert again.message == say("code_send_failed", "en")


def test_a_code_verified_for_one_address_cannot_file_for_another(configure: Configure, smtp: Mailbox) -> None:
    svc = configure(smtp.port)
    screen = Screening(svc.verifier).screen
    assert request_flow.send_code(svc, "chat-4", "jane@example.com").sent
    assert screen("chat-4", code_in(smtp.to("jane@example.com")[0])) == "/code_verified"

    def file(email: str) -> Ticket | None:
        return request_flow.file_request(svc, "chat-4", ["erasure"], email, "rest", "request-1", "delete me", [])

    assert file("boss@example.com") is None
    assert file("other-chat@example.com") is None
    ticket = file("Jane@Example.com")
    assert ticket is not None and (ticket.requester_email, ticket.verification_method) == (
        "Jane@Example.com",
        "verified_email",
    )
    assert (
        request_flow.file_request(svc, "chat-4", ["erasure"], "jane@example.com", "rest", "request-2", "again", [])
        is None
    )
