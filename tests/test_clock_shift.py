"""The moved-clock tooling: the --clock instant format and the faketime command line (tests/clock_shift.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.clock_shift import faketime_command, parse_clock

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_instants_with_zone_offset_or_days_ahead() -> None:
    late = parse_clock("2026-12-22T23:30 Europe/Berlin")
    assert late.tzinfo == ZoneInfo("Europe/Berlin") and late.astimezone(UTC) == datetime(
        2026, 12, 22, 22, 30, tzinfo=UTC
    )
    summer = parse_clock("2027-03-28T03:30 Europe/Berlin")  # after the spring change: CEST
    assert summer.astimezone(UTC) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert parse_clock("2028-02-29T12:00:00+01:00") == datetime(2028, 2, 29, 11, 0, tzinfo=UTC)
    assert parse_clock("+40d", now=NOW) == NOW + timedelta(days=40)


@pytest.mark.parametrize("bad", ["2026-12-22T23:30", "2026-12-22T23:30+01:00 Europe/Berlin", "tomorrow"])
def test_ambiguous_or_bad_instants_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_clock(bad)


def test_faketime_moves_every_clock_by_one_offset_and_sets_the_zone() -> None:
    argv, env = faketime_command("2026-12-22T23:30 Europe/Berlin", ["pytest", "-q"], now=NOW)
    assert argv == ["faketime", "-f", f"+{(21 * 24 + 10) * 3600 + 30 * 60}", "pytest", "-q"]
    assert env["TZ"] == "Europe/Berlin" and env["FAKETIME_DONT_FAKE_MONOTONIC"] == "1"
