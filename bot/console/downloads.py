"""The person's file: stored under a random name, offered by a link valid 7 days, opened with an emailed code.

- The link carries a random token; the database keeps only its SHA-256.
- Opening it sends a fresh one-time code to the address on the ticket (the verification service's codes,
  limits and attempt counter); a code opens the file once.
- A guessed, expired or deleted link and a wrong code look the same to the visitor (None here, 404 there).
- Every download is in the ticket's audit log; the file is deleted when the link expires.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.models import ResponseFile
from bot.console.uploads import CheckedUpload
from bot.db.sessions import SessionFactory, transaction
from bot.notify import answers
from bot.notify.transport import send_now, transport_for
from bot.notify.wording import language_of
from bot.settings import Settings
from bot.tickets.models import Ticket
from bot.tickets.service import audit
from bot.verification.service import CheckOutcome, SendOutcome, Verifier

log = logging.getLogger(__name__)
LINK_VALIDITY = timedelta(days=7)


def files_dir(settings: Settings) -> Path:
    """Where response files are kept until their link expires."""
    return settings.data_dir / "console" / "files"


def _hash(token: str) -> str:
    return hashlib.sha256(f"download:{token}".encode()).hexdigest()


def store(settings: Settings, upload: CheckedUpload) -> str:
    """Write the file under a random name (mode 0600); the name it is stored under."""
    folder = files_dir(settings)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored = secrets.token_hex(16)
    fd = os.open(folder / stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(upload.content)
    return stored


def create_link(
    session: Session, settings: Settings, ticket: Ticket, stored: str, upload: CheckedUpload, now: datetime
) -> tuple[str, datetime]:
    """Record the file for ``ticket`` in the caller's transaction; its download URL and expiry."""
    token = secrets.token_urlsafe(32)
    expires = now + LINK_VALIDITY
    session.add(
        ResponseFile(
            ticket_id=ticket.id,
            token_hash=_hash(token),
            stored_name=stored,
            filename=upload.filename,
            content_type=upload.content_type,
            size=len(upload.content),
            created_at=now,
            expires_at=expires,
            downloads=0,
        )
    )
    return f"{settings.console_public_url.rstrip('/')}/download/{token}", expires


@dataclass(frozen=True)
class Offer:
    """A live download as the page shows it."""

    file_id: int
    reference: str
    filename: str
    size: int
    expires_at: datetime
    language: str  # the ticket's: the page is in it ("en" or "de")


def _live(session: Session, token: str, now: datetime) -> tuple[ResponseFile, Ticket] | None:
    if not token or len(token) > 100:
        return None
    row = session.execute(select(ResponseFile).where(ResponseFile.token_hash == _hash(token))).scalar_one_or_none()
    if row is None or row.deleted_at is not None or row.expires_at <= now:
        return None
    ticket = session.get(Ticket, row.ticket_id)
    if ticket is None or not ticket.requester_email:
        return None
    return row, ticket


class Downloads:
    """Looking up, unlocking and purging response files."""

    def __init__(self, settings: Settings, factory: SessionFactory):
        self.settings = settings
        self.factory = factory
        self.verifier = Verifier(settings, factory)

    def offer(self, token: str, now: datetime) -> Offer | None:
        """The live file behind ``token``, or None (unknown, expired or deleted alike)."""
        with transaction(self.factory) as session:
            found = _live(session, token, now)
            if found is None:
                return None
            row, ticket = found
            return Offer(row.id, ticket.reference, row.filename, row.size, row.expires_at, language_of(ticket.language))

    def send_code(self, token: str, now: datetime) -> SendOutcome | None:
        """Email a fresh code to the ticket's address; None for a link that is not live."""
        with transaction(self.factory) as session:
            found = _live(session, token, now)
            if found is None:
                return None
            row, ticket = found
            file_id, email, reference = row.id, str(ticket.requester_email), str(ticket.reference)
            language = ticket.language
        sender = f"download:{file_id}"
        result = self.verifier.start(sender, email, now)
        if result.outcome is not SendOutcome.sent or result.code is None:
            return result.outcome
        minutes = self.settings.code_lifetime_seconds // 60
        message = answers.download_code(self.settings, email, reference, result.code, minutes, language)
        try:
            send_now(transport_for(self.settings), message)
        except Exception:
            self.verifier.cancel(sender)
            raise
        return SendOutcome.sent

    def open(self, token: str, code: str, now: datetime) -> tuple[Path, str, str] | None:
        """The file's path, name and type if ``code`` is right; None otherwise, whatever the reason.

        The code is used up; the download is recorded in the ticket's audit log.
        """
        offer = self.offer(token, now)
        if offer is None:
            return None
        sender = f"download:{offer.file_id}"
        checked = self.verifier.check(sender, code.strip()[:12], now)
        if checked.outcome is not CheckOutcome.verified or checked.challenge_id is None:
            return None
        self.verifier.mark_used(checked.challenge_id)
        with transaction(self.factory) as session:
            row = session.get(ResponseFile, offer.file_id)
            ticket = session.get(Ticket, row.ticket_id)
            row.downloads += 1
            after = {"file": row.id, "download": row.downloads}
            audit(session, ticket, "requester", "file_downloaded", after=after, at=now)
            path = files_dir(self.settings) / row.stored_name
            return path, row.filename, row.content_type

    def purge(self, now: datetime) -> int:
        """Delete every file whose link expired; how many went."""
        removed = 0
        with transaction(self.factory) as session:
            rows = session.execute(
                select(ResponseFile).where(ResponseFile.deleted_at.is_(None), ResponseFile.expires_at <= now)
            ).scalars()
            for row in rows:
                (files_dir(self.settings) / row.stored_name).unlink(missing_ok=True)
                row.deleted_at = now
                ticket = session.get(Ticket, row.ticket_id)
                after = {"file": row.id, "downloads": row.downloads}
                audit(session, ticket, "console", "file_deleted", after=after, at=now)
                removed += 1
        return removed
