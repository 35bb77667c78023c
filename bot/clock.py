"""The one place the assistant reads the wall clock.

Whatever depends on the current instant (deadlines and days left, reminders and the digest hour,
closing dates, code lifetimes and limits, retention, email delivery) takes it from a :data:`Clock`:
services accept one (default :func:`system_clock`) and their methods accept an explicit ``now``.
Tests pass instants or their own clock; `make test-clocks` moves this clock for whole test sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""A source of the current instant (time-zone aware)."""


def system_clock() -> datetime:
    """The current instant from the system clock, in UTC."""
    return datetime.now(UTC)
