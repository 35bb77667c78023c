"""One-time codes on a real database: key rotation, retry after a failed filing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bot.db.sessions import session_factory
from bot.settings import Settings
from bot.verification.service import CheckOutcome, Verifier
from tests.conftest import ManualClock

OLD_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0aa55bb66cc77dd88"
NEW_KEY = "f0e1d2c3b4a5968778695a4b3c2d1e0f55aa66bb77cc88dd"
T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def verifier(settings_for: Callable[..., Settings], db_url: str, **keys: str) -> Verifier:
    settings = settings_for(database_url=db_url, code_cooldown_seconds=0, **keys)
    return Verifier(settings, session_factory(db_url), clock=ManualClock(T0))  # codes are checked when sent


def test_codes_issued_before_a_key_rotation_still_work(db_url: str, settings_for: Callable[..., Settings]) -> None:
    before = verifier(settings_for, db_url, verification_secret=OLD_KEY)
    sent = before.start("chat-1", "jane@example.com")
    assert sent.code is not None
    after = verifier(settings_for, db_url, verification_secret=NEW_KEY, verification_old_secrets=OLD_KEY)
    assert after.check("chat-1", sent.code).outcome is CheckOutcome.verified
    assert after.verified_challenge("chat-1", "jane@example.com") is not None  # filing still matches the address
    fresh = after.start("chat-2", "max@example.com")
    assert fresh.code is not None and after.current_key_id != before.current_key_id
    assert after.check("chat-2", fresh.code).outcome is CheckOutcome.verified


def test_retiring_an_old_key_retires_its_codes(db_url: str, settings_for: Callable[..., Settings]) -> None:
    sent = verifier(settings_for, db_url, verification_secret=OLD_KEY).start("chat-3", "jane@example.com")
    assert sent.code is not None
    retired = verifier(settings_for, db_url, verification_secret=NEW_KEY)
    assert retired.check("chat-3", sent.code).outcome is CheckOutcome.expired


def test_a_verified_code_may_be_sent_again_until_a_ticket_uses_it(
    db_url: str, settings_for: Callable[..., Settings]
) -> None:
    """If filing failed after the check (action server down), the same code retries; once used, never again."""
    v = verifier(settings_for, db_url, verification_secret=NEW_KEY)
    sent = v.start("chat-4", "jane@example.com")
    assert sent.code is not None
    assert v.check("chat-4", sent.code).outcome is CheckOutcome.verified
    assert v.check("chat-4", sent.code).outcome is CheckOutcome.verified
    wrong = "000000" if sent.code != "000000" else "111111"
    assert v.check("chat-4", wrong).outcome is CheckOutcome.none_pending  # no guessing on a verified challenge
    challenge = v.verified_challenge("chat-4", "jane@example.com")
    assert challenge is not None
    v.mark_used(challenge)
    assert v.check("chat-4", sent.code).outcome is CheckOutcome.none_pending
