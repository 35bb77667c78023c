"""The known customers table (imported by the DPO)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String

from bot.clock import system_clock
from bot.db.base import Base, UTCDateTime


class DataSubject(Base):
    """A known customer of the controller, for matching verified addresses (DPO only)."""

    __tablename__ = "data_subjects"

    id = Column(Integer, primary_key=True, autoincrement=True)
    customer_ref = Column(String(64), nullable=False, unique=True)
    email = Column(String(254), nullable=False, unique=True)
    name = Column(String(200))
    imported_at = Column(UTCDateTime(), nullable=False, default=system_clock)
