"""The limits around one-time codes, on a real database with explicit instants (never the wall clock).

3 codes per address and 5 per conversation within an hour, the cooldown between codes, a resend
superseding the code before it, a verified code binding to its own address, and the formats a
person may type a code in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.db.sessions import session_factory
from bot.settings import Settings
from bot.verification.service import CheckOutcome, SendOutcome, SendResult, Verifier, find_code

T0 = datetime(2027, 3, 28, 0, 30, tzinfo=UTC)  # 01:30 in Hamburg, half an hour before the clocks go forward
KEY = "4c1f9a0e7d2b8c3f5a6e1d0b9c8a7f6e5d4c3b2a"


@pytest.fixture
def verifier(db_url: str, settings_for: Callable[..., Settings]) -> Verifier:
    """The verifier with the shipped limits (only the key is set)."""
    return Verifier(settings_for(database_url=db_url, verification_secret=KEY), session_factory(db_url))


def sent(result: SendResult) -> str:
    assert result.outcome is SendOutcome.sent, result
    assert result.code is not None
    return result.code


def test_the_shipped_limits_are_the_documented_ones(verifier: Verifier) -> None:
    settings = verifier.settings
    assert (settings.codes_per_address_per_hour, settings.codes_per_conversation_per_hour) == (3, 5)
    assert (settings.code_cooldown_seconds, settings.code_lifetime_seconds, settings.code_max_attempts) == (60, 600, 5)


def test_three_codes_per_address_per_hour_across_conversations(verifier: Verifier) -> None:
    """Fresh conversations do not get round the per-address limit; the window slides after an hour."""
    for n in range(3):
        sent(verifier.start(f"visitor-{n}", "jane@example.com", now=T0 + timedelta(minutes=n)))
    fourth = verifier.start("visitor-3", "Jane@Example.com", now=T0 + timedelta(minutes=3))  # case does not help
    assert fourth.outcome is SendOutcome.address_limit and fourth.code is None
    assert verifier.start("visitor-4", "jane@example.com", now=T0 + timedelta(minutes=59)).outcome is (
        SendOutcome.address_limit
    )
    sent(verifier.start("visitor-5", "max@example.com", now=T0 + timedelta(minutes=4)))  # other addresses go on
    sent(verifier.start("visitor-6", "jane@example.com", now=T0 + timedelta(hours=1)))  # the first code left the hour


def test_five_codes_per_conversation_per_hour_whatever_the_address(verifier: Verifier) -> None:
    """One conversation cannot spray codes over many addresses."""
    step = timedelta(seconds=verifier.settings.code_cooldown_seconds + 1)
    for n in range(5):
        sent(verifier.start("sprayer", f"person{n}@example.com", now=T0 + n * step))
    sixth = verifier.start("sprayer", "person5@example.com", now=T0 + 5 * step)
    assert sixth.outcome is SendOutcome.conversation_limit and sixth.code is None
    sent(verifier.start("someone-else", "person5@example.com", now=T0 + 5 * step))  # another conversation may
    sent(verifier.start("sprayer", "person6@example.com", now=T0 + timedelta(hours=1, seconds=1)))


def test_cooldown_between_codes_of_one_conversation(verifier: Verifier) -> None:
    sent(verifier.start("chat", "jane@example.com", now=T0))
    early = verifier.start("chat", "jane@example.com", now=T0 + timedelta(seconds=45))
    assert (early.outcome, early.wait_seconds, early.code) == (SendOutcome.cooldown, 16, None)
    sent(verifier.start("chat", "jane@example.com", now=T0 + timedelta(seconds=60)))


def test_a_resent_code_supersedes_the_one_before(verifier: Verifier) -> None:
    old = sent(verifier.start("chat", "jane@example.com", now=T0))
    later = T0 + timedelta(seconds=61)
    new = sent(verifier.start("chat", "jane@example.com", now=later))
    while new == old:  # one in a million: ask once more so the two codes differ
        later += timedelta(seconds=61)
        new = sent(verifier.start("chat", "jane@example.com", now=later))
    attempt = verifier.check("chat", old, now=later + timedelta(seconds=5))
    assert attempt.outcome is CheckOutcome.wrong and attempt.attempts_left == 4
    assert verifier.verified_challenge("chat", "jane@example.com") is None
    assert verifier.check("chat", new, now=later + timedelta(seconds=10)).outcome is CheckOutcome.verified
    assert verifier.check("chat", old, now=later + timedelta(seconds=15)).outcome is CheckOutcome.none_pending


def test_a_code_expires_after_its_lifetime(verifier: Verifier) -> None:
    code = sent(verifier.start("chat", "jane@example.com", now=T0))
    lifetime = timedelta(seconds=verifier.settings.code_lifetime_seconds)
    wrong = "000000" if code != "000000" else "111111"
    assert verifier.check("chat", wrong, now=T0 + lifetime - timedelta(seconds=1)).outcome is CheckOutcome.wrong
    assert verifier.check("chat", code, now=T0 + lifetime).outcome is CheckOutcome.expired


def test_a_code_verified_for_one_address_does_not_verify_another(verifier: Verifier) -> None:
    code = sent(verifier.start("chat", "jane@example.com", now=T0))
    assert verifier.check("chat", code, now=T0 + timedelta(seconds=30)).outcome is CheckOutcome.verified
    assert verifier.verified_challenge("chat", "boss@example.com") is None
    assert verifier.verified_challenge("other-chat", "jane@example.com") is None  # nor another conversation
    assert verifier.verified_challenge("chat", "JANE@example.com") is not None  # the same address, any case


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("123456", "123456"),
        ("123 456", "123456"),
        ("123-456", "123456"),
        ("my code: 123-456.", "123456"),
        ("Code 007 042 thanks", "007042"),
        ("1234567", None),
        ("12 34 56", None),
        ("call 040 123456789", None),
        ("123--456", None),
        ("person-87ff431342@example.com", None),  # an address typed again after a code was sent
        ("max.123-456@example.com", None),
        ("jane123456@example.com, code 654 321", "654321"),
    ],
)
def test_code_formats_a_person_may_type(typed: str, code: str | None) -> None:
    assert find_code(typed) == code


def test_a_code_the_mail_server_refused_never_verifies_and_costs_the_address_nothing(verifier: Verifier) -> None:
    """Withdrawn (unsent) codes: no cooldown, not counted for the address, counted for the conversation."""
    refused = verifier.start("chat-a", "jane@example.com", now=T0)
    assert refused.challenge_id is not None
    verifier.withdraw(refused.challenge_id)
    assert verifier.check("chat-a", sent(refused), now=T0 + timedelta(seconds=1)).outcome is CheckOutcome.none_pending
    retry = sent(verifier.start("chat-a", "jane@example.com", now=T0 + timedelta(seconds=2)))  # no cooldown
    assert verifier.check("chat-a", retry, now=T0 + timedelta(seconds=3)).outcome is CheckOutcome.verified
    for n in range(2):  # the address has two of its three codes left: the refused one did not count
        sent(verifier.start(f"chat-{n}", "jane@example.com", now=T0 + timedelta(minutes=1 + n)))
    assert verifier.start("chat-x", "jane@example.com", now=T0 + timedelta(minutes=5)).outcome is (
        SendOutcome.address_limit
    )
    for n in range(5):
        failing = verifier.start("chat-b", f"p{n}@example.com", now=T0 + timedelta(seconds=n))
        assert failing.challenge_id is not None
        verifier.withdraw(failing.challenge_id)
    assert verifier.start("chat-b", "p5@example.com", now=T0 + timedelta(seconds=5)).outcome is (
        SendOutcome.conversation_limit
    )
