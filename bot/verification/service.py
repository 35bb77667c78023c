"""Email one-time codes that prove a requester controls an address (Art. 12(6) GDPR).

- A 6-digit code from ``secrets``, stored only as an HMAC (keyed hash) together with the id of the
  key, so the key can be rotated: old keys still check codes issued under them.
- Codes expire (default 10 minutes); 5 wrong attempts lock the challenge; a new code can be sent
  after a cooldown (60 s) and at most 3 times per address per hour, and a conversation may ask for
  at most 5 codes per hour. Comparisons are constant-time.
- A code the mail server refused is withdrawn: it never verifies, and as nothing reached the inbox it
  starts no cooldown and does not count against the address (it does count for the conversation).
- The code never passes through Rasa: input channels hand a code reply to :func:`check` and forward
  only the outcome (an intent) to the assistant, so the code is in no tracker and no Rasa log.
- What the person is told never depends on whether the address is known to the company.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, update

from bot.clock import Clock, system_clock
from bot.db.sessions import SessionFactory, transaction
from bot.settings import Settings
from bot.verification.models import VerificationChallenge

CODE_DIGITS = 6
CODE_RE = re.compile(r"(?<!\d)(\d{3})[\s-]?(\d{3})(?!\d)")
ADDRESS_RE = re.compile(r"\S+@\S+")  # digits in an email address ("max.123456@example.com") are no code


class SendOutcome(StrEnum):
    """Result of asking for a code."""

    sent = "sent"
    cooldown = "cooldown"
    address_limit = "address_limit"
    conversation_limit = "conversation_limit"


class CheckOutcome(StrEnum):
    """Result of a code attempt."""

    verified = "verified"
    wrong = "wrong"
    expired = "expired"
    locked = "locked"
    none_pending = "none_pending"


@dataclass(frozen=True)
class SendResult:
    """What happened when a code was requested; ``code`` only when one must be emailed now."""

    outcome: SendOutcome
    code: str | None = None
    wait_seconds: int = 0
    challenge_id: int | None = None


@dataclass(frozen=True)
class CheckResult:
    """What happened to a code attempt."""

    outcome: CheckOutcome
    attempts_left: int = 0
    challenge_id: int | None = None


def conversation_key(sender_id: str) -> str:
    """A stable, non-reversible key for a conversation id."""
    return hashlib.sha256(f"conversation:{sender_id}".encode()).hexdigest()


def find_code(text: str) -> str | None:
    """The 6-digit code in a message ("123456", "123 456", "code: 123-456"), if any."""
    match = CODE_RE.search(ADDRESS_RE.sub(" ", text))
    return match.group(1) + match.group(2) if match else None


def _latest(conv: str) -> Any:
    """Query for a conversation's most recent challenge."""
    return (
        select(VerificationChallenge)
        .where(VerificationChallenge.conversation == conv)
        .order_by(VerificationChallenge.id.desc())
        .limit(1)
    )


class Verifier:
    """Issues and checks codes; state lives in the ticket database; ``clock`` says when "now" is."""

    def __init__(self, settings: Settings, factory: SessionFactory, clock: Clock = system_clock):
        self.settings = settings
        self.factory = factory
        self.clock = clock
        self.keys = settings.verification_keys()  # {key id: secret}, current first
        self.current_key_id = next(iter(self.keys))

    def _digest(self, key_id: str, purpose: str, value: str) -> str:
        return hmac.new(self.keys[key_id], f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    def address_hash(self, email: str) -> str:
        """Keyed hash of a normalised address (for per-address limits; the address is not stored)."""
        return self._digest(self.current_key_id, "email", email.lower())

    def start(self, sender_id: str, email: str, now: datetime | None = None, *, language: str = "en") -> SendResult:
        """Issue a new code for ``email`` in this conversation, unless a limit says no.

        ``language`` is the conversation's (the code email's language).
        """
        now = now or self.clock()
        conv = conversation_key(sender_id)
        address = self.address_hash(email)
        hour_ago = now - timedelta(hours=1)
        with transaction(self.factory) as session:
            last = session.execute(
                select(func.max(VerificationChallenge.created_at)).where(
                    VerificationChallenge.conversation == conv, VerificationChallenge.status != "unsent"
                )
            ).scalar()
            cooldown = timedelta(seconds=self.settings.code_cooldown_seconds)
            if last is not None and now - last < cooldown:
                wait = int((cooldown - (now - last)).total_seconds()) + 1
                return SendResult(SendOutcome.cooldown, wait_seconds=wait)

            def issued_since(condition: Any) -> int:
                query = select(func.count()).select_from(VerificationChallenge)
                return int(
                    session.execute(query.where(condition, VerificationChallenge.created_at > hour_ago)).scalar_one()
                )

            if (
                issued_since(VerificationChallenge.conversation == conv)
                >= self.settings.codes_per_conversation_per_hour
            ):
                return SendResult(SendOutcome.conversation_limit)
            delivered_to_address = (VerificationChallenge.address == address) & (
                VerificationChallenge.status != "unsent"
            )
            if issued_since(delivered_to_address) >= self.settings.codes_per_address_per_hour:
                return SendResult(SendOutcome.address_limit)
            session.execute(
                update(VerificationChallenge)
                .where(VerificationChallenge.conversation == conv, VerificationChallenge.status == "pending")
                .values(status="superseded")
                .execution_options(synchronize_session=False)
            )
            code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
            challenge = VerificationChallenge(
                conversation=conv,
                address=address,
                key_id=self.current_key_id,
                code_hash="",
                status="pending",
                attempts=0,
                created_at=now,
                expires_at=now + timedelta(seconds=self.settings.code_lifetime_seconds),
            )
            session.add(challenge)
            session.flush()
            challenge.code_hash = self._digest(self.current_key_id, f"code:{challenge.id}", code)
            return SendResult(SendOutcome.sent, code=code, challenge_id=challenge.id)

    def check(self, sender_id: str, code: str, now: datetime | None = None) -> CheckResult:
        """Check a code attempt against the conversation's latest challenge."""
        now = now or self.clock()
        conv = conversation_key(sender_id)
        with transaction(self.factory) as session:
            challenge = session.execute(_latest(conv).with_for_update()).scalar_one_or_none()
            if challenge is None or challenge.status in {"cancelled", "superseded", "used", "unsent"}:
                return CheckResult(CheckOutcome.none_pending)
            if challenge.status == "verified":  # filing failed after the check: the same code may retry
                given = self._digest(challenge.key_id, f"code:{challenge.id}", code)
                if now < challenge.expires_at and hmac.compare_digest(challenge.code_hash, given):
                    return CheckResult(CheckOutcome.verified, challenge_id=challenge.id)
                return CheckResult(CheckOutcome.none_pending)
            if challenge.status == "locked":
                return CheckResult(CheckOutcome.locked, challenge_id=challenge.id)
            if now >= challenge.expires_at or challenge.key_id not in self.keys:  # or its key was retired
                challenge.status = "expired"
                return CheckResult(CheckOutcome.expired, challenge_id=challenge.id)
            expected = challenge.code_hash
            given = self._digest(challenge.key_id, f"code:{challenge.id}", code)
            if hmac.compare_digest(expected, given):
                challenge.status = "verified"
                challenge.verified_at = now
                return CheckResult(CheckOutcome.verified, challenge_id=challenge.id)
            challenge.attempts += 1
            left = self.settings.code_max_attempts - challenge.attempts
            if left <= 0:
                challenge.status = "locked"
                return CheckResult(CheckOutcome.locked, challenge_id=challenge.id)
            return CheckResult(CheckOutcome.wrong, attempts_left=left, challenge_id=challenge.id)

    def verified_challenge(self, sender_id: str, email: str) -> int | None:
        """The id of this conversation's verified, unused challenge for ``email``, if any."""
        conv = conversation_key(sender_id)
        with transaction(self.factory) as session:
            challenge = session.execute(_latest(conv)).scalar_one_or_none()
            if challenge is None or challenge.status != "verified":
                return None
            if challenge.key_id not in self.keys:
                return None
            if not hmac.compare_digest(challenge.address, self._digest(challenge.key_id, "email", email.lower())):
                return None
            return int(challenge.id)

    def verified_recently(self, sender_id: str, email: str, now: datetime | None = None) -> bool:
        """Whether this conversation proved it controls ``email`` within a code's lifetime."""
        now = now or self.clock()
        since = now - timedelta(seconds=self.settings.code_lifetime_seconds)
        with transaction(self.factory) as session:
            challenges = session.execute(
                select(VerificationChallenge).where(
                    VerificationChallenge.conversation == conversation_key(sender_id),
                    VerificationChallenge.status.in_(["verified", "used"]),
                    VerificationChallenge.verified_at >= since,
                )
            ).scalars()
            return any(
                c.key_id in self.keys and hmac.compare_digest(c.address, self._digest(c.key_id, "email", email.lower()))
                for c in challenges
            )

    def mark_used(self, challenge_id: int) -> None:
        """A verified challenge filed its ticket: it cannot file another."""
        with transaction(self.factory) as session:
            session.execute(
                update(VerificationChallenge)
                .where(VerificationChallenge.id == challenge_id)
                .values(status="used")
                .execution_options(synchronize_session=False)
            )

    def withdraw(self, challenge_id: int) -> None:
        """The code could not be sent: it can never be used, and it starts no cooldown."""
        with transaction(self.factory) as session:
            session.execute(
                update(VerificationChallenge)
                .where(VerificationChallenge.id == challenge_id)
                .values(status="unsent")
                .execution_options(synchronize_session=False)
            )

    def cancel(self, sender_id: str) -> None:
        """Discard whatever challenge the conversation has open."""
        with transaction(self.factory) as session:
            session.execute(
                update(VerificationChallenge)
                .where(
                    VerificationChallenge.conversation == conversation_key(sender_id),
                    VerificationChallenge.status.in_(["pending", "verified"]),
                )
                .values(status="cancelled")
                .execution_options(synchronize_session=False)
            )

    def expects_codes(self, sender_id: str, now: datetime | None = None) -> bool:
        """Whether a code was sent in this conversation within the last hour: then every code-looking
        reply is treated as an attempt and never reaches the assistant."""
        now = now or self.clock()
        with transaction(self.factory) as session:
            recent = session.execute(
                select(func.count())
                .select_from(VerificationChallenge)
                .where(
                    VerificationChallenge.conversation == conversation_key(sender_id),
                    VerificationChallenge.created_at > now - timedelta(hours=1),
                )
            ).scalar_one()
            return bool(recent)
