"""The one place the assistant reads the wall clock.

Whatever depends on the current instant (deadlines and days left, reminders and the digest hour,
closing dates, code lifetimes and limits, retention, email delivery) takes it from a :data:`Clock`:
services accept one (default :func:`system_clock`) and their methods accept an explicit ``now``.
Tests pass instants or their own clock; `make test-clocks` moves this clock for whole test sessions.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

Clock = Callable[[], datetime]
"""A source of the current instant (time-zone aware)."""

TEST_OFFSET_VARIABLE = "PRIVACYBOT_TEST_CLOCK_OFFSET"


def system_clock() -> datetime:
    """The current instant from the system clock, in UTC."""
    return datetime.now(UTC)


def days_left(due: date, today: date) -> int:
    """Calendar days from ``today`` to the due date (negative when overdue)."""
    return (due - today).days


def parse_instant(value: str) -> datetime:
    """An ISO 8601 instant with a UTC offset (``2026-11-20T09:30:00+01:00`` or ``...Z``); ValueError otherwise."""
    parsed = datetime.fromisoformat(value)
    if parsed.utcoffset() is None:
        raise ValueError(f"{value!r} needs an offset, e.g. 2026-11-20T09:30:00+01:00")
    return parsed


def shift_for_tests() -> None:
    """Test runs only: move this process's wall clock on by PRIVACYBOT_TEST_CLOCK_OFFSET seconds (time-machine).

    A test session with a moved clock (``pytest --clock``) sets it for the servers it starts, so they share its
    clock. Unset, nothing happens; the production profile refuses it.
    """
    offset = os.environ.get(TEST_OFFSET_VARIABLE, "").strip()
    if not offset:
        return
    from bot.settings import Profile, load_settings

    if load_settings().profile is Profile.production:
        raise SystemExit(f"{TEST_OFFSET_VARIABLE} moves the clock for test runs; the production profile refuses it")
    try:
        seconds = float(offset)
    except ValueError:
        raise SystemExit(f"{TEST_OFFSET_VARIABLE} must be a number of seconds, not {offset!r}") from None
    import time_machine

    time_machine.travel(system_clock() + timedelta(seconds=seconds), tick=True).start()
