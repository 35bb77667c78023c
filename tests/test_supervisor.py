"""The process supervisor with real child processes."""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
import time

from bot.runtime.supervisor import ProcessSpec, Supervisor

PY = sys.executable


def _spec(name: str, code: str) -> ProcessSpec:
    return ProcessSpec(name, [PY, "-c", code])


def wait_for_line(out: io.StringIO, line: str, timeout: float = 30) -> None:
    """Until the supervisor has passed on ``line`` (a child's ready line), at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not any(x.endswith(line) for x in out.getvalue().splitlines()):
        assert time.monotonic() < deadline, f"no line {line!r} within {timeout}s: {out.getvalue()!r}"
        time.sleep(0.02)


def test_crash_of_one_process_is_reported_and_stops_the_others() -> None:
    out = io.StringIO()
    sup = Supervisor(
        [
            _spec("sleeper", "import time; print('up', flush=True); time.sleep(60)"),
            _spec("crasher", "import sys, time; time.sleep(0.5); print('boom'); sys.exit(3)"),
        ],
        out=out,
        grace=5,
    )
    sup.start()
    started = time.monotonic()
    code = sup.wait()
    assert code == 3
    assert time.monotonic() - started < 15
    text = out.getvalue()
    assert "crasher exited unexpectedly with code 3" in text
    assert "crasher    | boom" in text or "crasher | boom" in text.replace("  ", " ")
    assert all(p.poll() is not None for p in sup.procs.values())


def test_clean_exit_of_a_process_still_counts_as_failure() -> None:
    sup = Supervisor(
        [_spec("quitter", "pass"), _spec("sleeper", "import time; time.sleep(60)")],
        out=io.StringIO(),
    )
    sup.start()
    assert sup.wait() == 1


def test_stop_request_terminates_everything_and_returns_zero() -> None:
    out = io.StringIO()
    sup = Supervisor(
        [_spec("a", "import time; time.sleep(60)"), _spec("b", "import time; time.sleep(60)")],
        out=out,
    )
    sup.start()
    threading.Timer(0.5, sup.request_stop).start()
    assert sup.wait() == 0
    assert all(p.poll() is not None for p in sup.procs.values())
    assert "all processes stopped" in out.getvalue()


def test_process_ignoring_sigterm_is_killed_after_grace() -> None:
    code = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
    )
    out = io.StringIO()
    sup = Supervisor([_spec("stubborn", code)], out=out, grace=1)
    sup.start()
    wait_for_line(out, "| ready")  # SIGTERM is ignored from here on
    sup.stop_all()
    assert sup.procs["stubborn"].poll() is not None
    assert "did not stop within 1s; killing it" in out.getvalue()


def test_names_must_be_unique() -> None:
    import pytest

    with pytest.raises(ValueError):
        Supervisor([_spec("x", "pass"), _spec("x", "pass")])


def test_replica_marked_restart_is_started_again_after_kill_9() -> None:
    out = io.StringIO()
    replica = ProcessSpec("replica", [PY, "-c", "import time; print('up', flush=True); time.sleep(60)"], restart=True)
    sup = Supervisor([replica, _spec("other", "import time; time.sleep(60)")], out=out, grace=5)
    sup.start()
    waiter = threading.Thread(target=sup.wait)
    waiter.start()
    first = sup.procs["replica"].pid
    wait_for_line(out, "| up")
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while sup.procs["replica"].pid == first and time.monotonic() < deadline:
        time.sleep(0.1)
    assert sup.procs["replica"].pid != first and sup.restarts("replica") == 1
    assert sup.procs["other"].poll() is None and not sup.stopping
    assert "replica exited with code -9; restarting it" in out.getvalue()
    sup.request_stop()
    waiter.join(timeout=15)
    assert all(p.poll() is not None for p in sup.procs.values())


def test_replica_that_keeps_crashing_stops_everything() -> None:
    out = io.StringIO()
    crasher = ProcessSpec("replica", [PY, "-c", "import sys; sys.exit(2)"], restart=True)
    sup = Supervisor([crasher, _spec("other", "import time; time.sleep(60)")], out=out, grace=5)
    sup.start()
    assert sup.wait(poll=0.05) == 2
    assert out.getvalue().count("restarting it") == 5
    assert "replica exited unexpectedly with code 2" in out.getvalue()
