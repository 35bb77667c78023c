"""Console sessions: a random token in an HttpOnly, SameSite=Strict cookie; its hash in the database.

A session ends after 30 idle minutes, when its user signs out, is disabled or gets a new password.
Each session carries its own CSRF token, which every form posts back.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete

from bot.console.models import ConsoleSession, ConsoleUser
from bot.db.sessions import SessionFactory, transaction

IDLE_TIMEOUT = timedelta(minutes=30)
COOKIE = "pbc_session"


def token_hash(token: str) -> str:
    """What the database keeps of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Current:
    """The signed-in browser as a request sees it."""

    session_id: str
    user_id: int
    email: str
    role: str
    stage: str
    csrf_token: str

    @property
    def can_change(self) -> bool:
        """Only the `dpo` role changes tickets."""
        return self.role == "dpo" and self.stage == "active"

    def csrf_ok(self, submitted: str | None) -> bool:
        """Whether a form carried this session's CSRF token."""
        return bool(submitted) and hmac.compare_digest(self.csrf_token, str(submitted))


class Sessions:
    """Create, look up, advance and end sessions."""

    def __init__(self, factory: SessionFactory):
        self.factory = factory

    def create(self, user_id: int, stage: str, now: datetime) -> str:
        """A new session; returns the token for the cookie (shown nowhere else)."""
        token = secrets.token_urlsafe(32)
        with transaction(self.factory) as session:
            session.add(
                ConsoleSession(
                    id=token_hash(token),
                    user_id=user_id,
                    stage=stage,
                    csrf_token=secrets.token_urlsafe(32),
                    created_at=now,
                    last_seen_at=now,
                )
            )
        return token

    def load(self, token: str | None, now: datetime) -> tuple[Current | None, str | None]:
        """The session for ``token`` and why there is none ("expired", "disabled") if it ended now."""
        if not token:
            return None, None
        with transaction(self.factory) as session:
            row = session.get(ConsoleSession, token_hash(token))
            if row is None:
                return None, None
            user = session.get(ConsoleUser, row.user_id)
            if user is None or user.disabled_at is not None:
                session.delete(row)
                return None, "disabled"
            if now - row.last_seen_at > IDLE_TIMEOUT:
                session.delete(row)
                return None, "expired"
            row.last_seen_at = now
            return Current(row.id, user.id, user.email, user.role, row.stage, row.csrf_token), None

    def advance(self, current: Current, stage: str) -> str:
        """Move a session to the next stage under a fresh token (no fixation across stages)."""
        token = secrets.token_urlsafe(32)
        with transaction(self.factory) as session:
            row = session.get(ConsoleSession, current.session_id)
            session.add(
                ConsoleSession(
                    id=token_hash(token),
                    user_id=row.user_id,
                    stage=stage,
                    csrf_token=secrets.token_urlsafe(32),
                    created_at=row.created_at,
                    last_seen_at=row.last_seen_at,
                )
            )
            session.delete(row)
        return token

    def end(self, session_id: str) -> None:
        """Sign out."""
        with transaction(self.factory) as session:
            session.execute(delete(ConsoleSession).where(ConsoleSession.id == session_id))

    def purge(self, now: datetime) -> int:
        """Delete sessions idle for longer than the timeout."""
        with transaction(self.factory) as session:
            result = session.execute(delete(ConsoleSession).where(ConsoleSession.last_seen_at < now - IDLE_TIMEOUT))
            return int(result.rowcount or 0)
