"""The outbox table: emails waiting to be sent."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, Integer, LargeBinary, String, Text

from bot.clock import system_clock
from bot.db.base import Base, UTCDateTime


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


Index("ix_outbox_due", OutboxEmail.status, OutboxEmail.next_attempt_at)
