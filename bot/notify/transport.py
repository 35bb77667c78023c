"""Where composed messages go: files under var/outbox (embedded) or an SMTP server (production)."""

from __future__ import annotations

import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import SMTP
from pathlib import Path
from typing import Protocol

from bot.settings import Settings


class Transport(Protocol):
    """Sends one complete message or raises."""

    def send(self, raw: bytes) -> None: ...


class FileTransport:
    """Writes each message as an .eml file (atomic rename), for the embedded profile and tests."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, raw: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}.eml"
        tmp = self.folder / f".{name}.tmp"
        tmp.write_bytes(raw)
        tmp.replace(self.folder / name)


class SmtpTransport:
    """Delivers through an SMTP server with plain, STARTTLS or implicit TLS connections."""

    def __init__(
        self,
        host: str,
        port: int,
        security: str = "starttls",
        username: str = "",
        password: str = "",
        timeout: float = 20.0,
    ):
        self.host, self.port, self.security = host, port, security
        self.username, self.password, self.timeout = username, password, timeout

    def send(self, raw: bytes) -> None:
        message = BytesParser(policy=SMTP).parsebytes(raw)
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if self.security == "tls":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with smtp:
            if self.security == "starttls":
                smtp.starttls(context=context)
            if self.username:
                smtp.login(self.username, self.password)
            smtp.send_message(message)


def transport_for(settings: Settings) -> Transport:
    """The transport the settings ask for."""
    if settings.email_backend == "smtp":
        return SmtpTransport(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_security,
            settings.smtp_username,
            settings.smtp_password.get_secret_value(),
        )
    return FileTransport(settings.outbox_dir)


def as_bytes(message: EmailMessage) -> bytes:
    """The wire form of a message (CRLF line ends, as SMTP wants)."""
    return message.as_bytes(policy=SMTP)


def send_now(transport: Transport, message: EmailMessage) -> None:
    """Send a message that must not wait in the outbox (a code), in the outbox's wire form."""
    transport.send(as_bytes(message))
