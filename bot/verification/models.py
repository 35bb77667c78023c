"""The challenges table: emailed one-time codes, stored only as keyed hashes."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String

from bot.clock import system_clock
from bot.db.base import Base, UTCDateTime


class VerificationChallenge(Base):
    """An emailed one-time code, stored only as a keyed hash (see bot.verification.service)."""

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
