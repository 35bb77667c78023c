"""A small process supervisor: starts named processes, prefixes their output, stops them together.

When one process exits on its own, the supervisor says which one and with what code, stops the
others and returns a non-zero exit code: a crash is reported, never hidden. A process marked
``restart`` (a replica behind the load balancer) is started again instead, unless it keeps crashing
(more than ``MAX_RESTARTS`` within ``RESTART_WINDOW`` seconds). SIGINT/SIGTERM stop everything cleanly
(SIGTERM to each process group, SIGKILL after a grace period).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TextIO


@dataclass(frozen=True)
class ProcessSpec:
    """A process to run: its name (used as output prefix), command line and extra environment."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] = field(default_factory=dict)
    cwd: str | None = None
    restart: bool = False


MAX_RESTARTS = 5
RESTART_WINDOW = 60.0


class Supervisor:
    """Runs a set of processes as one unit."""

    def __init__(self, specs: Sequence[ProcessSpec], out: TextIO | None = None, grace: float = 10.0):
        if len({s.name for s in specs}) != len(specs):
            raise ValueError("process names must be unique")
        self.specs = list(specs)
        self.out = out or sys.stdout
        self.grace = grace
        self.procs: dict[str, subprocess.Popen[str]] = {}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._readers: list[threading.Thread] = []
        self._restarts: dict[str, list[float]] = {s.name: [] for s in specs}
        self._width = max([len("supervisor")] + [len(s.name) for s in specs])
        self._prefix = {s.name: s.name.ljust(self._width) + " | " for s in specs}

    def say(self, line: str) -> None:
        """Print one supervisor line."""
        self._write("supervisor".ljust(self._width) + " | " + line)

    def _write(self, text: str) -> None:
        with self._lock:
            self.out.write(text.rstrip("\n") + "\n")
            self.out.flush()

    def _pump(self, name: str, stream: TextIO) -> None:
        for line in iter(stream.readline, ""):
            self._write(self._prefix[name] + line)
        stream.close()

    def start(self) -> None:
        """Start every process in its own process group."""
        for spec in self.specs:
            self._spawn(spec)

    def _spawn(self, spec: ProcessSpec) -> None:
        env = {**os.environ, **spec.env, "PYTHONUNBUFFERED": "1"}
        proc = subprocess.Popen(
            list(spec.argv),
            cwd=spec.cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        self.procs[spec.name] = proc
        assert proc.stdout is not None
        reader = threading.Thread(target=self._pump, args=(spec.name, proc.stdout), daemon=True)
        reader.start()
        self._readers.append(reader)
        self.say(f"started {spec.name} (pid {proc.pid})")

    def _may_restart(self, spec: ProcessSpec) -> bool:
        if not spec.restart:
            return False
        now = time.monotonic()
        recent = [t for t in self._restarts[spec.name] if now - t < RESTART_WINDOW] + [now]
        self._restarts[spec.name] = recent
        return len(recent) <= MAX_RESTARTS

    def restarts(self, name: str) -> int:
        """How often ``name`` was restarted within the last restart window."""
        return len(self._restarts[name])

    @property
    def stopping(self) -> bool:
        """True once a stop was requested or a process exited."""
        return self._stop.is_set()

    def request_stop(self) -> None:
        """Ask wait() to stop everything (thread- and signal-safe)."""
        self._stop.set()

    def wait(self, poll: float = 0.2) -> int:
        """Block until a process exits or a stop is requested; stop all; return the exit code."""
        code = 0
        while not self._stop.is_set():
            for spec in self.specs:
                rc = self.procs[spec.name].poll()
                if rc is None:
                    continue
                if self._may_restart(spec):
                    self.say(f"{spec.name} exited with code {rc}; restarting it")
                    self._spawn(spec)
                    continue
                self.say(f"{spec.name} exited unexpectedly with code {rc}; stopping the others")
                code = rc or 1
                self._stop.set()
                break
            self._stop.wait(poll)
        self.stop_all()
        return code

    def stop_all(self) -> None:
        """SIGTERM every running process group, then SIGKILL what outlives the grace period."""
        for proc in self.procs.values():
            if proc.poll() is None:
                _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for name, proc in self.procs.items():
            try:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"{name} did not stop within {self.grace:.0f}s; killing it")
                _signal_group(proc, signal.SIGKILL)
                proc.wait()
        for reader in self._readers:
            reader.join(timeout=2)
        self.say("all processes stopped")

    def run(self, on_started: Callable[[Supervisor], None] | None = None) -> int:
        """Start, install SIGINT/SIGTERM handlers, run ``on_started`` in a thread, wait; exit code."""
        previous = {sig: signal.signal(sig, lambda *_: self.request_stop()) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.start()
            if on_started is not None:
                threading.Thread(target=on_started, args=(self,), daemon=True).start()
            return self.wait()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def _signal_group(proc: subprocess.Popen[str], sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
