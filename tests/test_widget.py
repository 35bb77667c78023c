"""The chat widget in headless Chromium (Debian's), driven by Playwright, against the real assistant."""

from __future__ import annotations

import json
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.channels.widget_server import make_handler
from bot.runtime.local_stack import free_port
from bot.settings import Settings
from tests.conftest import LateRasa, Mailbox, Servers

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


# ------------------------------------------------ messages written while the assistant is unreachable

CONNECTING = "Connecting to the assistant …"
NOT_SENT = "your message was not sent"


@contextmanager
def demo_page(settings: Settings) -> Iterator[str]:
    """The demo page served in this process for ``settings`` (its config points at their Rasa server)."""
    server = ThreadingHTTPServer((settings.host, settings.widget_port), make_handler(settings))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://{settings.host}:{settings.widget_port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_a_question_typed_while_the_assistant_is_down_is_answered_once_it_is_up(
    late_rasa: LateRasa, browser: object, output_dir: Path
) -> None:
    """The page opened and a question typed while the Rasa server is stopped; it starts 20 s later."""
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    context = browser.new_context()
    page = context.new_page()
    with demo_page(late_rasa.settings) as url:
        page.goto(url)
        page.get_by_role("button", name="Open the privacy assistant chat").click()
        log, status = page.get_by_role("log"), page.locator(".pb-typing")
        expect(status).to_have_text(CONNECTING, timeout=10_000)  # the greeting could not go out
        box = page.get_by_label("Type your message")
        box.fill("who processes my credit card payment?")
        box.press("Enter")
        expect(log.locator(".pb-user.pb-pending")).to_have_text("You: who processes my credit card payment?")
        page.wait_for_timeout(20_000)
        expect(status).to_have_text(CONNECTING)
        expect(log).not_to_contain_text("can't be reached")

        late_rasa.start()
        answer = log.locator(".pb-bot", has_text="section 8 'Data processing for payment process'")
        expect(answer).to_have_count(1, timeout=240_000)
        page.wait_for_timeout(3_000)  # nothing arrives twice later on
        expect(answer).to_have_count(1)
        expect(log.locator(".pb-bot", has_text="privacy assistant of this website")).to_have_count(1)  # greeting
        expect(log.locator(".pb-user")).to_have_count(1)
        expect(log.locator(".pb-pending")).to_have_count(0)
        expect(status).to_be_hidden()
        expect(log).not_to_contain_text("can't be reached")
        page.screenshot(path=str(output_dir / "widget-after-start.png"))
        sender = page.evaluate("sessionStorage.getItem('privacybot:sender')")
        assert late_rasa.user_messages(sender) == ["hello", "who processes my credit card payment?"]
    context.close()


def advance(page: Any, seconds: float) -> None:
    """Move the page's (installed, fake) clock on in 1 s steps, letting each retry's real fetch fail."""
    for _ in range(round(seconds)):
        page.clock.run_for(1000)
        page.wait_for_timeout(60)


def test_after_a_minute_without_the_assistant_the_widget_says_so_and_keeps_the_text(
    settings_for: Callable[..., Settings], browser: object
) -> None:
    """Nothing ever listens on the Rasa port: 60 s of retries (on the page's clock), then the text is back."""
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    settings = settings_for(rasa_port=free_port(), widget_port=free_port())
    context = browser.new_context()
    page = context.new_page()
    page.clock.install()
    with demo_page(settings) as url:
        page.goto(url)
        page.get_by_role("button", name="Open the privacy assistant chat").click()
        log, status = page.get_by_role("log"), page.locator(".pb-typing")
        box = page.get_by_label("Type your message")
        box.fill("do you store my IP address?")
        box.press("Enter")
        box.fill("and for how long?")
        box.press("Enter")
        advance(page, 1)
        expect(status).to_have_text(CONNECTING)
        advance(page, 50)
        expect(status).to_have_text(CONNECTING)
        expect(log.locator(".pb-user.pb-pending")).to_have_count(2)
        expect(log).not_to_contain_text("can't be reached")
        advance(page, 12)
        expect(log.locator(".pb-bot")).to_contain_text(NOT_SENT)
        expect(box).to_have_value("do you store my IP address?\nand for how long?")  # both, in order
        expect(log.locator(".pb-user")).to_have_count(0)
        expect(status).to_be_hidden()
        expect(log.locator(".pb-bot")).to_have_count(1)  # one explanation, no error per attempt
    context.close()


CORS = {"Access-Control-Allow-Origin": "*", "Content-Type": "application/json"}


def scripted_assistant(page: Any, settings: Settings, failures: list[str]) -> list[str]:
    """Answer the widget's POSTs in the page's network layer: each message meets ``failures`` in turn
    (``refused``, or an HTTP status) before it is echoed. Returns the list of messages as they arrive."""
    seen: list[str] = []
    left: dict[str, list[str]] = {}

    def handle(route: Any) -> None:
        message = json.loads(route.request.post_data)["message"]
        seen.append(message)
        pending = left.setdefault(message, list(failures))
        failure = pending.pop(0) if pending else None
        if failure == "refused":
            route.abort("connectionrefused")
        elif failure:
            route.fulfill(status=int(failure), headers=CORS, body=json.dumps({"error": "no"}))
        else:
            route.fulfill(status=200, headers=CORS, body=json.dumps([{"text": f"echo: {message}"}]))

    page.route(f"{settings.public_rasa_url}/webhooks/rest/webhook", handle)
    return seen


@pytest.mark.parametrize("failure", ["refused", "502", "503"])
def test_an_unreachable_assistant_gets_the_message_again_and_answers_once(
    failure: str, settings_for: Callable[..., Settings], browser: object
) -> None:
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    settings = settings_for(rasa_port=free_port(), widget_port=free_port())
    context = browser.new_context()
    page = context.new_page()
    seen = scripted_assistant(page, settings, [failure, failure])
    with demo_page(settings) as url:
        page.goto(url)
        page.get_by_role("button", name="Open the privacy assistant chat").click()
        log = page.get_by_role("log")
        expect(log).to_contain_text("echo: hello", timeout=15_000)
        box = page.get_by_label("Type your message")
        box.fill("who is your DPO?")
        box.press("Enter")
        expect(log.locator(".pb-bot", has_text="echo: who is your DPO?")).to_have_count(1, timeout=15_000)
        page.wait_for_timeout(1_000)
        expect(log.locator(".pb-bot", has_text="echo: who is your DPO?")).to_have_count(1)
        expect(log).not_to_contain_text("can't be reached")
        assert seen.count("who is your DPO?") == 3  # two failures, then the one delivery
        assert box.input_value() == ""
    context.close()


@pytest.mark.parametrize("status", ["500", "504"])
def test_a_failure_after_the_assistant_got_the_message_is_not_sent_again(
    status: str, settings_for: Callable[..., Settings], browser: object
) -> None:
    """A 500 (or a proxy's timeout) may come after the assistant handled the message: shown, not retried."""
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    settings = settings_for(rasa_port=free_port(), widget_port=free_port())
    context = browser.new_context()
    page = context.new_page()
    seen = scripted_assistant(page, settings, [status])
    with demo_page(settings) as url:
        page.goto(url)
        page.get_by_role("button", name="Open the privacy assistant chat").click()
        log = page.get_by_role("log")
        expect(log).to_contain_text("can't be reached", timeout=15_000)  # the greeting met the failure
        box = page.get_by_label("Type your message")
        box.fill("who is your DPO?")
        box.press("Enter")
        expect(log.locator(".pb-bot", has_text="can't be reached")).to_have_count(2, timeout=15_000)
        page.wait_for_timeout(2_000)
        assert seen == ["hello", "who is your DPO?"]  # each once
        expect(log.locator(".pb-user")).to_have_text("You: who is your DPO?")  # it was sent
    context.close()


# ------------------------------------------------ the widget in German (language: "de")


def test_the_german_widget_shows_german_texts_and_tells_the_assistant(
    servers: Servers, browser: object, output_dir: Path
) -> None:
    """The German demo page (/?lang=de): German fixed texts, and every message carries metadata.language."""
    from playwright.sync_api import Browser, expect

    from tests.test_language_metadata import user_metadata

    assert isinstance(browser, Browser)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    page = context.new_page()
    page.goto(page_url(servers) + "?lang=de")
    expect(page.get_by_role("heading", name="Demoseite")).to_be_visible()
    page.get_by_role("button", name="Chat mit dem Datenschutz-Assistenten öffnen").click()
    dialog = page.get_by_role("dialog", name=f"Datenschutz-Assistent der {servers.settings.controller_name}")
    expect(dialog).to_be_visible()
    expect(page.locator(".privacybot")).to_have_attribute("lang", "de")
    expect(page.get_by_role("button", name="Chat schließen")).to_be_visible()
    expect(page.get_by_role("button", name="Senden")).to_be_visible()
    expect(page.get_by_text("Wie wir Ihre Daten verarbeiten")).to_have_attribute("href", "/privacy-notice.txt")
    expect(dialog).to_contain_text("Dieser Chat sendet Ihre Eingaben an unseren Assistenten")
    log = page.get_by_role("log")
    expect(log.locator(".pb-bot").first).to_be_visible(timeout=30_000)  # the greeting was answered
    expect(page.locator(".pb-typing")).to_be_hidden(timeout=30_000)
    box = page.get_by_label("Ihre Nachricht")
    expect(box).to_have_attribute("placeholder", "Ihre Nachricht …")
    box.fill("Ich möchte meine Daten löschen lassen.")
    box.press("Enter")
    expect(log.locator(".pb-user")).to_have_text("Sie: Ich möchte meine Daten löschen lassen.")
    expect(log.locator(".pb-user.pb-pending")).to_have_count(0, timeout=30_000)  # delivered and answered
    expect(page.locator(".pb-typing")).to_be_hidden(timeout=30_000)
    page.screenshot(path=str(output_dir / "widget-de.png"))
    sender = page.evaluate("sessionStorage.getItem('privacybot:sender')")
    assert user_metadata(servers, sender) == [{"language": "de"}, {"language": "de"}]  # "hallo" and the request
    page.goto(page_url(servers))  # the English page, same tab: the English widget
    expect(page.get_by_role("button", name="Open the privacy assistant chat")).to_be_visible()
    context.close()


def test_the_german_widget_explains_failures_in_german(settings_for: Callable[..., Settings], browser: object) -> None:
    """Nobody answers and no retry window: the greeting fails, a typed message goes back into the box."""
    from playwright.sync_api import Browser, expect

    assert isinstance(browser, Browser)
    settings = settings_for(rasa_port=free_port(), widget_port=free_port(), delivery_retry_seconds=0)
    context = browser.new_context()
    page = context.new_page()
    with demo_page(settings) as url:
        page.goto(url + "?lang=de")
        page.get_by_role("button", name="Chat mit dem Datenschutz-Assistenten öffnen").click()
        log = page.get_by_role("log")
        expect(log).to_contain_text("der Assistent ist gerade nicht erreichbar", timeout=10_000)
        box = page.get_by_label("Ihre Nachricht")
        box.fill("Wer ist Ihr Datenschutzbeauftragter?")
        box.press("Enter")
        expect(log).to_contain_text("daher wurde Ihre Nachricht nicht gesendet", timeout=10_000)
        expect(box).to_have_value("Wer ist Ihr Datenschutzbeauftragter?")
        page.evaluate("document.getElementById('pb-input').value = 'x'.repeat(2001)")
        page.get_by_role("button", name="Senden").click()
        expect(log).to_contain_text("Diese Nachricht ist zu lang", timeout=10_000)
    context.close()
