"""Database tables (SQLAlchemy 1.4, used in 2.0 style). Schema changes go through Alembic."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base, relationship
from sqlalchemy.types import TypeDecorator

from bot.clock import system_clock

Base: Any = declarative_base()


class UTCDateTime(TypeDecorator):
    """Instants stored in UTC and read back time-zone aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("instants must carry a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Ticket(Base):
    """A data-subject request and its legal deadline."""

    __tablename__ = "tickets"

    id = Column(Integer, primary_key=True, autoincrement=True)
    reference = Column(String(24), unique=True)
    rights = Column(JSON, nullable=False)
    status = Column(String(32), nullable=False, index=True)
    channel = Column(String(16), nullable=False)
    entered_by = Column(String(120))
    requester_email = Column(String(254))
    requester_telegram_id = Column(String(32))
    requester_phone = Column(String(32))
    requester_name = Column(String(200))
    verification_method = Column(String(32), nullable=False)
    verification_outcome = Column(String(32), nullable=False)
    subject_match = Column(String(200))
    received_at = Column(UTCDateTime(), nullable=False)
    due_date = Column(Date, nullable=False, index=True)
    extended_due_date = Column(Date)
    extension_reason = Column(Text)
    extension_notified_at = Column(UTCDateTime())
    closed_at = Column(UTCDateTime())
    outcome = Column(Text)
    request_text = Column(Text)
    data_categories = Column(JSON, nullable=False, default=list)
    language = Column(String(8), nullable=False, default="en")
    conversation_id = Column(String(128), index=True)
    idempotency_key = Column(String(128), unique=True)
    anonymised_at = Column(UTCDateTime())
    created_at = Column(UTCDateTime(), nullable=False, default=system_clock)
    updated_at = Column(UTCDateTime(), nullable=False, default=system_clock)  # set by each change, from its clock

    events = relationship("AuditEvent", back_populates="ticket", order_by="AuditEvent.id")

    @property
    def effective_due(self) -> Any:
        """The deadline in force: the extended one if the ticket was extended."""
        return self.extended_due_date or self.due_date


class AuditEvent(Base):
    """One entry of the append-only audit log (no personal data in before/after)."""

    __tablename__ = "audit_events"

    id = Column(Integer, primary_key=True, autoincrement=True)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), nullable=False, index=True)
    at = Column(UTCDateTime(), nullable=False, default=system_clock)
    actor = Column(String(120), nullable=False)
    action = Column(String(64), nullable=False)
    before = Column(JSON)
    after = Column(JSON)
    note = Column(Text)

    ticket = relationship("Ticket", back_populates="events")


class OutboxEmail(Base):
    """An email waiting to be sent (transactional outbox), sent at least once, never lost."""

    __tablename__ = "outbox"

    id = Column(Integer, primary_key=True, autoincrement=True)
    kind = Column(String(40), nullable=False)
    ticket_id = Column(Integer, ForeignKey("tickets.id"), index=True)
    recipient = Column(String(254), nullable=False)
    subject = Column(String(300), nullable=False)
    message = Column(LargeBinary, nullable=False)  # the complete RFC 5322 message
    status = Column(String(16), nullable=False, default="pending", index=True)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(UTCDateTime(), nullable=False, default=system_clock)
    claimed_until = Column(UTCDateTime())
    claimed_by = Column(String(64))
    last_error = Column(Text)
    created_at = Column(UTCDateTime(), nullable=False, default=system_clock)
    sent_at = Column(UTCDateTime())


class ReminderLog(Base):
    """Which reminder was sent for what: the unique key makes each one happen once."""

    __tablename__ = "reminder_log"
    __table_args__ = (UniqueConstraint("kind", "key", name="uq_reminder_kind_key"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    kind = Column(String(40), nullable=False)
    key = Column(String(120), nullable=False)
    ticket_id = Column(Integer, ForeignKey("tickets.id"))
    outcome = Column(String(16), nullable=False, default="sent")
    created_at = Column(UTCDateTime(), nullable=False, default=system_clock)


class VerificationChallenge(Base):
    """An emailed one-time code, stored only as a keyed hash (see bot.verification)."""

    __tablename__ = "verification_challenges"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation = Column(String(64), nullable=False, index=True)  # sha256 of the conversation id
    address = Column(String(64), nullable=False, index=True)  # HMAC of the email address
    key_id = Column(String(16), nullable=False)
    code_hash = Column(String(64), nullable=False)
    status = Column(String(16), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    created_at = Column(UTCDateTime(), nullable=False, default=system_clock, index=True)
    expires_at = Column(UTCDateTime(), nullable=False)
    verified_at = Column(UTCDateTime())


class DataSubject(Base):
    """A known customer of the controller, for matching verified addresses (DPO only)."""

    __tablename__ = "data_subjects"

    id = Column(Integer, primary_key=True, autoincrement=True)
    customer_ref = Column(String(64), nullable=False, unique=True)
    email = Column(String(254), nullable=False, unique=True)
    name = Column(String(200))
    imported_at = Column(UTCDateTime(), nullable=False, default=system_clock)


Index("ix_outbox_due", OutboxEmail.status, OutboxEmail.next_attempt_at)
