"""Moved clocks for test runs: the instant format of ``pytest --clock`` and a faketime runner for whole process trees.

``pytest --clock INSTANT`` (tests/conftest.py) moves the clock of the test process only, with time-machine. The
servers the server tests start are child processes that time-machine cannot reach; for them, run pytest itself
under Debian's ``faketime`` (libfaketime, inherited by every child)::

    python -m tests.clock_shift "2026-12-22T23:30 Europe/Berlin" -- .venv/bin/pytest tests/test_request_flow.py

The clock is moved by a fixed offset, so every process sees the same instant and it keeps running; monotonic
clocks are left alone (libfaketime's faked monotonic clock stalls timed waits in Python threads).
"""

from __future__ import annotations

import os
import shutil
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

USAGE = "usage: python -m tests.clock_shift INSTANT -- COMMAND [ARG ...]"


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


def faketime_command(value: str, command: list[str], now: datetime | None = None) -> tuple[list[str], dict[str, str]]:
    """The argv and environment that run ``command`` with every clock moved to ``value``."""
    when = parse_clock(value, now)
    offset = round((when - (now or datetime.now(UTC))).total_seconds())
    env = {**os.environ, "FAKETIME_DONT_FAKE_MONOTONIC": "1"}
    if isinstance(when.tzinfo, ZoneInfo):
        env["TZ"] = when.tzinfo.key
    return ["faketime", "-f", f"{offset:+d}", *command], env


def main(argv: list[str]) -> int:
    """Run a command with the clock moved (replaces this process)."""
    if len(argv) < 3 or argv[1] != "--":
        print(USAGE, file=sys.stderr)
        return 2
    if shutil.which("faketime") is None:
        print("faketime is not installed: apt-get install faketime", file=sys.stderr)
        return 2
    args, env = faketime_command(argv[0], argv[2:])
    print(f"clock moved to {parse_clock(argv[0]).isoformat()} ({args[2]} s) for: {' '.join(argv[2:])}", flush=True)
    os.execvpe(args[0], args, env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
