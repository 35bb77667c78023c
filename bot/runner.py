"""The processes of the assistant and how `privacybot run` starts them."""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings
from bot.supervisor import ProcessSpec, Supervisor
from bot.training import CREDENTIALS_FILE, ENDPOINTS_FILE


def rasa_environment(settings: Settings) -> dict[str, str]:
    """Environment that bot/endpoints.yml reads."""
    return {
        "PRIVACYBOT_ACTION_URL": settings.action_url,
        "PRIVACYBOT_TRACKER_STORE_URL": settings.tracker_store_url,
    }


def rasa_server_spec(settings: Settings, model: Path, name: str = "rasa") -> ProcessSpec:
    """The Rasa server: REST and socket.io channels; HTTP API only with a token."""
    argv = [
        sys.executable,
        "-m",
        "rasa",
        "run",
        "--model",
        str(model),
        "--endpoints",
        str(ENDPOINTS_FILE),
        "--credentials",
        str(CREDENTIALS_FILE),
        "--interface",
        settings.host,
        "--port",
        str(settings.rasa_port),
        "--cors",
        *[o.strip() for o in settings.cors_origins.split(",") if o.strip()],
    ]
    if settings.rasa_api_token:
        argv += ["--enable-api", "--auth-token", settings.rasa_api_token]
    return ProcessSpec(name, argv, env=rasa_environment(settings), cwd=str(PROJECT_ROOT))


def action_server_spec(settings: Settings) -> ProcessSpec:
    """The Rasa SDK action server with the `actions` package."""
    argv = [
        sys.executable,
        "-m",
        "rasa_sdk",
        "--actions",
        "actions",
        "--port",
        str(settings.action_port),
    ]
    return ProcessSpec("actions", argv, cwd=str(PROJECT_ROOT))


def worker_spec(settings: Settings) -> ProcessSpec:
    """The worker: email outbox and DPO reminders."""
    return ProcessSpec("worker", [sys.executable, "-m", "bot.cli", "worker"], cwd=str(PROJECT_ROOT))


def widget_spec(settings: Settings) -> ProcessSpec:
    """The demo page with the chat widget."""
    return ProcessSpec("widget", [sys.executable, "-m", "bot.cli", "widget"], cwd=str(PROJECT_ROOT))


def telegram_spec(settings: Settings) -> ProcessSpec:
    """The Telegram bridge."""
    return ProcessSpec("telegram", [sys.executable, "-m", "bot.cli", "telegram"], cwd=str(PROJECT_ROOT))


def process_specs(settings: Settings, model: Path) -> list[ProcessSpec]:
    """Every process `privacybot run` supervises (Telegram only with a bot token)."""
    specs = [
        action_server_spec(settings),
        rasa_server_spec(settings, model),
        worker_spec(settings),
        widget_spec(settings),
    ]
    if settings.telegram_token.get_secret_value():
        specs.append(telegram_spec(settings))
    return specs


def wait_for_http(url: str, timeout: float, stop: Supervisor | None = None) -> bool:
    """Poll ``url`` until it answers 200 or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stop is not None and stop.stopping:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    return False


def announce_when_ready(settings: Settings, timeout: float = 300.0) -> Callable[[Supervisor], None]:
    """Return a callback that prints where to chat once the Rasa server answers."""

    def _announce(supervisor: Supervisor) -> None:
        started = time.monotonic()
        if wait_for_http(settings.rasa_url + "/", timeout, supervisor):
            webhook = f"{settings.rasa_url}/webhooks/rest/webhook"
            supervisor.say(f"ready after {time.monotonic() - started:.0f}s. Chat with the assistant:")
            supervisor.say(f"  in a browser: http://{settings.host}:{settings.widget_port}/")
            supervisor.say(
                f"  curl -s -XPOST {webhook} -H 'Content-Type: application/json' "
                '-d \'{"sender": "me", "message": "hello"}\''
            )
            supervisor.say("Press Ctrl-C to stop.")
        elif not supervisor.stopping:
            supervisor.say(f"the Rasa server did not answer within {timeout:.0f}s")

    return _announce
