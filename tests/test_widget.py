"""The chat widget in headless Chromium (Debian's), driven by Playwright, against the real assistant."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.conftest import Mailbox, Servers

pytestmark = pytest.mark.servers
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


def page_url(servers: Servers) -> str:
    return f"http://127.0.0.1:{servers.settings.widget_port}/"


def test_demo_page_serves_only_local_files_with_a_strict_policy(servers: Servers) -> None:
    page = requests.get(page_url(servers), timeout=10)
    assert page.status_code == 200
    assert "/widget/widget.js" in page.text and "https://" not in page.text  # no CDN
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert requests.get(page_url(servers) + "../../etc/passwd", timeout=10).status_code == 404
    config = requests.get(page_url(servers) + "config.js", timeout=10).text
    assert servers.settings.public_rasa_url in config


def test_cors_allows_the_widget_origin_only(servers: Servers) -> None:
    """Preflight and real requests: the listed origins get themselves back, any other none, nobody a wildcard."""
    port = servers.settings.widget_port
    listed = [f"http://127.0.0.1:{port}", f"http://localhost:{port}"]
    others = [
        "https://evil.example",
        "null",
        f"http://127.0.0.1:{port}.evil.example",
        f"http://evil.127.0.0.1:{port}",
        f"https://127.0.0.1:{port}",
        f"http://127.0.0.1:{port + 1}",
        "http://127.0.0.1",
        "*",
    ]
    webhook = servers.webhook

    def allow_origin(method: str, url: str, origin: str | None) -> list[str]:
        headers = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
        if origin is not None:
            headers["Origin"] = origin
        body = {"sender": f"cors-{uuid.uuid4().hex[:8]}", "message": "hello"} if method == "POST" else None
        response = requests.request(method, url, headers=headers, json=body, timeout=60)
        assert response.status_code < 500
        return [v.strip() for v in response.raw.headers.getlist("Access-Control-Allow-Origin")]

    for method, url in (("OPTIONS", webhook), ("POST", webhook), ("GET", servers.settings.rasa_url + "/")):
        for origin in listed:
            assert allow_origin(method, url, origin) == [origin], (method, origin)
        for origin in others:
            assert allow_origin(method, url, origin) == [], (method, origin)
        assert "*" not in allow_origin(method, url, None)


def test_widget_conversation_in_a_real_browser(
    servers: Servers, mailbox: Mailbox, browser: object, output_dir: Path
) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(page_url(servers))

    launcher = page.get_by_role("button", name="Open the privacy assistant chat")
    launcher.focus()
    page.keyboard.press("Enter")  # keyboard-accessible
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    log = page.get_by_role("log")
    expect(log).to_contain_text("privacy assistant of this website", timeout=30_000)
    expect(page.get_by_text("How we process your data")).to_have_attribute("href", "/privacy-notice.txt")

    box = page.get_by_label("Type your message")
    box.fill("who processes my credit card payment?")
    box.press("Enter")
    expect(log).to_contain_text("section 8 'Data processing for payment process'", timeout=30_000)
    box.fill("where can I read twitter's privacy policy?")
    box.press("Enter")
    link = log.get_by_role("link", name="https://twitter.com/privacy?lang=de")
    expect(link).to_have_attribute("href", "https://twitter.com/privacy?lang=de", timeout=30_000)
    expect(link).to_have_attribute("rel", "noopener noreferrer")

    box.fill("plz delete me from ur database")
    box.press("Enter")
    expect(log).to_contain_text("(Art. 17 GDPR)", timeout=30_000)
    page.get_by_role("button", name="Yes, that's right").click()
    expect(log).to_contain_text("one-time code", timeout=30_000)
    email = f"widget-{uuid.uuid4().hex[:8]}@example.com"
    box.fill(email)
    box.press("Enter")
    expect(log).to_contain_text("I've sent a 6-digit code", timeout=30_000)
    code = mailbox.latest_code(email)
    box.fill(code)
    box.press("Enter")
    expect(log).to_contain_text("filed with reference DSR-", timeout=30_000)
    page.screenshot(path=str(output_dir / "widget-desktop.png"))

    page.reload()  # the conversation continues after a reload
    expect(page.get_by_role("log")).to_contain_text("filed with reference DSR-", timeout=10_000)
    box = page.get_by_label("Type your message")
    box.fill("what is the right to be forgotten?")
    box.press("Enter")
    expect(page.get_by_role("log")).to_contain_text("section 16", timeout=30_000)

    box.fill("<script>alert('x')</script><img src=x onerror=alert(2)>")
    box.press("Enter")
    bubble = page.locator(".pb-user").last
    expect(bubble).to_contain_text("<script>alert('x')</script>")
    assert page.locator(".privacybot script, .privacybot img").count() == 0
    page.wait_for_timeout(1500)
    assert dialogs == []

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    context.close()


def test_widget_on_a_narrow_mobile_screen(servers: Servers, browser: object, output_dir: Path) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    context = browser.new_context(viewport={"width": 390, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(page_url(servers))
    page.get_by_role("button", name="Open the privacy assistant chat").click()
    panel = page.get_by_role("dialog")
    expect(page.get_by_role("log")).to_contain_text("privacy assistant", timeout=30_000)
    box = panel.bounding_box()
    assert box is not None and box["width"] == 390  # full width on a phone
    expect(page.get_by_role("button", name="Open the privacy assistant chat")).to_be_hidden()  # no overlap
    page.screenshot(path=str(output_dir / "widget-mobile.png"))
    context.close()


def test_widget_explains_a_rate_limit_instead_of_failing(servers: Servers, browser: object) -> None:
    """A chat that has used up its messages for the minute gets a plain explanation from the real server."""
    import requests
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    context = browser.new_context()
    page = context.new_page()
    page.goto(page_url(servers))
    page.get_by_role("button", name="Open the privacy assistant chat").click()
    log = page.get_by_role("log")
    expect(log).to_contain_text("privacy assistant of this website", timeout=30_000)
    sender = page.evaluate("sessionStorage.getItem('privacybot:sender')")
    assert sender
    statuses = [  # use up this chat's messages for the minute (the limit is 30)
        requests.post(servers.webhook, json={"sender": sender, "message": "hi"}, timeout=30).status_code
        for _ in range(31)
    ]
    assert statuses[-1] == 429
    box = page.get_by_label("Type your message")
    box.fill("who is your DPO?")
    box.press("Enter")
    expect(log).to_contain_text("sending messages faster than I can read them", timeout=30_000)
    expect(log).not_to_contain_text("can't be reached")
    context.close()
