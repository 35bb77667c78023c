"""The processes of the assistant and how `privacybot run` starts them."""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.runtime.balancer import haproxy_binary, write_haproxy_config
from bot.runtime.supervisor import ProcessSpec, Supervisor
from bot.settings import PROJECT_ROOT, Settings

ENDPOINTS_FILE = PROJECT_ROOT / "bot" / "endpoints.yml"
CREDENTIALS_FILE = PROJECT_ROOT / "bot" / "credentials.yml"

# One inference thread per process: several processes share the cores, and replicas (not threads) are
# how the assistant scales. Measured on 2 cores: about 10% more messages per second, lower p95.
# A value already in the environment wins.
THREAD_LIMITS = {
    "TF_INTRA_OP_PARALLELISM_THREADS": "1",
    "TF_INTER_OP_PARALLELISM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
}


def thread_limits() -> dict[str, str]:
    """THREAD_LIMITS, except where the environment already sets them."""
    return {key: os.environ.get(key, value) for key, value in THREAD_LIMITS.items()}


def quiet_warnings() -> dict[str, str]:
    """No DeprecationWarnings from the libraries Rasa imports (dozens of lines at every start that bury
    what the processes say); a PYTHONWARNINGS already in the environment wins."""
    return {"PYTHONWARNINGS": os.environ.get("PYTHONWARNINGS", "ignore::DeprecationWarning")}


class ClusterConfigError(ValueError):
    """Several replicas were asked for with settings that cannot share conversations."""


def rasa_environment(settings: Settings) -> dict[str, str]:
    """Environment that bot/endpoints.yml reads."""
    redis = urllib.parse.urlsplit(settings.redis_url or "redis://localhost:6379/1")
    return {
        "PRIVACYBOT_ACTION_URL": settings.action_url,
        "PRIVACYBOT_ACTION_TOKEN": settings.action_server_token(),
        "PRIVACYBOT_TRACKER_STORE_URL": settings.tracker_store_url,
        "PRIVACYBOT_LOCK_STORE_TYPE": "redis" if settings.redis_url else "in_memory",
        "PRIVACYBOT_REDIS_HOST": redis.hostname or "localhost",
        "PRIVACYBOT_REDIS_PORT": str(redis.port or 6379),
        "PRIVACYBOT_REDIS_DB": redis.path.strip("/") or "1",
        "PRIVACYBOT_REDIS_PASSWORD": urllib.parse.unquote(redis.password or ""),
        "PRIVACYBOT_REDIS_KEY_PREFIX": settings.redis_key_prefix,
        "LOG_LEVEL": settings.log_level,
        "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2"),  # TensorFlow's C++ start-up chatter
        **thread_limits(),
        **quiet_warnings(),
    }


def rasa_server_spec(
    settings: Settings, model: Path, name: str = "rasa", port: int | None = None, restart: bool = False
) -> ProcessSpec:
    """A Rasa server: the channels of bot/credentials.yml; HTTP API only with a token."""
    argv = [
        sys.executable,
        "-m",
        "bot.runtime.rasa_server",
        "run",
        "--model",
        str(model),
        "--endpoints",
        str(ENDPOINTS_FILE),
        "--credentials",
        str(CREDENTIALS_FILE),
        "--interface",
        settings.host,
        "--port",
        str(port or settings.rasa_port),
        "--cors",
        *[o.strip() for o in settings.cors_origins.split(",") if o.strip()],
    ]
    api_token = settings.rasa_api_token.get_secret_value()
    if api_token:
        argv += ["--enable-api", "--auth-token", api_token]
    return ProcessSpec(name, argv, env=rasa_environment(settings), cwd=str(PROJECT_ROOT), restart=restart)


def action_server_spec(settings: Settings, restart: bool = False) -> ProcessSpec:
    """The action server (Rasa SDK with the `actions` package, token-checked)."""
    argv = [sys.executable, "-m", "bot.cli", "actions"]
    env = {**thread_limits(), **quiet_warnings()}
    return ProcessSpec("actions", argv, env=env, cwd=str(PROJECT_ROOT), restart=restart)


def worker_spec(settings: Settings, restart: bool = False) -> ProcessSpec:
    """The worker: email outbox, DPO reminders and retention."""
    return ProcessSpec("worker", [sys.executable, "-m", "bot.cli", "worker"], cwd=str(PROJECT_ROOT), restart=restart)


def balancer_spec(settings: Settings, replica_ports: Sequence[int]) -> ProcessSpec:
    """HAProxy on the public Rasa port, in front of the replicas."""
    config = write_haproxy_config(settings, replica_ports)
    return ProcessSpec("balancer", [haproxy_binary(), "-db", "-f", str(config)], restart=True)


def replica_ports(settings: Settings, replicas: int) -> list[int]:
    """Internal ports of the Rasa replicas: the ones after the public port (which HAProxy takes)."""
    taken = {settings.action_port, settings.widget_port, settings.console_port, settings.telegram_webhook_port}
    ports: list[int] = []
    candidate = settings.rasa_port
    while len(ports) < replicas:
        candidate += 1
        if candidate not in taken:
            ports.append(candidate)
    return ports


def check_cluster(settings: Settings, replicas: int) -> None:
    """Refuse replica counts the configuration cannot serve, naming the variable to change."""
    if replicas < 1 or replicas > 16:
        raise ClusterConfigError("--replicas must be between 1 and 16")
    if replicas == 1:
        return
    if not settings.redis_url:
        raise ClusterConfigError(
            "several replicas share conversations through a Redis lock store: set PRIVACYBOT_REDIS_URL"
        )
    if settings.tracker_store_url.startswith("sqlite"):
        raise ClusterConfigError(
            "several replicas need a shared tracker store: set PRIVACYBOT_TRACKER_STORE_URL to a postgresql:// URL"
        )


def widget_spec(settings: Settings) -> ProcessSpec:
    """The demo page with the chat widget."""
    return ProcessSpec("widget", [sys.executable, "-m", "bot.cli", "widget"], cwd=str(PROJECT_ROOT))


def console_spec(settings: Settings) -> ProcessSpec:
    """The DPO's web console."""
    return ProcessSpec("console", [sys.executable, "-m", "bot.cli", "console"], cwd=str(PROJECT_ROOT))


def telegram_spec(settings: Settings) -> ProcessSpec:
    """The Telegram bridge."""
    return ProcessSpec("telegram", [sys.executable, "-m", "bot.cli", "telegram"], cwd=str(PROJECT_ROOT))


def process_specs(settings: Settings, model: Path, replicas: int = 1, ports: Sequence[int] = ()) -> list[ProcessSpec]:
    """Every process `privacybot run` supervises (Telegram only with a bot token).

    With several replicas, HAProxy takes the public Rasa port and the replicas listen on internal
    ports (``ports`` or the ones after the public port); crashed replicas, the action server and
    the worker are restarted instead of stopping everything.
    """
    check_cluster(settings, replicas)
    if replicas == 1:
        specs = [action_server_spec(settings), rasa_server_spec(settings, model), worker_spec(settings)]
    else:
        ports = list(ports) or replica_ports(settings, replicas)
        specs = [action_server_spec(settings, restart=True), worker_spec(settings, restart=True)]
        specs += [
            rasa_server_spec(settings, model, name=f"rasa{i + 1}", port=port, restart=True)
            for i, port in enumerate(ports[:replicas])
        ]
        specs.append(balancer_spec(settings, ports[:replicas]))
    specs.append(widget_spec(settings))
    specs.append(console_spec(settings))
    if settings.telegram_token.get_secret_value():
        specs.append(telegram_spec(settings))
    return specs


def wait_for_http(url: str, timeout: float, stop: Supervisor | None = None) -> bool:
    """Poll ``url`` until it answers 200 or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stop is not None and stop.stopping:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    return False


def announce_when_ready(settings: Settings, timeout: float = 300.0) -> Callable[[Supervisor], None]:
    """Return a callback that prints where to chat once the assistant answers: the Rasa server (which
    listens only once its model is loaded) and the action server. Nobody is sent to the page earlier."""

    def _announce(supervisor: Supervisor) -> None:
        started = time.monotonic()
        action_health = f"http://{settings.host}:{settings.action_port}/health"
        if wait_for_http(settings.rasa_url + "/", timeout, supervisor) and wait_for_http(
            action_health, max(1.0, timeout - (time.monotonic() - started)), supervisor
        ):
            webhook = f"{settings.rasa_url}/webhooks/rest/webhook"
            supervisor.say(f"ready after {time.monotonic() - started:.0f}s. Chat with the assistant:")
            supervisor.say(f"  in a browser: http://{settings.host}:{settings.widget_port}/")
            supervisor.say(
                f"  curl -s -XPOST {webhook} -H 'Content-Type: application/json' "
                '-d \'{"sender": "me", "message": "hello"}\''
            )
            supervisor.say(f"DPO console on http://{settings.host}:{settings.console_port}/")
            supervisor.say("Press Ctrl-C to stop.")
        elif not supervisor.stopping:
            supervisor.say(f"the Rasa server did not answer within {timeout:.0f}s")

    return _announce
