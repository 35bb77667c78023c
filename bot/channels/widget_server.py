"""Serves the demo page, the widget script and its configuration (no CDN, nothing fetched at run time).

``/?lang=de`` serves the German demo page, whose widget is configured with ``language: "de"``; it links the
binding German notice (``PRIVACYBOT_NOTICE_URL_DE``) when one is set, else the English one.
"""

from __future__ import annotations

import html
import json
import signal
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bot.settings import PROJECT_ROOT, Settings

WIDGET_DIR = Path(__file__).resolve().parent.parent / "widget"
NOTICE_FILE = PROJECT_ROOT / "policy_kb" / "source" / "privacy-notice.en.txt"


DEMO_LANGUAGES = ("en", "de")
ENGLISH_NOTICE = "/privacy-notice.txt"
ENGLISH_NOTICE_LINK_DE = f'<a href="{ENGLISH_NOTICE}">Datenschutzerklärung (englische Fassung)</a>'


def notice_url(settings: Settings, language: str = "en") -> str:
    """The privacy notice the demo page in ``language`` links: for German the binding German one, if set."""
    return settings.notice_url_de if language == "de" and settings.notice_url_de else ENGLISH_NOTICE


def german_page(settings: Settings) -> bytes:
    """The German demo page, linking the German notice when ``PRIVACYBOT_NOTICE_URL_DE`` is set."""
    page = (WIDGET_DIR / "demo.de.html").read_text(encoding="utf-8")
    if settings.notice_url_de:
        link = f'<a href="{html.escape(settings.notice_url_de)}">Datenschutzerklärung</a>'
        page = page.replace(ENGLISH_NOTICE_LINK_DE, link)
    return page.encode()


def config_script(settings: Settings, language: str = "en") -> bytes:
    """The demo page's widget configuration in ``language`` ('en' or 'de'), from the settings."""
    title = {
        "en": f"{settings.controller_name} privacy assistant",
        "de": f"Datenschutz-Assistent der {settings.controller_name}",
    }
    config = {
        "serverUrl": settings.public_rasa_url,
        "title": title[language],
        "primaryColor": settings.widget_color,
        "language": language,
        "privacyNoticeUrl": notice_url(settings, language),
        "retrySeconds": settings.delivery_retry_seconds,
    }
    return f"window.PrivacyBotConfig = {json.dumps(config)};\n".encode()


def make_handler(settings: Settings) -> type[BaseHTTPRequestHandler]:
    """A request handler for exactly the files the page needs."""
    page, script = "text/html; charset=utf-8", "text/javascript; charset=utf-8"
    routes: dict[tuple[str, str], tuple[str, bytes]] = {
        ("/", "en"): (page, (WIDGET_DIR / "demo.html").read_bytes()),
        ("/", "de"): (page, german_page(settings)),
        ("/widget/widget.js", "en"): (script, (WIDGET_DIR / "widget.js").read_bytes()),
        (ENGLISH_NOTICE, "en"): ("text/plain; charset=utf-8", NOTICE_FILE.read_bytes()),
    }
    for language in DEMO_LANGUAGES:
        routes[("/config.js", language)] = (script, config_script(settings, language))
    csp = (
        f"default-src 'self'; connect-src 'self' {settings.public_rasa_url}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )

    class Handler(BaseHTTPRequestHandler):
        server_version = "privacybot-widget"
        sys_version = ""

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            language = parse_qs(url.query).get("lang", ["en"])[0]
            route = routes.get((url.path, language)) or routes.get((url.path, "en"))
            if route is None:
                self.send_error(HTTPStatus.NOT_FOUND)
                return
            content_type, body = route
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", csp)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: request lines would log visitors' addresses."""

    return Handler


def serve(settings: Settings) -> None:
    """Serve until SIGTERM/SIGINT."""
    server = ThreadingHTTPServer((settings.host, settings.widget_port), make_handler(settings))
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    # No address here: `privacybot run` prints it once the assistant answers, so nobody opens the page earlier.
    print(f"serving the demo page and widget.js on port {settings.widget_port}", flush=True)
    stop.wait()
    server.shutdown()
