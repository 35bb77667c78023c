"""The person's side of a download: ask for a code, enter it, get the file (404 for anything wrong)."""

from __future__ import annotations

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console.web import Console
from bot.verification.service import SendOutcome

WAIT = {
    SendOutcome.cooldown: "A code was sent a moment ago. Please use it, or wait a minute before asking again.",
    SendOutcome.address_limit: "For your security no more codes can be sent right now. Please try again in an hour.",
    SendOutcome.conversation_limit: "For your security no more codes can be sent now. Please try again in an hour.",
}


def add_routes(app: Sanic, console: Console) -> None:
    """The download pages (no sign-in: the link and the emailed code are the keys)."""

    @app.get("/download/<token>")
    async def offer(request: Request, token: str) -> HTTPResponse:
        found = console.downloads.offer(token, console.now())
        if found is None:
            return console.not_found(request)
        return console.render(request, "download.html", offer=found, token=token, sent=False, notice="")

    @app.post("/download/<token>/code")
    async def send_code(request: Request, token: str) -> HTTPResponse:
        if not console.anon_csrf_ok(request):
            return console.forbidden(request, "The form was not valid (missing or wrong security token).")
        found = console.downloads.offer(token, console.now())
        if found is None:
            return console.not_found(request)
        try:
            outcome = console.downloads.send_code(token, console.now())
        except Exception:
            notice = "Sorry, the email could not be sent just now. Please try again in a minute."
            return console.render(
                request, "download.html", status=503, offer=found, token=token, sent=False, notice=notice
            )
        if outcome is None:
            return console.not_found(request)
        notice = WAIT.get(outcome, "We have emailed you a code. It is valid for a few minutes.")
        return console.render(request, "download.html", offer=found, token=token, sent=True, notice=notice)

    @app.post("/download/<token>")
    async def fetch(request: Request, token: str) -> HTTPResponse:
        if not console.anon_csrf_ok(request):
            return console.forbidden(request, "The form was not valid (missing or wrong security token).")
        opened = console.downloads.open(token, request.form.get("code") or "", console.now())
        if opened is None or not opened[0].is_file():
            return console.not_found(request)
        path, filename, content_type = opened
        return response.raw(
            path.read_bytes(),
            content_type=content_type,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
