"""Simulated visitors over the REST channel: a bounded asyncio load generator.

Each visitor is a fresh sender id that runs a script of named steps. Question visitors greet, ask
notice questions, chat and leave; request visitors file a complete access request, reading the
one-time code from the local SMTP server. Latency is measured per step; every loop is bounded in
count and time, and only localhost is ever addressed.
"""

from __future__ import annotations

import asyncio
import functools
import random
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import yaml

from bot.settings import PROJECT_ROOT

QUESTION_SCRIPT: list[tuple[str, str]] = [
    ("greet", "hello"),
    ("question", "{question}"),
    ("question", "{question}"),
    ("question", "{question}"),
    ("question", "{question}"),
    ("goodbye", "thanks, bye"),
]
QUESTION_POOL_FILE = PROJECT_ROOT / "tests" / "eval" / "kb_heldout.yml"


@functools.lru_cache(maxsize=1)
def question_pool() -> tuple[str, ...]:
    """Visitor-phrased questions (the held-out evaluation set), so that answers are not cached repeats."""
    data = yaml.safe_load(QUESTION_POOL_FILE.read_text(encoding="utf-8"))
    return tuple(str(item["q"]) for item in data["questions"])


REQUEST_SCRIPT: list[tuple[str, str]] = [
    ("greet", "hi"),
    ("request", "I want a copy of all the personal data you have about me"),
    ("confirm", "yes"),
    ("email", "{email}"),
    ("code", "{code}"),
    ("goodbye", "thank you"),
]

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class CodeMailbox:
    """A local SMTP server (aiosmtpd) that keeps the latest verification code per recipient."""

    def __init__(self, port: int):
        from aiosmtpd.controller import Controller

        self.port = port
        self.codes: dict[str, str] = {}
        self.controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        body = message.get_body(("plain",))
        match = re.search(r"code is: (\d{6})", body.get_content() if body else "")
        if match:
            for rcpt in envelope.rcpt_tos:
                self.codes[rcpt.lower()] = match.group(1)
        return "250 OK"

    async def code_for(self, address: str, timeout: float = 10.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if address in self.codes:
                return self.codes.pop(address)
            await asyncio.sleep(0.05)
        raise TimeoutError(f"no code mailed to {address}")


@dataclass
class Sample:
    """One message and its answer."""

    step: str
    started: float
    seconds: float
    ok: bool
    error: str = ""


@dataclass
class LoadResult:
    """Every sample of one load level, and its wall-clock span."""

    samples: list[Sample] = field(default_factory=list)
    wall_seconds: float = 0.0
    timed_out: bool = False


@dataclass(frozen=True)
class Load:
    """A load level: ``visitors`` at a time, ``rounds`` scripts each, ``pause`` seconds after each reply."""

    name: str
    visitors: int
    pause: float
    rounds: int = 1
    with_requests: bool = True
    time_limit: float = 300.0


def check_local(url: str) -> None:
    """Refuse any target that is not this machine."""
    host = urlsplit(url).hostname or ""
    if host not in LOCAL_HOSTS:
        raise ValueError(f"the benchmark only targets localhost, not {host!r}")


async def _visitor(
    index: int,
    load: Load,
    webhook: str,
    http: aiohttp.ClientSession,
    mailbox: CodeMailbox | None,
    record: Callable[[Sample], None],
) -> None:
    if load.pause:
        await asyncio.sleep(load.pause * index / max(1, load.visitors))  # staggered arrival
    rng = random.Random(index)
    for _ in range(load.rounds):
        requesting = load.with_requests and mailbox is not None and index % 4 == 0
        script = REQUEST_SCRIPT if requesting else QUESTION_SCRIPT
        sender = f"bench-{uuid.uuid4().hex[:12]}"
        email = f"{sender}@example.org"
        for step, template in script:
            text = template
            if step == "question":
                text = rng.choice(question_pool())
            elif step == "email":
                text = email
            elif step == "code":
                assert mailbox is not None
                try:
                    text = await mailbox.code_for(email)
                except TimeoutError as exc:
                    record(Sample(step, time.monotonic(), 0.0, False, str(exc)))
                    break
            started = time.monotonic()
            try:
                async with http.post(webhook, json={"sender": sender, "message": text}) as response:
                    await response.read()
                    ok, error = response.status == 200, "" if response.status == 200 else f"HTTP {response.status}"
            except (TimeoutError, aiohttp.ClientError) as exc:
                ok, error = False, type(exc).__name__
            record(Sample(step, started, time.monotonic() - started, ok, error))
            if load.pause:
                await asyncio.sleep(load.pause)


async def warm_up(webhook: str, messages: int = 12) -> None:
    """A few unmeasured messages, so that lazy loading and first inferences do not count."""
    check_local(webhook)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as http:
        for i in range(messages):
            step, text = QUESTION_SCRIPT[i % len(QUESTION_SCRIPT)]
            text = question_pool()[i] if step == "question" else text
            async with http.post(webhook, json={"sender": f"warm-up-{i // 6}", "message": text}) as response:
                await response.read()


async def run_load(webhook: str, load: Load, mailbox: CodeMailbox | None) -> LoadResult:
    """Drive ``load`` against ``webhook``; stops at the load's time limit."""
    check_local(webhook)
    result = LoadResult()
    timeout = aiohttp.ClientTimeout(total=60)
    connector = aiohttp.TCPConnector(limit=load.visitors)
    started = time.monotonic()
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        tasks: list[Awaitable[None]] = [
            _visitor(i, load, webhook, http, mailbox, result.samples.append) for i in range(load.visitors)
        ]
        try:
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=load.time_limit)
        except TimeoutError:
            result.timed_out = True
    result.wall_seconds = time.monotonic() - started
    return result
