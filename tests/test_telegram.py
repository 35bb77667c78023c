"""The Telegram bridge: python-telegram-bot against a local Bot-API-compatible server, real Rasa behind it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

from bot.settings import PROJECT_ROOT
from tests.conftest import LateRasa, Servers, free_port

pytestmark = pytest.mark.servers
TOKEN = "123456:TEST-token"
USER = {"id": 4242, "is_bot": False, "first_name": "Tess"}
CHAT = {"id": 4242, "type": "private", "first_name": "Tess"}


class FakeBotApi:
    """Enough of the Bot API for python-telegram-bot: feeds updates, records what the bot sends."""

    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.lock = threading.Lock()
        self.next_update = 1
        self.port = free_port()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                method = self.path.rsplit("/", 1)[-1]
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                params = api.parse(raw, self.headers.get("Content-Type", ""))
                result = api.handle(method, params)
                body = json.dumps({"ok": True, "result": result}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)

    @staticmethod
    def parse(raw: str, content_type: str) -> dict[str, Any]:
        if "json" in content_type:
            return dict(json.loads(raw or "{}"))
        params: dict[str, Any] = {}
        for key, values in parse_qs(raw).items():
            try:
                params[key] = json.loads(values[0])
            except ValueError:
                params[key] = values[0]
        return params

    def handle(self, method: str, params: dict[str, Any]) -> Any:
        with self.lock:
            if method == "getMe":
                return {"id": 99, "is_bot": True, "first_name": "Privacy", "username": "privacy_test_bot"}
            if method == "getUpdates":
                offset = int(params.get("offset") or 0)
                pending = [u for u in self.updates if u["update_id"] >= offset]
                return pending[:10]
            self.calls.append((method, params))
            if method in ("sendMessage", "editMessageText"):
                return {
                    "message_id": len(self.calls),
                    "date": int(time.time()),
                    "chat": CHAT,
                    "text": params.get("text"),
                }
            return True

    def push(self, **kind: Any) -> None:
        with self.lock:
            self.updates.append({"update_id": self.next_update, **kind})
            self.next_update += 1

    def message(self, text: str | None = None, **extra: Any) -> None:
        msg: dict[str, Any] = {"message_id": self.next_update, "date": int(time.time()), "chat": CHAT, "from": USER}
        if text is not None:
            msg["text"] = text
            if text.startswith("/"):
                msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        msg.update(extra)
        self.push(message=msg)

    def press(self, data: str) -> None:
        self.push(
            callback_query={
                "id": f"cb{self.next_update}",
                "from": USER,
                "chat_instance": "ci",
                "data": data,
                "message": {"message_id": 1, "date": int(time.time()), "chat": CHAT, "text": "buttons"},
            }
        )

    def sent(self, method: str = "sendMessage") -> list[dict[str, Any]]:
        with self.lock:
            return [p for m, p in self.calls if m == method]

    def wait_sent(self, count: int, timeout: float = 60) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.sent()) >= count:
                return self.sent()
            time.sleep(0.1)
        raise AssertionError(f"expected {count} messages, got {[m.get('text') for m in self.sent()]}")


@pytest.fixture
def telegram(servers: Servers) -> Iterator[FakeBotApi]:
    api = FakeBotApi()
    thread = threading.Thread(target=api.server.serve_forever, daemon=True)
    thread.start()
    env = {
        **os.environ,
        **servers.env,
        "PRIVACYBOT_TELEGRAM_TOKEN": TOKEN,
        "PRIVACYBOT_TELEGRAM_API_URL": f"http://127.0.0.1:{api.port}/bot",
    }
    bridge = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "telegram"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield api
    finally:
        bridge.terminate()
        try:
            _, err = bridge.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            bridge.kill()
            _, err = bridge.communicate()
        api.server.shutdown()
        assert TOKEN not in err  # the bot token never reaches the logs
        assert "Traceback" not in err, err[-3000:]


def test_question_command_and_non_text(telegram: FakeBotApi) -> None:
    telegram.message("/start")
    greeting = telegram.wait_sent(1)[0]
    assert "privacy assistant" in greeting["text"]
    keyboard = greeting["reply_markup"]["inline_keyboard"]
    assert ["/request_access"] in [[b["callback_data"]] for row in keyboard for b in row]

    telegram.message("who processes my credit card payment?")
    answer = telegram.wait_sent(2)[1]
    assert "section 8 'Data processing for payment process'" in answer["text"]

    telegram.message(photo=[{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}])
    assert "only read text messages" in telegram.wait_sent(3)[2]["text"]
    telegram.push(inline_query={"id": "iq1", "from": USER, "query": "x", "offset": ""})  # no handler for it
    telegram.message("/privacy")
    assert "30 days" in telegram.wait_sent(4)[3]["text"]  # the bridge survived the unexpected update


def test_request_with_buttons_and_contact_verification(telegram: FakeBotApi) -> None:
    telegram.message("plz delete me from ur database")
    restated = telegram.wait_sent(1)[0]
    assert "(Art. 17 GDPR)" in restated["text"]
    buttons = [b for row in restated["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["callback_data"] for b in buttons] == ["/affirm", "/deny"]

    telegram.press("/affirm")
    sent = telegram.wait_sent(3)
    assert len(telegram.sent("answerCallbackQuery")) == 1
    assert "one-time code" in sent[1]["text"]
    contact_offer = sent[2]["reply_markup"]["keyboard"][0][0]
    assert contact_offer["request_contact"] is True

    stranger = {"phone_number": "+49301234567", "first_name": "Other", "user_id": 777}
    telegram.message(contact=stranger)
    assert "your own phone number" in telegram.wait_sent(4)[3]["text"]
    own = {"phone_number": "+49401234567", "first_name": "Tess", "user_id": USER["id"]}
    telegram.message(contact=own)
    texts = [m["text"] for m in telegram.wait_sent(6)]
    assert any("phone number is confirmed" in t for t in texts), texts


def test_webhook_mode_checks_telegrams_secret_token(servers: Servers) -> None:
    import requests

    api = FakeBotApi()
    threading.Thread(target=api.server.serve_forever, daemon=True).start()
    port, secret = free_port(), "webhook-secret-" + "7" * 20
    env = {
        **os.environ,
        **servers.env,
        "PRIVACYBOT_TELEGRAM_TOKEN": TOKEN,
        "PRIVACYBOT_TELEGRAM_API_URL": f"http://127.0.0.1:{api.port}/bot",
        "PRIVACYBOT_TELEGRAM_WEBHOOK_URL": "https://bot.example.org/telegram",
        "PRIVACYBOT_TELEGRAM_WEBHOOK_SECRET": secret,
        "PRIVACYBOT_TELEGRAM_WEBHOOK_PORT": str(port),
    }
    bridge = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "telegram"], cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while not [p for m, p in api.calls if m == "setWebhook"] and time.monotonic() < deadline:
            time.sleep(0.2)
        [registered] = [p for m, p in api.calls if m == "setWebhook"]
        assert registered["secret_token"] == secret and registered["url"] == "https://bot.example.org/telegram"
        update = {
            "update_id": 1,
            "message": {"message_id": 1, "date": int(time.time()), "chat": CHAT, "from": USER, "text": "hello"},
        }
        url = f"http://127.0.0.1:{port}/"
        unsigned = None
        while unsigned is None and time.monotonic() < deadline:
            try:
                unsigned = requests.post(url, json=update, timeout=10)
            except requests.ConnectionError:
                time.sleep(0.2)
        assert unsigned is not None and unsigned.status_code == 403
        forged = {"X-Telegram-Bot-Api-Secret-Token": "guess"}
        assert requests.post(url, json=update, headers=forged, timeout=10).status_code == 403
        assert api.sent() == []  # refused updates never reach the assistant
        real = {"X-Telegram-Bot-Api-Secret-Token": secret}
        assert requests.post(url, json=update, headers=real, timeout=10).status_code == 200
        assert "privacy assistant" in api.wait_sent(1)[0]["text"]
    finally:
        bridge.terminate()
        _, err = bridge.communicate(timeout=20)
        api.server.shutdown()
    assert secret not in err and TOKEN not in err


def test_messages_sent_while_the_assistant_is_down_are_answered_once_it_is_up(late_rasa: LateRasa) -> None:
    """Two messages arrive while the Rasa server is stopped; it starts 20 s later: both answered, in
    order, once each; nobody is told the assistant is unreachable."""
    api = FakeBotApi()
    threading.Thread(target=api.server.serve_forever, daemon=True).start()
    env = {
        **os.environ,
        **late_rasa.env,
        "PRIVACYBOT_TELEGRAM_TOKEN": TOKEN,
        "PRIVACYBOT_TELEGRAM_API_URL": f"http://127.0.0.1:{api.port}/bot",
    }
    bridge = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "telegram"], cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        api.message("hi")
        api.message("who processes my credit card payment?")
        time.sleep(20)
        assert api.sent() == []  # kept, not answered with an apology
        late_rasa.start()
        first, second = api.wait_sent(2, timeout=240)[:2]
        time.sleep(3)  # nothing is answered twice later on
        texts = [m["text"] for m in api.sent()]
        assert len(texts) == 2, texts
        assert "privacy assistant" in first["text"]
        assert "section 8 'Data processing for payment process'" in second["text"]
        assert not any("can't be reached" in t for t in texts)
        assert late_rasa.user_messages(f"tg-{CHAT['id']}") == ["hi", "who processes my credit card payment?"]
    finally:
        bridge.terminate()
        _, err = bridge.communicate(timeout=20)
        api.server.shutdown()
    assert "Traceback" not in err, err[-3000:]
    assert "the assistant is unreachable (ConnectError); retrying" in err


GERMAN_USER = {"id": 5151, "is_bot": False, "first_name": "Erika", "language_code": "de"}
GERMAN_CHAT = {"id": 5151, "type": "private", "first_name": "Erika"}


def test_a_german_user_gets_german_words_and_the_assistant_hears_the_language(
    telegram: FakeBotApi, servers: Servers
) -> None:
    from tests.test_language_metadata import user_metadata

    deadline = time.monotonic() + 60
    while len(telegram.sent("setMyCommands")) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    menus = {m.get("language_code"): m["commands"] for m in telegram.sent("setMyCommands")}
    assert set(menus) == {None, "de"}  # the default (English) menu and the German one
    assert {"command": "privacy", "description": "How this chat handles your data"} in menus[None]
    assert {"command": "cancel", "description": "Laufenden Antrag abbrechen"} in menus["de"]
    assert [c["command"] for c in menus["de"]] == [c["command"] for c in menus[None]]

    german = {"chat": GERMAN_CHAT, "from": GERMAN_USER}
    telegram.message("/privacy", **german)
    privacy = telegram.wait_sent(1)[0]
    assert privacy["chat_id"] == GERMAN_CHAT["id"] and "Wir speichern das Gespräch 30 Tage lang" in privacy["text"]
    telegram.message(sticker={"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1, "height": 1,
                              "is_animated": False, "is_video": False}, **german)  # fmt: skip
    assert "ich kann nur Textnachrichten lesen" in telegram.wait_sent(2)[1]["text"]
    telegram.message("hallo", **german)
    telegram.wait_sent(3)
    assert user_metadata(servers, f"tg-{GERMAN_CHAT['id']}") == [{"language": "de"}]
    telegram.message("/privacy")  # Tess has no language_code: English
    while time.monotonic() < deadline + 60:
        english = [m for m in telegram.sent() if m["chat_id"] == CHAT["id"]]
        if english:
            break
        time.sleep(0.1)
    assert "We keep the conversation for 30 days" in english[0]["text"]
