"""The admission gate of the public channels, without a server: shapes, sizes, rates, client address."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import redis

from bot.channels.limits import MAX_TRACKED_KEYS, Gate, RateLimiter, parse_message_body
from bot.channels.rest import client_address
from tests.conftest import ManualClock


def body(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def test_a_well_formed_message_is_admitted() -> None:
    data, refusal = parse_message_body(body(sender="web-1", message="hello", metadata={"lang": "en"}))
    assert refusal is None and data is not None and data["message"] == "hello"


def test_rate_limit_per_key_and_window() -> None:
    limiter = RateLimiter(per_minute=3)
    assert [limiter.allow("a", now=100.0) for _ in range(3)] == [None, None, None]
    wait = limiter.allow("a", now=110.0)
    assert wait is not None and 49 <= wait <= 51
    assert limiter.allow("b", now=110.0) is None  # others are unaffected
    assert limiter.allow("a", now=161.0) is None  # a new window


def test_limiter_memory_stays_bounded() -> None:
    limiter = RateLimiter(per_minute=1)
    for i in range(MAX_TRACKED_KEYS + 50):
        limiter.allow(f"sender-{i}", now=float(i) / 1e6)
    assert len(limiter._windows) <= MAX_TRACKED_KEYS


def test_per_client_limit_covers_many_senders_from_one_address() -> None:
    gate = Gate(per_sender=100, per_client=5)
    results = [gate.admit(body(sender=f"s{i}", message="hi"), "203.0.113.9") for i in range(6)]
    assert results[:5] == [None] * 5
    refused = results[5]
    assert refused is not None and refused.status == 429 and "this address" in refused.error
    assert gate.admit(body(sender="s-other", message="hi"), "198.51.100.7") is None


def test_per_sender_limit() -> None:
    gate = Gate(per_sender=2, per_client=100)
    assert gate.admit(body(sender="same", message="1"), "a") is None
    assert gate.admit(body(sender="same", message="2"), "b") is None
    refused = gate.admit(body(sender="same", message="3"), "c")
    assert refused is not None and refused.status == 429 and "this chat" in refused.error


def test_malformed_bodies_do_not_count_against_the_rate() -> None:
    gate = Gate(per_sender=1, per_client=1)
    assert gate.admit(b"{broken", "a") is not None
    assert gate.admit(body(sender="x", message="ok"), "a") is None


def request(peer: str, forwarded: str | None = None) -> SimpleNamespace:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return SimpleNamespace(ip=peer, headers=headers)


def test_client_address_trusts_forwarding_only_from_the_local_balancer() -> None:
    assert client_address(request("203.0.113.9")) == "203.0.113.9"  # type: ignore[arg-type]
    spoofed = request("203.0.113.9", "10.0.0.1")
    assert client_address(spoofed) == "203.0.113.9"  # type: ignore[arg-type]
    behind_haproxy = request("127.0.0.1", "10.0.0.1, 198.51.100.7")  # client's own header first, HAProxy's last
    assert client_address(behind_haproxy) == "198.51.100.7"  # type: ignore[arg-type]


REDIS_URL = os.environ.get("PRIVACYBOT_TEST_REDIS", "redis://127.0.0.1:6379/1")


@pytest.fixture
def prefix() -> Iterator[str]:
    name = f"test{uuid.uuid4().hex[:10]}"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{name}*"):
        client.delete(key)


def test_replicas_share_one_budget_through_redis(prefix: str) -> None:
    clock = ManualClock(datetime(2026, 11, 26, 12, 0, 30, tzinfo=UTC))  # all six within one minute's window
    replica1 = Gate(per_sender=100, per_client=5, redis_url=REDIS_URL, prefix=prefix, clock=clock)
    replica2 = Gate(per_sender=100, per_client=5, redis_url=REDIS_URL, prefix=prefix, clock=clock)
    results = [
        (replica1 if i % 2 else replica2).admit(body(sender=f"s{i}", message="hi"), "203.0.113.9") for i in range(6)
    ]
    assert results[:5] == [None] * 5
    assert results[5] is not None and results[5].status == 429 and results[5].retry_after == 31
    clock.move(seconds=30)  # the next minute: a new budget, on both replicas
    assert replica2.admit(body(sender="s6", message="hi"), "203.0.113.9") is None
    stored = [k.decode() for k in redis.Redis.from_url(REDIS_URL).scan_iter(f"{prefix}*")]
    assert stored and not any("203.0.113.9" in k or "s1" in k.split(":")[-1] for k in stored)  # hashed keys only


def test_unreachable_redis_falls_back_to_counting_in_the_process(prefix: str) -> None:
    gate = Gate(per_sender=2, per_client=100, redis_url="redis://127.0.0.1:1/0", prefix=prefix)
    assert gate.admit(body(sender="same", message="1"), "a") is None
    assert gate.admit(body(sender="same", message="2"), "a") is None
    refused = gate.admit(body(sender="same", message="3"), "a")
    assert refused is not None and refused.status == 429
