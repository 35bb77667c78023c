"""The action server: Rasa SDK's app serving ``actions``, reachable only with the shared token.

Rasa sends the token in the ``X-Privacybot-Action-Token`` header (``bot/endpoints.yml``); any other
caller gets 401. The server binds to ``PRIVACYBOT_HOST`` (loopback by default), so it is internal.
When an action fails, the 500 names the action only: the SDK's own handler echoed the whole request,
i.e. the conversation, which Rasa then carries in its exception text.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from sanic import Sanic
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse, json

from bot.dialogue.wiring import install
from bot.logs import configure_logging
from bot.runtime.wiring import dialogue_services
from bot.settings import Settings

ACTION_TOKEN_HEADER = "X-Privacybot-Action-Token"
OPEN_PATHS = frozenset({"/health"})
logger = logging.getLogger(__name__)


async def failed_action(request: Request, exception: Exception) -> HTTPResponse:
    """500 for an action that raised: which action and what kind of error, never the request's content."""
    try:
        call: Any = request.json
    except InvalidUsage:  # not JSON (e.g. deflated): the action is then unknown
        call = None
    action = call.get("next_action") if isinstance(call, dict) else None
    name = action if isinstance(action, str) and len(action) <= 100 else "unknown"
    logger.error("action %s failed: %s", name, type(exception).__name__, exc_info=exception)
    return json({"error": f"action {name} failed ({type(exception).__name__})", "action_name": name}, status=500)


def create_app(settings: Settings) -> Sanic:
    """Rasa SDK's action app with a token check in front of every route but /health; the actions' services
    are built here, once."""
    from rasa_sdk.endpoint import create_app as create_sdk_app

    install(dialogue_services(settings))
    app = create_sdk_app("actions", cors_origins=None)
    token = settings.action_server_token().encode()

    async def check_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get(ACTION_TOKEN_HEADER, "").encode()
        if not hmac.compare_digest(given, token):
            return json({"error": "missing or wrong action server token"}, status=401)
        return None

    app.register_middleware(check_token, "request")
    app.error_handler.add(Exception, failed_action)  # replaces the SDK's handler, which echoed the request
    return app


def serve(settings: Settings) -> None:
    """Run the action server on ``settings.host:settings.action_port`` in this process."""
    configure_logging(settings.log_level)
    app = create_app(settings)
    app.run(settings.host, settings.action_port, workers=1, access_log=False)
