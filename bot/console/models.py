"""Tables of the DPO console: accounts, sessions, the console's own audit log, response files."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Text

from bot.clock import system_clock
from bot.db.base import Base, UTCDateTime


class ConsoleUser(Base):
    """A person who may sign in to the console: `dpo` changes tickets, `viewer` only reads."""

    __tablename__ = "console_users"

    id = Column(Integer, primary_key=True, autoincrement=True)
    email = Column(String(254), nullable=False, unique=True)
    role = Column(String(16), nullable=False)
    password_hash = Column(String(255), nullable=False)
    totp_secret = Column(String(64))  # set at enrolment, confirmed by a first valid code
    totp_confirmed_at = Column(UTCDateTime())
    failed_logins = Column(Integer, nullable=False, default=0)
    locked_until = Column(UTCDateTime())
    disabled_at = Column(UTCDateTime())
    created_at = Column(UTCDateTime(), nullable=False, default=system_clock)
    password_changed_at = Column(UTCDateTime(), nullable=False, default=system_clock)


class ConsoleSession(Base):
    """A signed-in browser; the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "console_sessions"

    id = Column(String(64), primary_key=True)
    user_id = Column(Integer, ForeignKey("console_users.id", ondelete="CASCADE"), nullable=False, index=True)
    stage = Column(String(16), nullable=False)  # "totp" (password checked), "enrol" (must set up TOTP), "active"
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(UTCDateTime(), nullable=False, default=system_clock)
    last_seen_at = Column(UTCDateTime(), nullable=False, default=system_clock, index=True)


class ConsoleEvent(Base):
    """The console's audit log: sign-ins, failures, lock-outs, account changes, refused requests."""

    __tablename__ = "console_events"

    id = Column(Integer, primary_key=True, autoincrement=True)
    at = Column(UTCDateTime(), nullable=False, default=system_clock, index=True)
    actor = Column(String(254), nullable=False)
    action = Column(String(64), nullable=False)
    client = Column(String(16))  # a keyed hash of the client address, never the address
    note = Column(Text)


class ResponseFile(Base):
    """A file for the person (access, portability), downloadable with a link and an emailed code."""

    __tablename__ = "response_files"

    id = Column(Integer, primary_key=True, autoincrement=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=False, index=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    stored_name = Column(String(64), nullable=False)
    filename = Column(String(200), nullable=False)
    content_type = Column(String(100), nullable=False)
    size = Column(Integer, nullable=False)
    created_at = Column(UTCDateTime(), nullable=False, default=system_clock)
    expires_at = Column(UTCDateTime(), nullable=False, index=True)
    deleted_at = Column(UTCDateTime())
    downloads = Column(Integer, nullable=False, default=0)
