"""The instants of ``pytest --clock`` (tests/conftest.py), which moves the clock of a whole test session."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo


def parse_clock(value: str, now: datetime | None = None) -> datetime:
    """An instant given as ISO 8601 with offset, as ISO 8601 local time and a zone name
    (``2026-12-22T23:30 Europe/Berlin``; the zone is also the local zone of the run), or ``+Nd``: N days from now."""
    if value.startswith("+") and value.endswith("d"):
        return (now or datetime.now(UTC)) + timedelta(days=int(value[1:-1]))
    text, _, zone = value.partition(" ")
    when = datetime.fromisoformat(text)
    if zone:
        if when.tzinfo is not None:
            raise ValueError(f"clock {value!r}: give an offset or a zone name, not both")
        return when.replace(tzinfo=ZoneInfo(zone))
    if when.utcoffset() is None:
        raise ValueError(f"clock {value!r} needs an offset or a zone name, e.g. '2026-12-22T23:30 Europe/Berlin'")
    return when
