"""Shared fixtures: the trained model and the real Rasa + action servers on free ports."""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.local_stack import free_port, local_env, settings_from_env
from bot.runner import process_specs, wait_for_http
from bot.scratch_db import scratch_database
from bot.settings import PROJECT_ROOT, Settings
from bot.supervisor import Supervisor
from bot.training import train

OUTPUT_DIR = PROJECT_ROOT / "test-output"
POSTGRES_ADMIN_URL = os.environ.get("PRIVACYBOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


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
    from bot.tickets.db import upgrade

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
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory, output_dir: Path, mailbox: Mailbox
) -> Iterator[Servers]:
    """The action server, the Rasa server and the worker, started once per test run on free ports."""
    from bot.services import prepare

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
