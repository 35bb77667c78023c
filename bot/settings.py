"""Typed, validated configuration from environment variables (prefix ``PRIVACYBOT_``) and ``.env``.

The embedded defaults need nothing installed: SQLite files under ``var/``, email written to
``var/outbox/``, Telegram off. Every variable is listed in README's configuration table.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import secrets
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.jurisdiction import Jurisdiction

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "PRIVACYBOT_"

Port = Annotated[int, Field(ge=1, le=65535)]


class Profile(StrEnum):
    """Deployment profile: embedded (SQLite, file outbox) or production (PostgreSQL, Redis, SMTP)."""

    embedded = "embedded"
    production = "production"


class EmailBackend(StrEnum):
    """Where outgoing email goes."""

    file = "file"
    smtp = "smtp"


class SmtpSecurity(StrEnum):
    """How the SMTP connection is protected."""

    none = "none"
    starttls = "starttls"
    tls = "tls"


class ConfigError(Exception):
    """Invalid configuration; the message names the variable."""


class Settings(BaseSettings):
    """All settings of the assistant's processes."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
    )

    profile: Profile = Profile.embedded
    data_dir: Path = PROJECT_ROOT / "var"
    model_dir: Path = PROJECT_ROOT / "models"

    host: str = "127.0.0.1"
    rasa_port: Port = 5005
    action_port: Port = 5055
    action_server_url: str = ""
    widget_port: Port = 8080
    widget_color: str = "#1d4ed8"
    console_port: Port = 8090
    console_public_url: str = ""
    console_upload_limit_mb: Annotated[int, Field(ge=1, le=1024)] = 25
    public_rasa_url: str = ""
    cors_origins: str = ""

    database_url: str = ""
    tracker_store_url: str = ""
    redis_url: str = ""
    redis_key_prefix: str = "privacybot"
    rasa_api_token: SecretStr = SecretStr("")
    action_token: SecretStr = SecretStr("")

    email_backend: EmailBackend = EmailBackend.file
    email_sender: str = "privacy-assistant@localhost"
    dpo_email: str = "dpo@localhost"
    dpo_language: str = "en"
    smtp_host: str = "localhost"
    smtp_port: Port = 587
    smtp_security: SmtpSecurity = SmtpSecurity.starttls
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")

    verification_secret: SecretStr = SecretStr("")
    verification_old_secrets: SecretStr = SecretStr("")
    code_lifetime_seconds: Annotated[int, Field(ge=60, le=3600)] = 600
    code_cooldown_seconds: Annotated[int, Field(ge=0, le=3600)] = 60
    code_max_attempts: Annotated[int, Field(ge=1, le=10)] = 5
    codes_per_address_per_hour: Annotated[int, Field(ge=1, le=20)] = 3
    codes_per_conversation_per_hour: Annotated[int, Field(ge=1, le=20)] = 5

    messages_per_minute_per_sender: Annotated[int, Field(ge=1, le=100_000)] = 30
    messages_per_minute_per_client: Annotated[int, Field(ge=1, le=1_000_000)] = 300
    delivery_retry_seconds: Annotated[int, Field(ge=0, le=600)] = 60

    tracker_retention_days: Annotated[int, Field(ge=1, le=3650)] = 30
    ticket_retention_days: Annotated[int, Field(ge=30, le=7300)] = 1095

    reminder_days: str = "7,2"
    digest_hour: Annotated[int, Field(ge=0, le=23)] = 8
    worker_interval: Annotated[float, Field(ge=0.2, le=3600)] = 30.0

    telegram_token: SecretStr = SecretStr("")
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str = ""
    telegram_webhook_secret: SecretStr = SecretStr("")
    telegram_webhook_port: Port = 8443
    bridge_secret: SecretStr = SecretStr("")

    controller_name: str = "aiconix.ai GmbH"
    controller_timezone: str = "Europe/Berlin"
    controller_country: str = "DE"
    controller_region: str = "HH"
    notice_url_de: str = ""  # the binding German privacy notice, linked from German answers quoting the English one

    log_level: str = "INFO"

    @field_validator("controller_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
        return level

    @field_validator("widget_color")
    @classmethod
    def _colour(cls, value: str) -> str:
        if not re.fullmatch(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?", value):
            raise ValueError("must be a hex colour such as #1d4ed8")
        return value

    @field_validator("email_sender", "dpo_email")
    @classmethod
    def _address(cls, value: str) -> str:
        from bot.addresses import InvalidAddress, normalise_address

        try:
            return normalise_address(value)
        except InvalidAddress as exc:
            raise ValueError(str(exc)) from None

    @field_validator("dpo_language")
    @classmethod
    def _dpo_language(cls, value: str) -> str:
        language = value.strip().lower()
        if language not in ("en", "de"):
            raise ValueError(f"the DPO's emails can be written in en (English) or de (German), not {value!r}")
        return language

    @field_validator("reminder_days")
    @classmethod
    def _offsets(cls, value: str) -> str:
        try:
            days = [int(x) for x in value.split(",") if x.strip()]
        except ValueError:
            raise ValueError("must be whole numbers of days separated by commas, e.g. 7,2") from None
        if any(d < 1 or d > 60 for d in days):
            raise ValueError("each reminder offset must be between 1 and 60 days")
        return ",".join(str(d) for d in sorted(set(days), reverse=True))

    @property
    def reminder_offsets(self) -> list[int]:
        """Days before the due date at which the DPO is reminded, largest first."""
        return [int(x) for x in self.reminder_days.split(",") if x]

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str) -> str:
        if value and not re.fullmatch(r"redis://[^\s/]+(?:/\d{1,2})?", value):
            raise ValueError("must be a Redis URL such as redis://127.0.0.1:6379/1")
        return value

    @field_validator("redis_key_prefix")
    @classmethod
    def _key_prefix(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9]{1,40}", value):
            raise ValueError("must be 1-40 letters or digits (Rasa's lock store allows no other characters)")
        return value

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        """Exact origins only: Rasa's CORS layer reads "*" or regex characters as patterns and would then
        answer any site's browser (with credentials)."""
        origins = [o.strip() for o in value.split(",") if o.strip()]
        for origin in origins:
            if not re.fullmatch(r"https?://(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:]+\])(?::\d{1,5})?", origin):
                raise ValueError(
                    f"{origin!r} is not an origin; list exact origins such as https://www.example.com (no * or paths)"
                )
        return ",".join(origins)

    @field_validator("database_url", "tracker_store_url")
    @classmethod
    def _sqlalchemy_url(cls, value: str) -> str:
        if value and "://" not in value:
            raise ValueError("must be an SQLAlchemy URL such as sqlite:///var/x.db")
        return value

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        self.data_dir = self.data_dir.resolve()
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'privacybot.db'}"
        if not self.tracker_store_url:
            self.tracker_store_url = f"sqlite:///{self.data_dir / 'tracker.db'}"
        if len({self.rasa_port, self.action_port, self.widget_port, self.console_port}) < 4:
            raise ValueError(
                "PRIVACYBOT_RASA_PORT, PRIVACYBOT_ACTION_PORT, PRIVACYBOT_WIDGET_PORT and PRIVACYBOT_CONSOLE_PORT "
                "must differ"
            )
        if not self.console_public_url:
            self.console_public_url = f"http://{self.host}:{self.console_port}"
        if not self.public_rasa_url:
            self.public_rasa_url = f"http://{self.host}:{self.rasa_port}"
        if not self.cors_origins:
            self.cors_origins = f"http://localhost:{self.widget_port},http://127.0.0.1:{self.widget_port}"
        if self.profile is Profile.production:
            problems = production_problems(self)
            if problems:
                raise ValueError("the production profile refuses to start: " + "; ".join(problems))
        return self

    @property
    def jurisdiction(self) -> Jurisdiction:
        """The controller's time zone and public holidays, for deadlines."""
        return Jurisdiction(self.controller_timezone, self.controller_country, self.controller_region or None)

    def verification_keys(self) -> dict[str, bytes]:
        """HMAC keys by id, the current one first. Old secrets still check codes issued under them.

        Without PRIVACYBOT_VERIFICATION_SECRET (embedded profile), a random key is created once in
        ``<data dir>/secrets/verification.key`` (mode 0600); it is never part of the repository.
        """
        current = self.verification_secret.get_secret_value()
        if not current:
            current = _local_secret(self.data_dir / "secrets" / "verification.key")
        secrets_ = [current] + [x for x in self.verification_old_secrets.get_secret_value().split(",") if x]
        return {hashlib.sha256(x.encode()).hexdigest()[:12]: x.encode() for x in secrets_}

    def action_server_token(self) -> str:
        """Shared secret the Rasa server sends to the action server (generated locally if unset)."""
        return self.action_token.get_secret_value() or _local_secret(self.data_dir / "secrets" / "action.token")

    def bridge_token(self) -> str:
        """Shared secret between the Telegram bridge and the Rasa server (generated locally if unset)."""
        return self.bridge_secret.get_secret_value() or _local_secret(self.data_dir / "secrets" / "bridge.token")

    @property
    def outbox_dir(self) -> Path:
        """Folder of the file email backend."""
        return self.data_dir / "outbox"

    @property
    def action_url(self) -> str:
        """Where the Rasa server finds the action server (another host in containers)."""
        return self.action_server_url or f"http://{self.host}:{self.action_port}/webhook"

    @property
    def rasa_url(self) -> str:
        """Base URL of the Rasa server."""
        return f"http://{self.host}:{self.rasa_port}"


PLACEHOLDER_WORDS = ("change", "placeholder", "example", "secret", "password", "default", "xxx", "todo", "dummy")
MIN_SECRET_LENGTH = 32


def weak_secret(value: str) -> str | None:
    """Why ``value`` is not a usable secret, or None if it is."""
    if len(value) < MIN_SECRET_LENGTH:
        return f"is shorter than {MIN_SECRET_LENGTH} characters"
    lowered = value.lower()
    if any(word in lowered for word in PLACEHOLDER_WORDS) or len(set(value)) < 10:
        return "looks like a placeholder"
    return None


def production_problems(settings: Settings) -> list[str]:
    """Values the production profile refuses, each naming its variable."""
    problems = []
    for name in ("database_url", "tracker_store_url"):
        if not getattr(settings, name).startswith("postgresql"):
            problems.append(f"{ENV_PREFIX}{name.upper()} must be a postgresql:// URL, not SQLite")
    if not settings.redis_url:
        problems.append(f"{ENV_PREFIX}REDIS_URL must name the Redis server for Rasa's lock store")
    if settings.email_backend is not EmailBackend.smtp:
        problems.append(f"{ENV_PREFIX}EMAIL_BACKEND must be smtp, not a file outbox")
    if settings.log_level == "DEBUG":
        problems.append(f"{ENV_PREFIX}LOG_LEVEL must not be DEBUG (debug logs carry conversation content)")
    required = {
        "verification_secret": True,
        "action_token": True,
        "bridge_secret": bool(settings.telegram_token.get_secret_value()),
        "telegram_webhook_secret": bool(settings.telegram_webhook_url),
        "rasa_api_token": False,
        "verification_old_secrets": False,
    }
    for name, needed in required.items():
        value = getattr(settings, name).get_secret_value()
        if not value and not needed:
            continue
        for part in value.split(",") if name == "verification_old_secrets" else [value]:
            reason = "is not set" if not part else weak_secret(part)
            if reason:
                problems.append(f"{ENV_PREFIX}{name.upper()} {reason}")
                break
    return problems


def _local_secret(path: Path) -> str:
    """A random secret kept in ``path`` (0600), created once; safe when processes race to create it."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)  # fails if another process won the race: then its key is used
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        loc = [str(p) for p in item["loc"] if p != "__root__"]
        name = ENV_PREFIX + loc[0].upper() if loc else "configuration"
        msg = item["msg"].removeprefix("Value error, ")
        parts.append(f"{name}: {msg}")
    return "; ".join(parts)


def load_settings() -> Settings:
    """Read and validate the settings; raise ConfigError naming the variable on bad values.

    Secrets may also come from files in ``PRIVACYBOT_SECRETS_DIR`` (e.g. Docker's /run/secrets), one
    file per setting named like its variable in lower case: ``privacybot_verification_secret``.
    Environment variables win over files.
    """
    secrets_dir = os.environ.get(ENV_PREFIX + "SECRETS_DIR")
    if secrets_dir and not Path(secrets_dir).is_dir():
        raise ConfigError(f"invalid configuration: {ENV_PREFIX}SECRETS_DIR: {secrets_dir} is not a folder")
    try:
        return Settings(_secrets_dir=secrets_dir)
    except ValidationError as exc:
        raise ConfigError(f"invalid configuration: {_describe(exc)}") from None


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return load_settings()
