"""The Telegram bridge's pieces that need no Rasa server: payloads, retries while the assistant is down,
and the order in which updates are handled. The "assistant" here is a small HTTP server on localhost
that can be down, answer, fail, hang or drop the connection."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from telegram import Update

from bot.channels.telegram_bridge import (
    CALLBACK_LIMIT,
    TEXTS,
    Bridge,
    ChatOrder,
    Payloads,
    backoff,
    chat_key,
    never_reached,
)
from bot.runtime.local_stack import free_port
from bot.settings import Settings

FAILED, UNREACHABLE = TEXTS["en"]["failed"], TEXTS["en"]["unreachable"]


def test_short_payloads_pass_long_ones_are_packed_and_unpacked() -> None:
    payloads = Payloads(size=2)
    assert payloads.pack("/request_access") == "/request_access"
    long = "Legal or contractual provisions making the personal data available; necessity for the contract"
    key = payloads.pack(long)
    assert len(key.encode()) <= CALLBACK_LIMIT and payloads.unpack(key) == long
    payloads.pack("x" * 100)
    payloads.pack("y" * 100)
    assert payloads.unpack(key) is None  # forgotten after the cache size: the bridge says the button expired
    assert payloads.unpack("k:forged") is None
    assert payloads.pack("k:not-a-key") != "k:not-a-key"  # user-like data cannot pose as a key


class Assistant:
    """An HTTP server standing in for Rasa's bridge channel; ``behaviour`` says what it does to a request."""

    def __init__(self, behaviour: str = "answer") -> None:
        self.port = free_port()
        self.behaviour = behaviour
        self.received: list[str] = []
        self.answered: list[str] = []
        self.server: asyncio.Server | None = None

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
        )
        body = json.loads(await reader.readexactly(length))
        self.received.append(body["message"])
        if self.behaviour == "hang":
            await asyncio.sleep(30)
        if self.behaviour in ("drop", "hang"):
            writer.close()
            return
        if self.behaviour == "answer":
            status, payload = 200, [{"text": f"echo: {body['message']}"}]
            self.answered.append(body["message"])
        else:
            status, payload = int(self.behaviour), {"error": "no"}
        data = json.dumps(payload).encode()
        writer.write(
            f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n"
            "Connection: close\r\n\r\n".encode()
            + data
        )
        await writer.drain()
        writer.close()


def bridge_for(settings_for: Callable[..., Settings], assistant: Assistant, window: int) -> Bridge:
    settings = settings_for(rasa_port=assistant.port, delivery_retry_seconds=window)
    return Bridge(settings, client=httpx.AsyncClient(timeout=1.0))


@pytest.mark.parametrize("behaviour", ["down", "502", "503"])
def test_a_message_waits_for_the_assistant_and_is_delivered_once(
    behaviour: str, settings_for: Callable[..., Settings]
) -> None:
    """Down (connection refused) or a proxy's 502/503: kept, sent again, answered once when it is back."""

    async def scenario() -> tuple[list[dict[str, Any]], Assistant, float]:
        assistant = Assistant(behaviour)
        if behaviour != "down":
            await assistant.start()
        bridge = bridge_for(settings_for, assistant, window=30)
        asking = asyncio.create_task(bridge.ask_rasa("tg-1", "hello"))
        await asyncio.sleep(2.0)
        assert not asking.done()  # still trying, no apology sent
        await assistant.stop()
        assistant.behaviour = "answer"
        await assistant.start()
        loop = asyncio.get_running_loop()
        back = loop.time()
        replies = await asking
        waited = loop.time() - back
        await assistant.stop()
        return replies, assistant, waited

    replies, assistant, waited = asyncio.run(scenario())
    assert replies == [{"text": "echo: hello"}]
    assert assistant.answered == ["hello"]
    if behaviour != "down":
        assert len(assistant.received) >= 3  # the 502/503s were retried: 0.5 s, 1 s, ... apart
    assert waited < 6  # the next try comes within the 5 s backoff cap (+ jitter)


def test_answered_once_even_after_refused_attempts(settings_for: Callable[..., Settings]) -> None:
    """Refused connections never reach the server: the one that gets through is the only one it sees."""

    async def scenario() -> Assistant:
        assistant = Assistant("answer")
        bridge = bridge_for(settings_for, assistant, window=30)
        asking = asyncio.create_task(bridge.ask_rasa("tg-1", "who is your DPO?"))
        await asyncio.sleep(1.5)
        await assistant.start()
        assert await asking == [{"text": "echo: who is your DPO?"}]
        await assistant.stop()
        return assistant

    assistant = asyncio.run(scenario())
    assert assistant.received == assistant.answered == ["who is your DPO?"]


@pytest.mark.parametrize("behaviour", ["500", "504", "hang", "drop"])
def test_a_failure_after_the_assistant_got_the_message_is_not_retried(
    behaviour: str, settings_for: Callable[..., Settings]
) -> None:
    """A 500/504, a read timeout or a dropped connection: the assistant may have handled it; never twice."""

    async def scenario() -> tuple[list[dict[str, Any]], Assistant]:
        assistant = Assistant(behaviour)
        await assistant.start()
        replies = await bridge_for(settings_for, assistant, window=30).ask_rasa("tg-1", "hello")
        await assistant.stop()
        return replies, assistant

    replies, assistant = asyncio.run(scenario())
    assert replies == [{"text": FAILED}]
    assert assistant.received == ["hello"]


def test_the_person_is_told_when_the_assistant_stays_unreachable(settings_for: Callable[..., Settings]) -> None:
    async def scenario() -> tuple[list[dict[str, Any]], float]:
        bridge = bridge_for(settings_for, Assistant(), window=2)
        loop = asyncio.get_running_loop()
        started = loop.time()
        replies = await bridge.ask_rasa("tg-1", "hello")
        return replies, loop.time() - started

    replies, took = asyncio.run(scenario())
    assert replies == [{"text": UNREACHABLE}]
    assert 1.9 <= took < 4.0  # the window, not more


@pytest.mark.parametrize(
    ("error", "retry"),
    [
        (httpx.ConnectError("refused"), True),
        (httpx.ConnectTimeout("no connection"), True),
        (httpx.PoolTimeout("no free connection"), True),
        (httpx.ReadTimeout("no answer"), False),
        (httpx.RemoteProtocolError("server disconnected"), False),
        (httpx.WriteError("broken pipe"), False),
    ],
)
def test_only_errors_before_the_request_reached_the_assistant_are_retried(error: httpx.HTTPError, retry: bool) -> None:
    assert never_reached(error) is retry


@pytest.mark.parametrize(("status", "retry"), [(502, True), (503, True), (500, False), (504, False), (429, False)])
def test_only_a_proxys_no_server_statuses_are_retried(status: int, retry: bool) -> None:
    request = httpx.Request("POST", "http://127.0.0.1/webhooks/telegram_bridge/webhook")
    error = httpx.HTTPStatusError("status", request=request, response=httpx.Response(status, request=request))
    assert never_reached(error) is retry


def test_backoff_doubles_from_half_a_second_to_five_with_jitter() -> None:
    rng = random.Random(7)
    for attempt, base in [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 5.0), (10, 5.0)]:
        for _ in range(50):
            assert base * 0.8 <= backoff(attempt, rng) <= base * 1.2
    assert len({round(backoff(3, rng), 6) for _ in range(20)}) > 1  # jittered


def update(update_id: int, chat: int, text: str) -> Update:
    data = {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 0,
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "T"},
            "text": text,
        },
    }
    return Update.de_json(data, None)


def test_updates_of_one_chat_keep_their_order_other_chats_do_not_wait() -> None:
    """Chat 1 waits for a slow first message; its second waits behind it; chat 2 is handled meanwhile."""
    done: list[str] = []

    async def handle(text: str, seconds: float) -> None:
        await asyncio.sleep(seconds)
        done.append(text)

    async def scenario() -> None:
        order = ChatOrder()
        updates = [(update(1, 1, "a1"), 0.5), (update(2, 1, "a2"), 0.0), (update(3, 2, "b1"), 0.0)]
        await asyncio.gather(*(order.process_update(u, handle(u.message.text, s)) for u, s in updates))
        assert order._chats == {}  # nothing kept for chats that are done

    asyncio.run(scenario())
    assert done == ["b1", "a1", "a2"]


def test_handlers_see_when_their_update_arrived() -> None:
    from bot.channels.telegram_bridge import received_at

    seen: list[float | None] = []

    async def handle() -> None:
        await asyncio.sleep(0.3)
        seen.append(received_at.get())

    async def scenario() -> float:
        order = ChatOrder()
        start = asyncio.get_running_loop().time()
        await asyncio.gather(
            order.process_update(update(1, 1, "x"), handle()), order.process_update(update(2, 1, "y"), handle())
        )
        return start

    start = asyncio.run(scenario())
    assert len(seen) == 2 and all(
        t is not None and 0 <= t - start < 0.1 for t in seen
    )  # arrival, not start of handling
    assert chat_key(update(5, 9, "z")) == ("chat", 9)
