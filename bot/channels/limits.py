"""Admission checks for public channel requests: size, shape and rate (per sender, per client).

Every refusal is a 4xx with a JSON ``error`` the caller can show; nothing reaches Rasa's handler
that it could answer with a 500.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass

from bot.inputs import MAX_CHARS

MAX_BODY_BYTES = 16 * 1024
MAX_SENDER_CHARS = 128
WINDOW_SECONDS = 60.0
MAX_TRACKED_KEYS = 100_000


@dataclass(frozen=True)
class Refusal:
    """Why a request is not admitted: HTTP status, message, optional Retry-After seconds."""

    status: int
    error: str
    retry_after: int | None = None


class RateLimiter:
    """Fixed one-minute windows per key; thread-safe; memory bounded by ``MAX_TRACKED_KEYS``."""

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


def parse_message_body(body: bytes) -> tuple[dict[str, object] | None, Refusal | None]:
    """The request body as a dict with a usable ``sender`` and ``message``, or why it is refused."""
    if len(body) > MAX_BODY_BYTES:
        return None, Refusal(413, f"request body larger than {MAX_BODY_BYTES} bytes")
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
    if "metadata" in data and not isinstance(data["metadata"], dict | None):
        return None, Refusal(400, "'metadata' must be an object")
    return data, None


class Gate:
    """Admission for one channel: body checks, then the sender's and the client's rate."""

    def __init__(self, per_sender: int, per_client: int):
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
