"""The action server: Rasa SDK's app serving ``actions``, reachable only with the shared token.

Rasa sends the token in the ``X-Privacybot-Action-Token`` header (``bot/endpoints.yml``); any other
caller gets 401. The server binds to ``PRIVACYBOT_HOST`` (loopback by default), so it is internal.
"""

from __future__ import annotations

import hmac

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json

from bot.logs import configure_logging
from bot.settings import Settings

TOKEN_HEADER = "X-Privacybot-Action-Token"
OPEN_PATHS = frozenset({"/health"})


def create_app(settings: Settings) -> Sanic:
    """Rasa SDK's action app with a token check in front of every route but /health."""
    from rasa_sdk.endpoint import create_app as create_sdk_app

    app = create_sdk_app("actions", cors_origins=None)
    token = settings.action_server_token().encode()

    async def check_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get(TOKEN_HEADER, "").encode()
        if not hmac.compare_digest(given, token):
            return json({"error": "missing or wrong action server token"}, status=401)
        return None

    app.register_middleware(check_token, "request")
    return app


def serve(settings: Settings) -> None:
    """Run the action server on ``settings.host:settings.action_port`` in this process."""
    configure_logging(settings.log_level)
    app = create_app(settings)
    app.run(settings.host, settings.action_port, workers=1, access_log=False)
