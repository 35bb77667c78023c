"""The systems the benchmark drives, each started on free localhost ports and stopped afterwards.

- ``embedded``: one Rasa server, SQLite tracker store, in-memory lock store.
- ``production-1`` / ``production-2``: PostgreSQL tracker store and tickets, Redis lock store; one
  Rasa server, or two behind HAProxy.
- ``rasa-init``: Rasa's own starter bot (``rasa init``), in-memory stores, no action server.

Every target sends email to the benchmark's own SMTP server on localhost.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import psutil

from bot.devtools.bench.harness import Load
from bot.runtime.local_stack import free_port, local_env, settings_from_env
from bot.runtime.runner import process_specs, wait_for_http
from bot.runtime.scratch_db import scratch_database
from bot.runtime.supervisor import ProcessSpec, Supervisor

POSTGRES_ADMIN_URL = os.environ.get("PRIVACYBOT_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("PRIVACYBOT_BENCH_REDIS", "redis://127.0.0.1:6379/2")


class MemorySampler:
    """Peak resident memory per supervised process (with its children), sampled twice a second."""

    def __init__(self, supervisor: Supervisor):
        self.supervisor = supervisor
        self.peak_mb: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, proc in list(self.supervisor.procs.items()):
                with contextlib.suppress(psutil.Error):
                    root = psutil.Process(proc.pid)
                    rss = sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])
                    self.peak_mb[name] = max(self.peak_mb.get(name, 0.0), rss / 2**20)
            self._stop.wait(0.5)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


@dataclass
class Running:
    """A started target: where to send messages, its processes and how long it took to answer."""

    name: str
    webhook: str
    supervisor: Supervisor
    start_seconds: float
    memory: MemorySampler = field(init=False)


def _env(settings_env: dict[str, str], specs: list[ProcessSpec]) -> list[ProcessSpec]:
    return [replace(spec, env={**spec.env, **settings_env}) for spec in specs]


@contextmanager
def _supervised(name: str, specs: list[ProcessSpec], base_url: str, log: Path) -> Iterator[Running]:
    with log.open("w", encoding="utf-8") as out:
        supervisor = Supervisor(specs, out=out)
        started = time.monotonic()
        supervisor.start()
        try:
            if not wait_for_http(base_url + "/", 300, supervisor):
                raise RuntimeError(f"{name} did not start; see {log}")
            running = Running(name, base_url + "/webhooks/rest/webhook", supervisor, time.monotonic() - started)
            with MemorySampler(supervisor) as sampler:
                running.memory = sampler
                yield running
        finally:
            supervisor.request_stop()
            supervisor.stop_all()


def load_for(load: Load, target: str) -> Load:
    """``load`` as ``target`` can take it: the starter bot has no request flow, so its visitors only chat."""
    return replace(load, with_requests=load.with_requests and target != "rasa-init")


@contextmanager
def start_target(name: str, model: Path, workdir: Path, smtp_port: int) -> Iterator[Running]:
    """Start target ``name`` (one of ``bot.devtools.bench.TARGETS``) and stop it on exit."""
    from bot.runtime.wiring import prepare

    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / f"{name}.log"
    if name == "rasa-init":
        with _rasa_init(workdir, log) as running:
            yield running
        return
    env = local_env(
        workdir / name,
        smtp_port,
        worker_interval="2",
        # every simulated visitor comes from 127.0.0.1: the per-client limit would refuse them
        messages_per_minute_per_client="1000000",
        codes_per_conversation_per_hour="20",
    )
    if name == "embedded":
        settings = settings_from_env(env)
        prepare(settings)
        with _supervised(name, _env(env, process_specs(settings, model)), settings.rasa_url, log) as running:
            yield running
        return
    replicas = int(name.rsplit("-", 1)[1])
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    with (
        scratch_database(POSTGRES_ADMIN_URL, "privacybot_bench") as tickets_url,
        scratch_database(POSTGRES_ADMIN_URL, "privacybot_bench") as tracker_url,
    ):
        env |= {
            "PRIVACYBOT_PROFILE": "production",
            "PRIVACYBOT_DATABASE_URL": tickets_url,
            "PRIVACYBOT_TRACKER_STORE_URL": tracker_url,
            "PRIVACYBOT_REDIS_URL": REDIS_URL,
            "PRIVACYBOT_REDIS_KEY_PREFIX": prefix,
            "PRIVACYBOT_VERIFICATION_SECRET": secrets.token_hex(32),
            "PRIVACYBOT_ACTION_TOKEN": secrets.token_hex(32),
        }
        settings = settings_from_env(env)
        prepare(settings)
        ports = [free_port() for _ in range(replicas)]
        specs = _env(env, process_specs(settings, model, replicas, ports))
        with _supervised(name, specs, settings.rasa_url, log) as running:
            yield running
        _clear_redis(prefix)


def _clear_redis(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def rasa_init_project(workdir: Path) -> Path:
    """Rasa's starter bot, created and trained once into ``workdir/rasa-init`` (reused afterwards)."""
    project = workdir / "rasa-init"
    models = project / "models"
    if not (models.exists() and any(models.glob("*.tar.gz"))):
        project.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "rasa", "init", "--no-prompt", "--init-dir", str(project)],
            check=True,
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return project


@contextmanager
def _rasa_init(workdir: Path, log: Path) -> Iterator[Running]:
    project = rasa_init_project(workdir)
    port = free_port()
    argv = [sys.executable, "-m", "rasa", "run", "--model", str(project / "models"), "--port", str(port)]
    argv += ["--interface", "127.0.0.1"]
    spec = ProcessSpec("rasa", argv, cwd=str(project))
    with _supervised("rasa-init", [spec], f"http://127.0.0.1:{port}", log) as running:
        yield running
