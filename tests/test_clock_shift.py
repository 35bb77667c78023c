"""Moved clocks: the --clock instant format, and the offset that moves the servers' clocks alike."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import TEST_OFFSET_VARIABLE
from bot.settings import PROJECT_ROOT
from tests.clock_shift import parse_clock

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
PRINT_NOW = "from bot.clock import shift_for_tests, system_clock; shift_for_tests(); print(system_clock().isoformat())"


def test_instants_with_zone_offset_or_days_ahead() -> None:
    late = parse_clock("2026-12-22T23:30 Europe/Berlin")
    assert late.tzinfo == ZoneInfo("Europe/Berlin")
    assert late.astimezone(UTC) == datetime(2026, 12, 22, 22, 30, tzinfo=UTC)
    summer = parse_clock("2027-03-28T03:30 Europe/Berlin")  # after the spring change: CEST
    assert summer.astimezone(UTC) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)
    assert parse_clock("2028-02-29T12:00:00+01:00") == datetime(2028, 2, 29, 11, 0, tzinfo=UTC)
    assert parse_clock("+40d", now=NOW) == NOW + timedelta(days=40)


@pytest.mark.parametrize("bad", ["2026-12-22T23:30", "2026-12-22T23:30+01:00 Europe/Berlin", "tomorrow"])
def test_ambiguous_or_bad_instants_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_clock(bad)


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PRIVACYBOT_")}
    return subprocess.run(
        [sys.executable, "-c", code], env=clean | env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )


def test_a_server_process_moves_its_clock_by_the_offset(tmp_path: Path) -> None:
    # Both children start on the real clock (this process's may be moved by --clock): one is moved, one not.
    moved = _python(PRINT_NOW, **{TEST_OFFSET_VARIABLE: str(117 * 86400), "PRIVACYBOT_DATA_DIR": str(tmp_path)})
    unmoved = _python(PRINT_NOW, PRIVACYBOT_DATA_DIR=str(tmp_path))
    assert moved.returncode == unmoved.returncode == 0, moved.stderr + unmoved.stderr
    shift = datetime.fromisoformat(moved.stdout.strip()) - datetime.fromisoformat(unmoved.stdout.strip())
    assert timedelta(days=117) - timedelta(minutes=5) < shift < timedelta(days=117)  # moved first, then unmoved


def test_the_production_profile_refuses_a_moved_clock() -> None:
    production = {
        "PRIVACYBOT_PROFILE": "production",
        "PRIVACYBOT_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/tickets",
        "PRIVACYBOT_TRACKER_STORE_URL": "postgresql://postgres@127.0.0.1:5432/conversations",
        "PRIVACYBOT_REDIS_URL": "redis://127.0.0.1:6379/1",
        "PRIVACYBOT_EMAIL_BACKEND": "smtp",
        "PRIVACYBOT_VERIFICATION_SECRET": secrets.token_hex(32),
        "PRIVACYBOT_ACTION_TOKEN": secrets.token_hex(32),
    }
    assert _python(PRINT_NOW, **production).returncode == 0  # valid production settings ...
    refused = _python(PRINT_NOW, **production, **{TEST_OFFSET_VARIABLE: "86400"})
    assert refused.returncode != 0  # ... but not with a moved clock
    assert "the production profile refuses it" in refused.stderr
