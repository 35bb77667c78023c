"""The REST channel (``/webhooks/rest/webhook``), with verification codes screened out."""

from __future__ import annotations

from typing import Any

from rasa.core.channels.rest import RestInput as RasaRestInput


class RestInput(RasaRestInput):
    """Rasa's REST channel; every message passes through :func:`bot.channels.screening.screen`."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def _extract_message(self, req: Any) -> str | None:
        from bot.channels.screening import screen

        body = req.json or {}
        return screen(str(body.get("sender") or ""), body.get("message"))
