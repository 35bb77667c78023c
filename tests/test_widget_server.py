"""The demo page's static server in this process: only its own files, and no request lines in any log."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import requests

from bot.channels.widget_server import ThreadingHTTPServer, make_handler
from bot.settings import Settings


def test_the_widget_server_logs_no_requests(
    settings_for: Callable[..., Settings], capfd: pytest.CaptureFixture[str]
) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(settings_for()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        page = requests.get(f"{base}/?visitor=jane.doe@example.com", timeout=10)
        missing = requests.get(f"{base}/../../etc/passwd", timeout=10)
    finally:
        server.shutdown()
        server.server_close()
    assert page.status_code == 200 and "widget.js" in page.text
    assert missing.status_code == 404
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")  # BaseHTTPRequestHandler would write each request line with the address


def test_the_demo_page_and_its_configuration_in_german(settings_for: Callable[..., Settings]) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(settings_for()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        german = requests.get(f"{base}/?lang=de", timeout=10)
        config = requests.get(f"{base}/config.js?lang=de", timeout=10).text
        english = requests.get(f"{base}/config.js", timeout=10).text
        unknown = requests.get(f"{base}/?lang=fr", timeout=10)
    finally:
        server.shutdown()
        server.server_close()
    assert '<html lang="de">' in german.text and "/config.js?lang=de" in german.text
    assert '"language": "de"' in config and '"title": "Datenschutz-Assistent der aiconix.ai GmbH"' in config
    assert '"language": "en"' in english and "privacy assistant" in english
    assert unknown.status_code == 200 and '<html lang="en">' in unknown.text  # other languages: the English page
    assert "Datenschutzerklärung (englische Fassung)</a>" in german.text  # no German notice set: the English one


def test_the_german_demo_page_links_the_binding_german_notice(settings_for: Callable[..., Settings]) -> None:
    url = "https://example.org/datenschutz?a=1&b=2"
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(settings_for(notice_url_de=url)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        german = requests.get(f"{base}/?lang=de", timeout=10).text
        config = requests.get(f"{base}/config.js?lang=de", timeout=10).text
        english = requests.get(f"{base}/", timeout=10).text
        english_config = requests.get(f"{base}/config.js", timeout=10).text
    finally:
        server.shutdown()
        server.server_close()
    assert '<a href="https://example.org/datenschutz?a=1&amp;b=2">Datenschutzerklärung</a>' in german
    assert "/privacy-notice.txt" not in german and "englische Fassung" not in german
    assert f'"privacyNoticeUrl": "{url}"' in config  # the widget's own "Wie wir Ihre Daten verarbeiten" link
    assert '<a href="/privacy-notice.txt">' in english and '"privacyNoticeUrl": "/privacy-notice.txt"' in english_config
