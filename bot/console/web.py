"""What every console page needs: the services, the clock, templates, CSRF, cookies, the audit log."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import Any

import jinja2
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.accounts import Accounts
from bot.console.downloads import Downloads
from bot.console.models import ConsoleEvent
from bot.console.sessions import COOKIE, Current, Sessions
from bot.db.sessions import SessionFactory, transaction
from bot.settings import Profile, Settings
from bot.tickets.service import TicketService
from bot.worker.ticket_events import ticket_service

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
ANON_CSRF_COOKIE = "pbc_csrf"
CLIENT_WINDOW = timedelta(minutes=15)
CLIENT_ATTEMPTS = 20  # sign-in attempts per client address per window

Handler = Callable[..., Coroutine[Any, Any, HTTPResponse]]


class ClientLimiter:
    """Sign-in attempts per client address in a sliding window (one console process keeps the count)."""

    def __init__(self, attempts: int = CLIENT_ATTEMPTS, window: timedelta = CLIENT_WINDOW):
        self.attempts, self.window = attempts, window
        self.seen: dict[str, deque[datetime]] = {}

    def allow(self, client: str, now: datetime) -> bool:
        """Count one attempt; False once the client has used up the window's attempts."""
        times = self.seen.setdefault(client, deque())
        while times and now - times[0] > self.window:
            times.popleft()
        if len(times) >= self.attempts:
            return False
        times.append(now)
        return True


@dataclass
class Console:
    """The console's services, shared by every view."""

    settings: Settings
    factory: SessionFactory
    clock: Callable[[], datetime]
    service: TicketService = field(init=False)
    accounts: Accounts = field(init=False)
    sessions: Sessions = field(init=False)
    downloads: Downloads = field(init=False)
    limiter: ClientLimiter = field(default_factory=ClientLimiter)
    templates: jinja2.Environment = field(init=False)

    def __post_init__(self) -> None:
        self.service = ticket_service(self.settings, self.factory)
        self.accounts = Accounts(self.factory)
        self.sessions = Sessions(self.factory)
        self.downloads = Downloads(self.settings, self.factory)
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over HTTPS in production."""
        return self.settings.profile is Profile.production

    @property
    def totp_required(self) -> bool:
        """The production profile requires a second factor."""
        return self.settings.profile is Profile.production

    def now(self) -> datetime:
        """The console's clock (tests set it)."""
        return self.clock()

    def client(self, request: Request) -> str:
        """A keyed hash of the client's address: for limits and the audit log, never the address."""
        key = next(iter(self.settings.verification_keys().values()))
        return hmac.new(key, f"console-client:{request.ip}".encode(), hashlib.sha256).hexdigest()[:16]

    def log(self, actor: str, action: str, request: Request | None = None, note: str | None = None) -> None:
        """One entry in the console's audit log."""
        with transaction(self.factory) as session:
            session.add(
                ConsoleEvent(
                    at=self.now(),
                    actor=actor,
                    action=action,
                    client=self.client(request) if request is not None else None,
                    note=note,
                )
            )

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> HTTPResponse:
        """A page from a template; forms get the session's CSRF token, or an anonymous one."""
        current: Current | None = getattr(request.ctx, "current", None)
        new_anon = None
        if current is not None:
            token = current.csrf_token
        else:
            token = request.cookies.get(ANON_CSRF_COOKIE) or ""
            if len(token) < 32:
                token = new_anon = secrets.token_urlsafe(32)
        page = self.templates.get_template(name).render(
            current=current, csrf=token, settings=self.settings, request_path=request.path, **context
        )
        resp = response.html(page, status=status)
        if new_anon:
            self.set_cookie(resp, ANON_CSRF_COOKIE, new_anon)
        return resp

    def set_cookie(self, resp: HTTPResponse, name: str, value: str) -> None:
        """An HttpOnly, SameSite=Strict cookie for the whole console (Secure in production)."""
        resp.cookies[name] = value
        cookie = resp.cookies[name]
        cookie["httponly"] = True
        cookie["samesite"] = "Strict"
        cookie["path"] = "/"
        if self.secure_cookies:
            cookie["secure"] = True

    def clear_session_cookie(self, resp: HTTPResponse) -> None:
        """Remove the session cookie from the browser."""
        self.set_cookie(resp, COOKIE, "")
        resp.cookies[COOKIE]["max-age"] = 0

    def anon_csrf_ok(self, request: Request) -> bool:
        """The double-submit check of forms shown before sign-in (login, download)."""
        cookie = request.cookies.get(ANON_CSRF_COOKIE) or ""
        sent = (request.form or {}).get("csrf") or ""
        return len(cookie) >= 32 and hmac.compare_digest(cookie, str(sent))

    def forbidden(self, request: Request, message: str) -> HTTPResponse:
        """The 403 page."""
        return self.render(request, "message.html", status=403, title="Not allowed", message=message)

    def not_found(self, request: Request) -> HTTPResponse:
        """The one 404 page (it never says what was not found, or why)."""
        return self.render(request, "message.html", status=404, title="Not found", message="There is nothing here.")


def signed_in(console: Console) -> Callable[[Handler], Handler]:
    """Views for signed-in users only; others go to the sign-in page (which names no ticket)."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            current, ended = console.sessions.load(request.cookies.get(COOKIE), console.now())
            if current is None:
                if ended:
                    console.log("console", f"session_{ended}", request)
                resp = response.redirect("/login" + (f"?ended={ended}" if ended else ""), status=303)
                if request.cookies.get(COOKIE):
                    console.clear_session_cookie(resp)
                return resp
            if current.stage != "active":
                return response.redirect("/login/totp" if current.stage == "totp" else "/totp/enrol", status=303)
            request.ctx.current = current
            return await handler(request, *args, **kwargs)

        return wrapper

    return decorate


def changes(console: Console) -> Callable[[Handler], Handler]:
    """Form posts that change something: a valid CSRF token and the `dpo` role (inside `signed_in`)."""

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            current: Current = request.ctx.current
            if not current.csrf_ok((request.form or {}).get("csrf")):
                console.log(current.email, "csrf_refused", request, request.path)
                return console.forbidden(request, "The form was not valid (missing or wrong security token).")
            if not current.can_change:
                console.log(current.email, "change_refused", request, request.path)
                return console.forbidden(request, f"Your role ({current.role}) can look at requests, not change them.")
            return await handler(request, *args, **kwargs)

        return wrapper

    return decorate
