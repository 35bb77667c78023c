"""Shared fixtures: the trained model and the real Rasa + action servers on free ports."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests
import time_machine

from bot.clock import TEST_OFFSET_VARIABLE
from bot.devtools.training import train
from bot.runtime.local_stack import free_port, local_env, settings_from_env
from bot.runtime.runner import process_specs, rasa_server_spec, wait_for_http
from bot.runtime.scratch_db import scratch_database
from bot.runtime.supervisor import Supervisor
from bot.settings import PROJECT_ROOT, Settings
from tests.clock_shift import parse_clock

OUTPUT_DIR = PROJECT_ROOT / "test-output"
POSTGRES_ADMIN_URL = os.environ.get("PRIVACYBOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        metavar="INSTANT",
        help="run the whole session with the wall clock moved to INSTANT (time-machine, ticking): "
        "'2026-12-22T23:30 Europe/Berlin', '2027-03-28T01:30:00+01:00' or '+40d'. The servers the server tests "
        "start move their clocks by the same offset (PRIVACYBOT_TEST_CLOCK_OFFSET).",
    )


def pytest_configure(config: pytest.Config) -> None:
    value = config.getoption("--clock", None)
    if value:
        when = parse_clock(value)
        config.stash[_OFFSET] = (when - datetime.now(UTC)).total_seconds()
        traveller = time_machine.travel(when, tick=True)
        traveller.start()
        config.stash[_CLOCK] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_CLOCK, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    if config.stash.get(_CLOCK, None) is None:
        return None
    moved = datetime.now().astimezone().isoformat(timespec="seconds")
    return f"clock moved to {moved} (--clock {config.getoption('--clock')})"


_CLOCK = pytest.StashKey[time_machine.travel]()
_OFFSET = pytest.StashKey[float]()


def clock_offset_env(config: pytest.Config) -> dict[str, str]:
    """For servers started by a session with a moved clock: the variable that moves theirs alike."""
    offset = config.stash.get(_OFFSET, None)
    return {} if offset is None else {TEST_OFFSET_VARIABLE: f"{offset:.3f}"}


class ManualClock:
    """A clock (``bot.clock.Clock``) that stands still at ``at`` until the test moves it."""

    def __init__(self, at: datetime):
        if at.utcoffset() is None:
            raise ValueError("a clock needs an aware instant")
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def move(self, **delta: float) -> datetime:
        """Move on by ``timedelta(**delta)``; the new instant."""
        self.at += timedelta(**delta)
        return self.at


T = TypeVar("T")


def at_once(*calls: Callable[[], T]) -> list[T]:
    """Run ``calls`` at the same moment, one thread each; every call's result, in order.

    If any call raised, an exception group with every exception is raised, so no thread's failure is lost.
    """
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        barrier.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
    errors = [e for e in (f.exception() for f in futures) if e is not None]
    if errors:
        raise BaseExceptionGroup(f"{len(errors)} of {len(calls)} concurrent calls failed", errors)
    return [f.result() for f in futures]


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database for one test (dropped afterwards)."""
    with scratch_database(POSTGRES_ADMIN_URL) as url:
        yield url


@pytest.fixture(autouse=True)
def _no_settings_from_the_outside(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see only the settings they set themselves."""
    for key in list(os.environ):
        if key.startswith("PRIVACYBOT_"):
            monkeypatch.delenv(key)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty ticket database: SQLite (embedded) and PostgreSQL (production)."""
    from bot.db.sessions import upgrade

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tickets.db'}"
        upgrade(url)
        yield url
        return
    with postgres_database() as url:
        upgrade(url)
        yield url


@pytest.fixture
def settings_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Settings]:
    """Settings with a temporary data folder and the given overrides (as environment variables)."""

    def make(**overrides: Any) -> Settings:
        monkeypatch.setenv("PRIVACYBOT_DATA_DIR", str(tmp_path / "var"))
        for key, value in overrides.items():
            monkeypatch.setenv(f"PRIVACYBOT_{key.upper()}", str(value))
        return Settings()

    return make


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """Folder for logs and screenshots the tests leave behind."""
    OUTPUT_DIR.mkdir(exist_ok=True)
    return OUTPUT_DIR


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model for the current data (trained once, then reused from models/)."""
    path, _ = train(PROJECT_ROOT / "models")
    return path


@dataclass
class Servers:
    """The running assistant as the tests see it."""

    settings: Settings
    supervisor: Supervisor
    log: Path
    env: dict[str, str]

    @property
    def webhook(self) -> str:
        return f"{self.settings.rasa_url}/webhooks/rest/webhook"

    def conversation(self) -> Conversation:
        return Conversation(self, sender=f"test-{uuid.uuid4().hex[:12]}")


@dataclass
class Conversation:
    """One visitor talking to the assistant over the REST channel."""

    servers: Servers
    sender: str
    replies: list[list[dict[str, Any]]] = field(default_factory=list)

    def say(self, text: str) -> list[dict[str, Any]]:
        response = requests.post(self.servers.webhook, json={"sender": self.sender, "message": text}, timeout=60)
        response.raise_for_status()
        messages: list[dict[str, Any]] = response.json()
        self.replies.append(messages)
        return messages

    def say_text(self, text: str) -> str:
        """Send ``text``; the bot's reply texts joined by newlines."""
        return "\n".join(m.get("text", "") for m in self.say(text))


def buttons(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """All buttons offered in a reply."""
    return [b for m in messages for b in m.get("buttons", [])]


class Mailbox:
    """A real SMTP server (aiosmtpd) on localhost that keeps every message it receives.

    Messages to an address in ``refuse`` are answered with a temporary failure (kept in ``refused``).
    """

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()
        self.refused: list[EmailMessage] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)  # type: ignore[arg-type]
        if self.refuse.intersection(envelope.rcpt_tos):
            self.refused.append(message)
            return "451 4.3.0 Mailbox busy, try again later"
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]

    def wait_for(self, address: str, subject_part: str, count: int = 1, timeout: float = 30) -> list[EmailMessage]:
        """The messages to ``address`` whose subject contains ``subject_part``, once ``count`` arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in self.to(address) if subject_part in str(m["Subject"])]
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(
            f"no {count} message(s) '{subject_part}' for {address}; got {[m['Subject'] for m in self.messages]}"
        )

    def latest_code(self, address: str, count: int = 1) -> str:
        """The verification code in the ``count``-th code email to ``address``."""
        body = self.wait_for(address, "verification code", count)[count - 1].get_body(("plain",)).get_content()
        match = re.search(r"code is: (\d{6})", body)
        assert match, body
        return match.group(1)


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    """The SMTP server the assistant sends to in server tests."""
    box = Mailbox()
    box.controller.start()
    yield box
    box.controller.stop()


@pytest.fixture(scope="session")
def servers(
    trained_model: Path,
    tmp_path_factory: pytest.TempPathFactory,
    output_dir: Path,
    mailbox: Mailbox,
    pytestconfig: pytest.Config,
) -> Iterator[Servers]:
    """The action server, the Rasa server and the worker, started once per test run on free ports."""
    from bot.runtime.wiring import prepare

    env = local_env(
        tmp_path_factory.mktemp("var"),
        mailbox.port,
        worker_interval="0.5",
        code_cooldown_seconds="3",
        verification_secret="test-only-verification-secret",
        # every test talks from 127.0.0.1: the per-client limit is tested on its own (tests/test_channel_limits.py)
        messages_per_minute_per_client="100000",
    )
    settings = settings_from_env(env)
    env |= clock_offset_env(pytestconfig)  # with --clock, the servers' clocks move too
    prepare(settings)
    log = output_dir / "servers.log"
    with log.open("w", encoding="utf-8") as out:
        specs = [replace(spec, env={**spec.env, **env}) for spec in process_specs(settings, trained_model)]
        supervisor = Supervisor(specs, out=out)
        supervisor.start()
        try:
            ready = wait_for_http(settings.rasa_url + "/", timeout=300, stop=supervisor)
            ready = ready and wait_for_http(f"http://{settings.host}:{settings.action_port}/health", 60)
            ready = ready and wait_for_http(f"http://{settings.host}:{settings.widget_port}/", 60)
            if not ready:
                pytest.fail(f"servers did not start; see {log}")
            yield Servers(settings=settings, supervisor=supervisor, log=log, env=env)
        finally:
            supervisor.request_stop()
            supervisor.stop_all()


@dataclass
class LateRasa:
    """A Rasa server of its own, down until :meth:`start`: same model, action server and secrets as
    ``servers``, its own port, widget port and conversation store (so its conversations can be counted)."""

    settings: Settings
    env: dict[str, str]
    model: Path
    log: Path
    tracker_db: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        spec = rasa_server_spec(self.settings, self.model)
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                list(spec.argv),
                cwd=spec.cwd,
                env={**os.environ, **self.env, **spec.env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def user_messages(self, sender: str) -> list[str]:
        """What the Rasa server stored as said by ``sender``, in order (each delivery once)."""
        with sqlite3.connect(self.tracker_db) as db:
            rows = db.execute(
                "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (sender,)
            ).fetchall()
        return [json.loads(data)["text"] for (data,) in rows]


@pytest.fixture
def late_rasa(servers: Servers, trained_model: Path, tmp_path: Path, output_dir: Path) -> Iterator[LateRasa]:
    """A stopped Rasa server; the test starts it when it wants. Stopped again afterwards.

    Messages are kept for up to 300 s (the 60 s default is tested without a server in test_widget.py).
    """
    tracker_db = tmp_path / "late-tracker.db"
    env = {
        **servers.env,
        "PRIVACYBOT_RASA_PORT": str(free_port()),
        "PRIVACYBOT_WIDGET_PORT": str(free_port()),
        "PRIVACYBOT_TRACKER_STORE_URL": f"sqlite:///{tracker_db}",
        # the widget and the bridge keep a message up to 60 s by default; a start on a busy test machine
        # can take longer than the 40 s left after the tests' 20 s: the tests wait for the start, not the clock
        "PRIVACYBOT_DELIVERY_RETRY_SECONDS": "300",
    }
    late = LateRasa(settings_from_env(env), env, trained_model, output_dir / "late-rasa.log", tracker_db)
    try:
        yield late
    finally:
        late.stop()
