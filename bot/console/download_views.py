"""The person's side of a download: ask for a code, enter it, get the file (404 for anything wrong).

The pages are in the ticket's language (bot.console.download_texts); the one 404 is in English and German alike.
"""

from __future__ import annotations

from typing import Any

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.console import download_texts
from bot.console.downloads import Offer
from bot.console.web import Console
from bot.notify.wording import long_date


def add_routes(app: Sanic, console: Console) -> None:
    """The download pages (no sign-in: the link and the emailed code are the keys)."""

    def page(request: Request, offer: Offer, token: str, status: int = 200, **context: Any) -> HTTPResponse:
        lang = offer.language

        def t(key: str, **values: object) -> str:
            return download_texts.text(key, lang, **values)

        size = f"{offer.size / 1024:.1f}"
        available = t(
            "available",
            filename=offer.filename,
            size=size.replace(".", ",") if lang == download_texts.GERMAN else size,
            until=long_date(offer.expires_at.date(), lang),
        )
        page_context = {"offer": offer, "token": token, "t": t, "available": available, "page_lang": lang}
        return console.render(request, "download.html", status, person=True, **page_context, **context)

    def not_found(request: Request) -> HTTPResponse:
        title, message = download_texts.NOT_FOUND_TITLE, download_texts.NOT_FOUND_MESSAGE
        return console.render(request, "message.html", 404, title=title, message=message, person=True)

    def forbidden(request: Request, offer: Offer) -> HTTPResponse:
        title, message = (download_texts.text(key, offer.language) for key in ("not_allowed", "bad_form"))
        context = {"title": title, "message": message, "person": True, "page_lang": offer.language}
        return console.render(request, "message.html", 403, **context)

    @app.get("/download/<token>")
    async def offer(request: Request, token: str) -> HTTPResponse:
        found = console.downloads.offer(token, console.now())
        if found is None:
            return not_found(request)
        return page(request, found, token, sent=False, notice="")

    @app.post("/download/<token>/code")
    async def send_code(request: Request, token: str) -> HTTPResponse:
        found = console.downloads.offer(token, console.now())
        if found is None:
            return not_found(request)
        if not console.anon_csrf_ok(request):
            return forbidden(request, found)
        try:
            outcome = console.downloads.send_code(token, console.now())
        except Exception:
            notice = download_texts.text("send_failed", found.language)
            return page(request, found, token, status=503, sent=False, notice=notice)
        if outcome is None:
            return not_found(request)
        notice = download_texts.text(outcome.value, found.language)  # "sent" or why not
        return page(request, found, token, sent=True, notice=notice)

    @app.post("/download/<token>")
    async def fetch(request: Request, token: str) -> HTTPResponse:
        found = console.downloads.offer(token, console.now())
        if found is None:
            return not_found(request)
        if not console.anon_csrf_ok(request):
            return forbidden(request, found)
        opened = console.downloads.open(token, request.form.get("code") or "", console.now())
        if opened is None or not opened[0].is_file():
            return not_found(request)
        path, filename, content_type = opened
        return response.raw(
            path.read_bytes(),
            content_type=content_type,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
