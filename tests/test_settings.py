"""Settings: safe defaults, validation that names the variable."""

from __future__ import annotations

import pytest

from bot.settings import ConfigError, EmailBackend, Profile, load_settings


def test_embedded_defaults_need_nothing_installed(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("PRIVACYBOT_DATA_DIR", str(tmp_path))
    s = load_settings()
    assert s.profile is Profile.embedded
    assert s.database_url == f"sqlite:///{tmp_path / 'privacybot.db'}"
    assert s.tracker_store_url == f"sqlite:///{tmp_path / 'tracker.db'}"
    assert s.email_backend is EmailBackend.file
    assert s.outbox_dir == tmp_path / "outbox"
    assert s.telegram_token.get_secret_value() == ""
    assert s.action_url == "http://127.0.0.1:5055/webhook"


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("PRIVACYBOT_RASA_PORT", "eighty", "PRIVACYBOT_RASA_PORT"),
        ("PRIVACYBOT_RASA_PORT", "70000", "PRIVACYBOT_RASA_PORT"),
        ("PRIVACYBOT_CONTROLLER_TIMEZONE", "Mars/Olympus", "PRIVACYBOT_CONTROLLER_TIMEZONE"),
        ("PRIVACYBOT_EMAIL_BACKEND", "pigeon", "PRIVACYBOT_EMAIL_BACKEND"),
        ("PRIVACYBOT_DATABASE_URL", "just-a-file.db", "PRIVACYBOT_DATABASE_URL"),
        ("PRIVACYBOT_LOG_LEVEL", "chatty", "PRIVACYBOT_LOG_LEVEL"),
    ],
)
def test_invalid_value_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    message = str(err.value)
    assert fragment in message
    assert "\n" not in message


def test_same_port_twice_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVACYBOT_RASA_PORT", "6000")
    monkeypatch.setenv("PRIVACYBOT_ACTION_PORT", "6000")
    with pytest.raises(ConfigError, match="PRIVACYBOT_ACTION_PORT"):
        load_settings()
