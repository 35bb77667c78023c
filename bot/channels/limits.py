"""Admission checks for public channel requests: size, shape and rate (per sender, per client).

Rates are counted in Redis when one is configured (shared by all replicas), else in the process.

Every refusal is a 4xx with a JSON ``error`` the caller can show; nothing reaches Rasa's handler
that it could answer with a 500.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

from bot.clock import Clock, system_clock
from bot.inputs import MAX_CHARS

MESSAGE_MAX_BYTES = 16 * 1024
MAX_SENDER_CHARS = 128
WINDOW_SECONDS = 60.0
MAX_TRACKED_KEYS = 100_000
LANGUAGE_TAG_RE = re.compile(r"[A-Za-z_-]{1,16}")  # metadata.language: 'de', 'en', 'de-AT', 'pt_BR'

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    """Why a request is not admitted: HTTP status, message, optional Retry-After seconds."""

    status: int
    error: str
    retry_after: int | None = None


class Limiter(Protocol):
    """Counts messages per key and minute."""

    def allow(self, key: str, now: float | None = None) -> int | None:
        """None if ``key`` may go on; otherwise seconds until its window resets."""


class RateLimiter:
    """Fixed one-minute windows per key, in this process; thread-safe; memory bounded by ``MAX_TRACKED_KEYS``."""

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> int | None:
        """None if ``key`` may go on; otherwise seconds until its window resets."""
        now = time.monotonic() if now is None else now
        with self._lock:
            start, count = self._windows.get(key, (now, 0))
            if now - start >= WINDOW_SECONDS:
                start, count = now, 0
            if count >= self.per_minute:
                return max(1, int(WINDOW_SECONDS - (now - start)) + 1)
            if len(self._windows) >= MAX_TRACKED_KEYS and key not in self._windows:
                self._prune(now)
            self._windows[key] = (start, count + 1)
            return None

    def _prune(self, now: float) -> None:
        expired = [k for k, (start, _) in self._windows.items() if now - start >= WINDOW_SECONDS]
        for key in expired or list(self._windows)[: MAX_TRACKED_KEYS // 10]:
            del self._windows[key]


class SharedRateLimiter:
    """Fixed one-minute windows per key in Redis, shared by every replica.

    Keys are stored as hashes (no sender id or address in Redis) and expire with their window. If
    Redis cannot be reached, this process's own counter takes over, so a Redis outage never blocks chat.
    Windows are minutes of the wall clock (``clock``), the same on every replica.
    """

    def __init__(self, client: Any, name: str, per_minute: int, prefix: str, clock: Clock = system_clock):
        self.client = client
        self.clock = clock
        self.name = name
        self.per_minute = per_minute
        self.prefix = prefix
        self.fallback = RateLimiter(per_minute)

    def allow(self, key: str, now: float | None = None) -> int | None:
        """None if ``key`` may go on; otherwise seconds until its window resets."""
        import redis

        now = self.clock().timestamp() if now is None else now
        window = int(now // WINDOW_SECONDS)
        digest = hashlib.sha256(key.encode()).hexdigest()[:24]
        redis_key = f"{self.prefix}:rate:{self.name}:{window}:{digest}"
        try:
            pipe = self.client.pipeline()
            pipe.incr(redis_key)
            pipe.expire(redis_key, int(WINDOW_SECONDS) + 1)
            count = int(pipe.execute()[0])
        except redis.RedisError as exc:
            log.warning("rate limit store unreachable (%s); counting in this process", type(exc).__name__)
            return self.fallback.allow(key)
        if count > self.per_minute:
            return max(1, int(WINDOW_SECONDS - now % WINDOW_SECONDS) + 1)
        return None


def parse_message_body(body: bytes) -> tuple[dict[str, object] | None, Refusal | None]:
    """The request body as a dict with a usable ``sender`` and ``message``, or why it is refused."""
    if len(body) > MESSAGE_MAX_BYTES:
        return None, Refusal(413, f"request body larger than {MESSAGE_MAX_BYTES} bytes")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None, Refusal(400, "body must be JSON in UTF-8")
    if not isinstance(data, dict):
        return None, Refusal(400, 'body must be a JSON object like {"sender": "...", "message": "..."}')
    sender, message = data.get("sender"), data.get("message")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        return None, Refusal(400, f"'sender' must be a non-empty string of at most {MAX_SENDER_CHARS} characters")
    if not sender.isprintable():
        return None, Refusal(400, "'sender' must not contain control characters")
    if not isinstance(message, str):
        return None, Refusal(400, "'message' must be a string")
    if len(message.strip()) > MAX_CHARS:
        return None, Refusal(413, f"messages are limited to {MAX_CHARS} characters")
    metadata = data.get("metadata")
    if "metadata" in data and not isinstance(metadata, dict | None):
        return None, Refusal(400, "'metadata' must be an object")
    if isinstance(metadata, dict) and "language" in metadata and not language_tag(metadata["language"]):
        return None, Refusal(
            400, "'metadata.language' must be a language code such as \"de\" (at most 16 letters, - or _)"
        )
    return data, None


def language_tag(value: object) -> str | None:
    """``value`` if it is a short language code the assistant may be told ('de', 'en-GB'), else None."""
    return value if isinstance(value, str) and LANGUAGE_TAG_RE.fullmatch(value) else None


class Gate:
    """Admission for one channel: body checks, then the sender's and the client's rate."""

    def __init__(
        self,
        per_sender: int,
        per_client: int,
        redis_url: str = "",
        prefix: str = "privacybot",
        clock: Clock = system_clock,
    ):
        self.senders: Limiter
        self.clients: Limiter
        if redis_url:
            import redis

            client = redis.Redis.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
            self.senders = SharedRateLimiter(client, "sender", per_sender, prefix, clock)
            self.clients = SharedRateLimiter(client, "client", per_client, prefix, clock)
        else:
            self.senders = RateLimiter(per_sender)
            self.clients = RateLimiter(per_client)

    def admit(self, body: bytes, client: str) -> Refusal | None:
        """None if the request may reach the assistant."""
        data, refusal = parse_message_body(body)
        if refusal is not None or data is None:
            return refusal
        for limiter, key, who in ((self.clients, client, "address"), (self.senders, str(data["sender"]), "chat")):
            wait = limiter.allow(key)
            if wait is not None:
                return Refusal(429, f"too many messages from this {who}; please wait {wait} seconds", wait)
        return None
