"""The REST channel (``/webhooks/rest/webhook``): admission checks, then verification codes screened out."""

from __future__ import annotations

import re
from typing import Any

from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.limits import Gate
from bot.verification.screening import Screening

LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?")


def client_address(request: Request) -> str:
    """The caller's address; behind the local load balancer, the one it forwarded."""
    peer = request.ip or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded and peer in ("127.0.0.1", "::1"):
        return forwarded.split(",")[-1].strip()
    return peer


def channel_language(body: dict[str, Any]) -> dict[str, str] | None:
    """``{"language": …}`` from a request's ``metadata`` (a short language code such as "de" or "en-GB"), or None."""
    metadata = body.get("metadata")
    code = metadata.get("language") if isinstance(metadata, dict) else None
    if isinstance(code, str) and LANGUAGE_CODE.fullmatch(code):
        return {"language": code}
    return None


class RestInput(RasaRestInput):
    """Rasa's REST channel; every message passes through :meth:`bot.verification.screening.Screening.screen`.

    Before that, a request must pass the channel's :class:`Gate`: a JSON object with a sender and a
    message of bounded size, within the per-sender and per-client message rates (413/400/429 otherwise).
    Of the metadata a client sends, only a language code reaches the conversation (:func:`channel_language`).
    """

    @classmethod
    def name(cls) -> str:
        return "rest"

    screening: Screening | None = None  # built with the blueprint, when the Rasa server starts

    def _extract_message(self, req: Any) -> str | None:
        assert self.screening is not None
        body = req.json or {}
        return self.screening.screen(str(body.get("sender") or ""), body.get("message"))

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        """Of the client's metadata, only the visitor's language setting (the widget's ``language``)."""
        return channel_language(request.json or {})

    def refuse(self, request: Request, gate: Gate) -> HTTPResponse | None:
        """The refusal of a POST that may not reach the assistant, or None."""
        refusal = gate.admit(request.body or b"", client_address(request))
        if refusal is None:
            return None
        headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else None
        return response.json({"error": refusal.error}, status=refusal.status, headers=headers)

    def blueprint(self, on_new_message: Any) -> Blueprint:
        from bot.settings import get_settings

        bp = super().blueprint(on_new_message)
        settings = get_settings()
        self.screening = Screening.for_settings(settings)
        gate = Gate(
            settings.messages_per_minute_per_sender,
            settings.messages_per_minute_per_client,
            settings.redis_url,
            settings.redis_key_prefix,
        )

        @bp.middleware("request")
        async def admit(request: Request) -> HTTPResponse | None:
            return self.refuse(request, gate) if request.method == "POST" else None

        return bp
