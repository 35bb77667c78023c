"""Serves the demo page, the widget script and its configuration (no CDN, nothing fetched at run time)."""

from __future__ import annotations

import json
import signal
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bot.settings import PROJECT_ROOT, Settings

WIDGET_DIR = Path(__file__).resolve().parent.parent / "widget"
NOTICE_FILE = PROJECT_ROOT / "policy_kb" / "source" / "privacy-notice.en.txt"


def config_script(settings: Settings) -> bytes:
    """The demo page's widget configuration, from the settings."""
    config = {
        "serverUrl": settings.public_rasa_url,
        "title": f"{settings.controller_name} privacy assistant",
        "primaryColor": settings.widget_color,
        "language": "en",
        "privacyNoticeUrl": "/privacy-notice.txt",
        "retrySeconds": settings.delivery_retry_seconds,
    }
    return f"window.PrivacyBotConfig = {json.dumps(config)};\n".encode()


def make_handler(settings: Settings) -> type[BaseHTTPRequestHandler]:
    """A request handler for exactly the files the page needs."""
    routes: dict[str, tuple[str, bytes]] = {
        "/": ("text/html; charset=utf-8", (WIDGET_DIR / "demo.html").read_bytes()),
        "/widget/widget.js": ("text/javascript; charset=utf-8", (WIDGET_DIR / "widget.js").read_bytes()),
        "/config.js": ("text/javascript; charset=utf-8", config_script(settings)),
        "/privacy-notice.txt": ("text/plain; charset=utf-8", NOTICE_FILE.read_bytes()),
    }
    csp = (
        f"default-src 'self'; connect-src 'self' {settings.public_rasa_url}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )

    class Handler(BaseHTTPRequestHandler):
        server_version = "privacybot-widget"
        sys_version = ""

        def do_GET(self) -> None:
            route = routes.get(self.path.split("?", 1)[0])
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
