"""The assistant on free localhost ports with email to a local SMTP server: for the tests and the benchmark."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from bot.settings import ENV_PREFIX, Settings


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def local_env(data_dir: Path, smtp_port: int, **overrides: str) -> dict[str, str]:
    """PRIVACYBOT_* variables for a local stack; ``overrides`` by setting name (``worker_interval="0.5"``)."""
    env = {
        "PRIVACYBOT_DATA_DIR": str(data_dir),
        "PRIVACYBOT_RASA_PORT": str(free_port()),
        "PRIVACYBOT_ACTION_PORT": str(free_port()),
        "PRIVACYBOT_WIDGET_PORT": str(free_port()),
        "PRIVACYBOT_CONSOLE_PORT": str(free_port()),
        "PRIVACYBOT_EMAIL_BACKEND": "smtp",
        "PRIVACYBOT_SMTP_HOST": "127.0.0.1",
        "PRIVACYBOT_SMTP_PORT": str(smtp_port),
        "PRIVACYBOT_SMTP_SECURITY": "none",
        "PRIVACYBOT_DPO_EMAIL": "dpo@example.org",
    }
    return env | {ENV_PREFIX + name.upper(): value for name, value in overrides.items()}


def settings_from_env(env: dict[str, str]) -> Settings:
    """The settings those variables describe (without touching this process's environment)."""
    values: dict[str, Any] = {k.removeprefix(ENV_PREFIX).lower(): v for k, v in env.items()}
    return Settings(**values)
