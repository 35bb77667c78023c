"""A small HTTP client for the console tests: keeps cookies itself (also Secure ones over plain HTTP)."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests
from sanic import Sanic

from bot.console.app import create_app
from bot.runtime.local_stack import free_port
from bot.settings import Settings

CSRF_RE = re.compile(r'name="csrf" value="([^"]+)"')


class Clock:
    """The console's time, moved by the test."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Client:
    """One browser's view of the console."""

    base: str
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookie_headers: list[str] = field(default_factory=list)

    def request(self, method: str, path: str, follow: bool = True, **kwargs: Any) -> requests.Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        response = requests.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        for raw in response.raw.headers.getlist("Set-Cookie"):
            self.set_cookie_headers.append(raw)
            name, _, rest = raw.partition("=")
            value = rest.split(";", 1)[0]
            if value and "Max-Age=0" not in raw:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        if follow and response.status_code in (301, 302, 303):
            return self.request("GET", response.headers["Location"])
        return response

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def csrf(self, path: str) -> str:
        match = CSRF_RE.search(self.get(path).text)
        assert match, f"no form on {path}"
        return match.group(1)

    def post(self, path: str, data: dict[str, str], form_page: str | None = None, **kwargs: Any) -> requests.Response:
        """Post a form the way a browser would: with the CSRF token of the page that shows it."""
        token = self.csrf(form_page or path)
        return self.request("POST", path, data={"csrf": token, **data}, **kwargs)

    def login(self, email: str, password: str) -> requests.Response:
        return self.post("/login", {"email": email, "password": password})


@contextmanager
def serving_in_thread(app: Sanic, host: str, port: int) -> Iterator[None]:
    """Serve ``app`` from a background thread, so the console's clock stays in the test's hands."""
    Sanic.test_mode = True  # lets Sanic prepare a second app in the same process
    loop = asyncio.new_event_loop()
    started = threading.Event()
    server: dict[str, object] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)

        async def start() -> None:
            srv = await app.create_server(host=host, port=port, return_asyncio_server=True, access_log=False)
            assert srv is not None
            await srv.startup()
            await srv.after_start()
            server["srv"] = srv
            started.set()

        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=run, name="console", daemon=True)
    thread.start()
    if not started.wait(30):
        raise RuntimeError("the console did not start")
    try:
        yield
    finally:

        async def stop() -> None:
            srv = server["srv"]
            await srv.before_stop()  # type: ignore[attr-defined]
            srv.close()  # type: ignore[attr-defined]
            await srv.wait_closed()  # type: ignore[attr-defined]

        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


@contextmanager
def running_console(settings: Settings, clock: Callable[[], datetime]) -> Iterator[str]:
    """The console on a free port in this process; yields its base URL."""
    port = free_port()
    with serving_in_thread(create_app(settings, clock=clock), "127.0.0.1", port):
        yield f"http://127.0.0.1:{port}"
