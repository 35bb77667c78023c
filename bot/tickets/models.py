"""The ticket and audit-log tables (SQLAlchemy 1.4, used in 2.0 style). Schema changes go through Alembic."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from bot.clock import system_clock
from bot.db.base import Base, UTCDateTime


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
    language = Column(String(8), nullable=False, default="en", server_default="en")
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
