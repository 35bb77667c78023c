"""The reminder log: which reminder went out for what."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, UniqueConstraint

from bot.clock import system_clock
from bot.db.base import Base, UTCDateTime


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
