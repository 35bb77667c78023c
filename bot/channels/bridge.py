"""The channel the Telegram bridge talks to (``/webhooks/telegram_bridge/webhook``).

Requests need the shared bridge token (header ``X-Privacybot-Bridge-Token``). Only the bridge may pass
an internal intent (``"internal": true``), e.g. a phone number it verified from a shared contact.
"""

from __future__ import annotations

import hmac
from typing import Any

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.limits import Gate
from bot.channels.rest import RestInput, channel_language

BRIDGE_TOKEN_HEADER = "X-Privacybot-Bridge-Token"
INTERNAL_BRIDGE_INTENTS = ("phone_verified",)


class TelegramBridgeInput(RestInput):
    """REST-like channel for the Telegram bridge process."""

    @classmethod
    def name(cls) -> str:
        return "telegram_bridge"

    def _authorised(self, req: Request) -> bool:
        from bot.settings import get_settings

        expected = get_settings().bridge_token()
        return hmac.compare_digest(req.headers.get(BRIDGE_TOKEN_HEADER, ""), expected)

    def _extract_message(self, req: Any) -> str | None:
        body = req.json or {}
        message = str(body.get("message") or "")
        if body.get("internal") is True and message.lstrip("/").split("{", 1)[0] in INTERNAL_BRIDGE_INTENTS:
            return message
        return super()._extract_message(req)

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        body = request.json or {}
        found = channel_language(body) or {}  # Telegram's language_code, sent as metadata.language
        if body.get("internal") is True and isinstance(body.get("metadata"), dict):
            found |= {k: str(v) for k, v in body["metadata"].items() if k in ("verified_phone", "telegram_user_id")}
        return found or None

    def refuse(self, request: Request, gate: Gate) -> HTTPResponse | None:
        """Only the bridge, with its token, may post; then the usual admission checks."""
        if not self._authorised(request):
            return response.json({"error": "missing or wrong bridge token"}, status=401)
        return super().refuse(request, gate)
