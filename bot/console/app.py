"""The console's web application (Sanic, server-side Jinja2 templates, our own CSS; nothing from a CDN)."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable
from datetime import datetime

from sanic import Sanic, response
from sanic.exceptions import MethodNotSupported, NotFound, PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.clock import system_clock
from bot.console import auth_views, download_views, register_views, ticket_views
from bot.console.web import STATIC, Console
from bot.db.sessions import session_factory
from bot.settings import Settings

log = logging.getLogger(__name__)
PURGE_EVERY = 600.0  # seconds between deletions of expired files and idle sessions
MULTIPART_MARGIN = 1024 * 1024  # room for the form fields around the file
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
_names = itertools.count(1)


def create_app(settings: Settings, clock: Callable[[], datetime] = system_clock) -> Sanic:
    """The console for the ticket database of ``settings``; ``clock`` gives the time (tests fix it)."""
    console = Console(settings, session_factory(settings.database_url), clock)
    app = Sanic(f"privacybot-console-{next(_names)}")
    app.config.REQUEST_MAX_SIZE = settings.console_upload_limit_mb * 1024 * 1024 + MULTIPART_MARGIN
    app.config.FALLBACK_ERROR_FORMAT = "html"
    app.ctx.console = console
    css = (STATIC / "console.css").read_bytes()

    @app.get("/static/console.css")
    async def stylesheet(request: Request) -> HTTPResponse:
        return response.raw(css, content_type="text/css; charset=utf-8")

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return response.text("ok")

    auth_views.add_routes(app, console)
    ticket_views.add_routes(app, console)
    register_views.add_routes(app, console)
    download_views.add_routes(app, console)

    @app.exception(NotFound, MethodNotSupported)
    async def not_found(request: Request, exc: Exception) -> HTTPResponse:
        return console.not_found(request)

    @app.exception(PayloadTooLarge)
    async def too_large(request: Request, exc: Exception) -> HTTPResponse:
        limit = settings.console_upload_limit_mb
        message = f"The upload is larger than the limit of {limit} MB. Nothing was changed."
        return console.render(request, "message.html", status=413, title="File too large", message=message)

    @app.on_response
    async def security_headers(request: Request, resp: HTTPResponse) -> None:
        resp.headers["Content-Security-Policy"] = CSP
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers["Cache-Control"] = "no-store"

    async def housekeeping(app: Sanic) -> None:
        while True:
            try:
                now = console.now()
                console.downloads.purge(now)
                console.sessions.purge(now)
            except Exception as exc:  # the next round tries again
                log.warning("console housekeeping failed: %s", type(exc).__name__)
            await asyncio.sleep(PURGE_EVERY)

    app.add_task(housekeeping)  # type: ignore[arg-type]  # Sanic passes the app to a task function
    return app


def serve(settings: Settings) -> None:
    """Run the console until SIGTERM/SIGINT (one process)."""
    app = create_app(settings)
    print(f"DPO console on http://{settings.host}:{settings.console_port}/", flush=True)
    app.run(host=settings.host, port=settings.console_port, access_log=False, workers=1, motd=False)
