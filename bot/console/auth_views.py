"""Sign-in (email and password, then the TOTP code), TOTP enrolment, sign-out."""

from __future__ import annotations

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.accounts import LoginOutcome, LoginResult, provisioning_uri
from bot.console.sessions import COOKIE, Current
from bot.console.web import Console

FAILED = "Sign-in failed. After 5 failed attempts an account is locked for 15 minutes."
ENDED = {
    "expired": "Your session ended after 30 idle minutes. Please sign in again.",
    "disabled": "Your session ended.",
}


def _qr_svg(uri: str) -> str:
    import segno

    return str(segno.make(uri, error="m").svg_data_uri(scale=4, border=2))


def add_routes(app: Sanic, console: Console) -> None:
    """The sign-in pages."""
    _password_routes(app, console)
    _second_factor_routes(app, console)
    _enrol_routes(app, console)


def _pending(console: Console, request: Request, stage: str) -> Current | None:
    current, _ = console.sessions.load(request.cookies.get(COOKIE), console.now())
    if current is None or current.stage != stage:
        return None
    request.ctx.current = current
    return current


def _start_session(console: Console, request: Request, result: LoginResult) -> HTTPResponse:
    assert result.user_id is not None and result.email is not None
    user = console.accounts.get(result.user_id)
    assert user is not None
    if user.totp_confirmed_at is not None:
        stage, target = "totp", "/login/totp"
    elif console.totp_required:
        stage, target = "enrol", "/totp/enrol"
    else:
        stage, target = "active", "/"
    token = console.sessions.create(result.user_id, stage, console.now())
    if stage == "active":
        console.log(result.email, "login", request, "password")
    resp = response.redirect(target, status=303)
    console.set_cookie(resp, COOKIE, token)
    return resp


def _password_routes(app: Sanic, console: Console) -> None:
    """Signing in with the password, and out."""

    @app.get("/login")
    async def login_page(request: Request) -> HTTPResponse:
        notice = ENDED.get(request.args.get("ended", ""), "")
        return console.render(request, "login.html", notice=notice, error="", email="")

    @app.post("/login")
    async def login(request: Request) -> HTTPResponse:
        if not console.anon_csrf_ok(request):
            console.log("anonymous", "csrf_refused", request, "/login")
            return console.forbidden(request, "The form was not valid (missing or wrong security token).")
        if not console.limiter.allow(console.client(request), console.now()):
            console.log("anonymous", "login_rate_limited", request)
            return console.render(
                request,
                "login.html",
                status=429,
                notice="",
                error="Too many sign-in attempts from your address. Please wait 15 minutes.",
                email="",
            )
        email = (request.form.get("email") or "").strip()[:254]
        result = console.accounts.authenticate(email, request.form.get("password") or "", console.now())
        if result.outcome is LoginOutcome.ok:
            return _start_session(console, request, result)
        action = "login_locked" if result.outcome is LoginOutcome.locked else "login_failed"
        console.log(result.email or "anonymous", action, request, result.outcome.value)
        return console.render(request, "login.html", status=401, notice="", error=FAILED, email=email)

    @app.post("/logout")
    async def logout(request: Request) -> HTTPResponse:
        current, _ = console.sessions.load(request.cookies.get(COOKIE), console.now())
        resp = response.redirect("/login", status=303)
        if current is not None:
            if not current.csrf_ok(request.form.get("csrf")):
                request.ctx.current = current
                return console.forbidden(request, "The form was not valid (missing or wrong security token).")
            console.sessions.end(current.session_id)
            console.log(current.email, "logout", request)
        console.clear_session_cookie(resp)
        return resp


def _second_factor_routes(app: Sanic, console: Console) -> None:
    """The second factor: checking the code of a signed-in password."""

    @app.get("/login/totp")
    async def totp_page(request: Request) -> HTTPResponse:
        if _pending(console, request, "totp") is None:
            return response.redirect("/login", status=303)
        return console.render(request, "totp.html", error="")

    @app.post("/login/totp")
    async def totp(request: Request) -> HTTPResponse:
        current = _pending(console, request, "totp")
        if current is None:
            return response.redirect("/login", status=303)
        if not current.csrf_ok(request.form.get("csrf")):
            return console.forbidden(request, "The form was not valid (missing or wrong security token).")
        if not console.limiter.allow(console.client(request), console.now()):
            return console.render(request, "totp.html", status=429, error="Too many attempts. Please wait 15 minutes.")
        result = console.accounts.check_totp(current.user_id, request.form.get("code") or "", console.now())
        if result.outcome is not LoginOutcome.ok:
            console.log(current.email, "login_failed", request, f"second factor: {result.outcome.value}")
            if result.outcome is not LoginOutcome.wrong:
                console.sessions.end(current.session_id)
                resp = response.redirect("/login", status=303)
                console.clear_session_cookie(resp)
                return resp
            return console.render(request, "totp.html", status=401, error=FAILED)
        console.log(current.email, "login", request, "password and second factor")
        resp = response.redirect("/", status=303)
        console.set_cookie(resp, COOKIE, console.sessions.advance(current, "active"))
        return resp


def _enrol_routes(app: Sanic, console: Console) -> None:
    """Enrolling an authenticator app (the second factor)."""

    @app.get("/totp/enrol")
    async def enrol_page(request: Request) -> HTTPResponse:
        current, _ = console.sessions.load(request.cookies.get(COOKIE), console.now())
        if current is None or current.stage not in ("enrol", "active"):
            return response.redirect("/login", status=303)
        request.ctx.current = current
        user = console.accounts.get(current.user_id)
        if user is None or user.totp_confirmed_at is not None:
            return response.redirect("/", status=303)
        secret = console.accounts.start_enrolment(current.user_id)
        uri = provisioning_uri(secret, current.email)
        return console.render(request, "enrol.html", secret=secret, qr=_qr_svg(uri), error="")

    @app.post("/totp/enrol")
    async def enrol(request: Request) -> HTTPResponse:
        current, _ = console.sessions.load(request.cookies.get(COOKIE), console.now())
        if current is None or current.stage not in ("enrol", "active"):
            return response.redirect("/login", status=303)
        request.ctx.current = current
        if not current.csrf_ok(request.form.get("csrf")):
            return console.forbidden(request, "The form was not valid (missing or wrong security token).")
        result = console.accounts.check_totp(current.user_id, request.form.get("code") or "", console.now(), True)
        if result.outcome is not LoginOutcome.ok:
            console.log(current.email, "totp_enrolment_failed", request)
            secret = console.accounts.start_enrolment(current.user_id)
            uri = provisioning_uri(secret, current.email)
            error = "That code did not match. Check that the app shows the code for this account, and try again."
            return console.render(request, "enrol.html", status=401, secret=secret, qr=_qr_svg(uri), error=error)
        console.log(current.email, "totp_enrolled", request)
        resp = response.redirect("/", status=303)
        console.set_cookie(resp, COOKIE, console.sessions.advance(current, "active"))
        return resp
