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


STRONG = "a3f9c2e81b7d4065f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5"
SAFE_PRODUCTION = {
    "PRIVACYBOT_PROFILE": "production",
    "PRIVACYBOT_DATABASE_URL": "postgresql://privacybot@db/tickets",
    "PRIVACYBOT_TRACKER_STORE_URL": "postgresql://privacybot@db/conversations",
    "PRIVACYBOT_REDIS_URL": "redis://redis:6379/1",
    "PRIVACYBOT_EMAIL_BACKEND": "smtp",
    "PRIVACYBOT_VERIFICATION_SECRET": STRONG,
    "PRIVACYBOT_ACTION_TOKEN": STRONG[::-1],
}


def test_production_profile_starts_with_safe_values(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in SAFE_PRODUCTION.items():
        monkeypatch.setenv(key, value)
    assert load_settings().profile is Profile.production


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("PRIVACYBOT_DATABASE_URL", "sqlite:///var/privacybot.db", "PRIVACYBOT_DATABASE_URL must be a postgresql"),
        ("PRIVACYBOT_TRACKER_STORE_URL", "", "PRIVACYBOT_TRACKER_STORE_URL must be a postgresql"),
        ("PRIVACYBOT_REDIS_URL", "", "PRIVACYBOT_REDIS_URL must name the Redis server"),
        ("PRIVACYBOT_EMAIL_BACKEND", "file", "PRIVACYBOT_EMAIL_BACKEND must be smtp"),
        ("PRIVACYBOT_LOG_LEVEL", "debug", "PRIVACYBOT_LOG_LEVEL must not be DEBUG"),
        ("PRIVACYBOT_VERIFICATION_SECRET", "", "PRIVACYBOT_VERIFICATION_SECRET is not set"),
        ("PRIVACYBOT_VERIFICATION_SECRET", "short", "PRIVACYBOT_VERIFICATION_SECRET is shorter than 32"),
        ("PRIVACYBOT_VERIFICATION_SECRET", "change-me-please-change-me-please-123", "looks like a placeholder"),
        ("PRIVACYBOT_ACTION_TOKEN", "x" * 40, "PRIVACYBOT_ACTION_TOKEN looks like a placeholder"),
        ("PRIVACYBOT_RASA_API_TOKEN", "your-secret-token-goes-here-0123456789", "PRIVACYBOT_RASA_API_TOKEN"),
        ("PRIVACYBOT_VERIFICATION_OLD_SECRETS", f"{STRONG},old", "PRIVACYBOT_VERIFICATION_OLD_SECRETS is shorter"),
        ("PRIVACYBOT_TELEGRAM_TOKEN", "123:abc", "PRIVACYBOT_BRIDGE_SECRET is not set"),
    ],
)
def test_production_profile_refuses_unsafe_values_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, fragment: str
) -> None:
    for key, safe in SAFE_PRODUCTION.items():
        monkeypatch.setenv(key, safe)
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert fragment in str(err.value) and "\n" not in str(err.value)
    assert "refuses to start" in str(err.value)


def test_secrets_come_from_a_secrets_folder_and_the_environment_wins(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    (tmp_path / "privacybot_verification_secret").write_text(STRONG)
    (tmp_path / "privacybot_action_token").write_text("from-the-file")
    monkeypatch.setenv("PRIVACYBOT_SECRETS_DIR", str(tmp_path))
    monkeypatch.setenv("PRIVACYBOT_ACTION_TOKEN", "from-the-environment")
    s = load_settings()
    assert s.verification_secret.get_secret_value() == STRONG
    assert s.action_token.get_secret_value() == "from-the-environment"
    assert STRONG not in repr(s)  # secrets never print


def test_missing_secrets_folder_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setenv("PRIVACYBOT_SECRETS_DIR", str(tmp_path / "nope"))
    with pytest.raises(ConfigError, match="PRIVACYBOT_SECRETS_DIR"):
        load_settings()


@pytest.mark.parametrize(
    ("variable", "value"),
    [("PRIVACYBOT_REDIS_URL", "http://redis"), ("PRIVACYBOT_REDIS_KEY_PREFIX", "has-dash")],
)
def test_redis_settings_are_checked(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=variable):
        load_settings()


@pytest.mark.parametrize(
    "value", ["*", "https://*.example.com", "https://www.example.com/", "www.example.com", "https://a.example,*"]
)
def test_cors_origins_must_be_exact_origins(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """A wildcard or pattern would make Rasa's CORS layer answer any site's browser."""
    monkeypatch.setenv("PRIVACYBOT_CORS_ORIGINS", value)
    with pytest.raises(ConfigError, match=r"PRIVACYBOT_CORS_ORIGINS.*not an origin"):
        load_settings()


def test_cors_origins_are_kept_as_listed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVACYBOT_CORS_ORIGINS", " https://www.example.com , http://[::1]:8080,")
    assert load_settings().cors_origins == "https://www.example.com,http://[::1]:8080"
