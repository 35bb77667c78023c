"""Several replicas: the generated HAProxy configuration, the process set, refused configurations."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import main
from bot.runtime.balancer import haproxy_binary, stats_socket, write_haproxy_config
from bot.runtime.runner import ClusterConfigError, check_cluster, process_specs, rasa_environment
from bot.settings import Settings

CLUSTER = {
    "redis_url": "redis://:s%40cret@127.0.0.1:6380/3",
    "tracker_store_url": "postgresql://postgres@127.0.0.1:5432/conversations",
}


def test_generated_haproxy_config_is_valid_for_haproxy(settings_for: Callable[..., Settings]) -> None:
    settings = settings_for(**CLUSTER)
    path = write_haproxy_config(settings, [6001, 6002])
    text = path.read_text()
    assert "server rasa1 127.0.0.1:6001 check" in text and "server rasa2 127.0.0.1:6002 check" in text
    assert f"bind {settings.host}:{settings.rasa_port}" in text
    assert f'stats socket "{stats_socket(settings)}" mode 600 level user' in text  # tells which replica served
    checked = subprocess.run([haproxy_binary(), "-c", "-f", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_two_replicas_run_behind_the_balancer_and_restart(settings_for: Callable[..., Settings]) -> None:
    settings = settings_for(**CLUSTER)
    specs = {s.name: s for s in process_specs(settings, Path("model.tar.gz"), replicas=2, ports=[6001, 6002])}
    assert set(specs) == {"actions", "worker", "rasa1", "rasa2", "balancer", "widget", "console"}
    assert all(specs[n].restart for n in ("actions", "worker", "rasa1", "rasa2", "balancer"))
    assert "6001" in specs["rasa1"].argv and "6002" in specs["rasa2"].argv
    env = specs["rasa1"].env
    assert env["PRIVACYBOT_LOCK_STORE_TYPE"] == "redis"
    assert (env["PRIVACYBOT_REDIS_HOST"], env["PRIVACYBOT_REDIS_PORT"], env["PRIVACYBOT_REDIS_DB"]) == (
        "127.0.0.1",
        "6380",
        "3",
    )
    assert env["PRIVACYBOT_REDIS_PASSWORD"] == "s@cret"


def test_one_server_embedded_uses_the_in_memory_lock_store(settings_for: Callable[..., Settings]) -> None:
    settings = settings_for()
    env = rasa_environment(settings)
    assert env["PRIVACYBOT_LOCK_STORE_TYPE"] == "in_memory"
    assert env["PRIVACYBOT_TRACKER_STORE_URL"].startswith("sqlite:///")
    names = [s.name for s in process_specs(settings, Path("m.tar.gz"))]
    assert names == ["actions", "rasa", "worker", "widget", "console"]


@pytest.mark.parametrize(
    ("overrides", "variable"),
    [
        ({}, "PRIVACYBOT_REDIS_URL"),
        ({"redis_url": "redis://127.0.0.1:6379/1"}, "PRIVACYBOT_TRACKER_STORE_URL"),
    ],
)
def test_replicas_without_shared_stores_are_refused(
    settings_for: Callable[..., Settings], overrides: dict[str, str], variable: str
) -> None:
    with pytest.raises(ClusterConfigError, match=variable):
        check_cluster(settings_for(**overrides), 2)


def test_run_with_replicas_on_embedded_settings_fails_fast_with_the_reason(
    settings_for: Callable[..., Settings],
) -> None:
    settings_for()
    result = CliRunner().invoke(main, ["run", "--replicas", "2"])
    assert result.exit_code == 1
    assert "PRIVACYBOT_REDIS_URL" in result.output


def test_container_deployment_files_are_consistent() -> None:
    """compose.yaml runs commands the CLI has, from the image the Dockerfile builds from the lock."""
    import yaml

    from bot.settings import PROJECT_ROOT

    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text())
    commands = {name: svc.get("command") for name, svc in compose["services"].items()}
    ours = [c for c in commands.values() if c and c[0] == "privacybot"]
    assert {c[1] for c in ours} == {"db", "rasa-server", "actions", "worker", "widget", "console"}
    for command in ours:
        assert command[1] in main.commands
    assert compose["services"]["rasa"]["deploy"]["replicas"] == 2
    env = compose["services"]["rasa"]["environment"]
    assert env["PRIVACYBOT_PROFILE"] == "production" and "${" in env["PRIVACYBOT_VERIFICATION_SECRET"]
    console = compose["services"]["console"]
    assert console["environment"]["PRIVACYBOT_PROFILE"] == "production"  # TOTP required, Secure cookies
    assert console["ports"] == ["127.0.0.1:8090:8090"]  # not published beyond the host: put TLS in front
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert "-r requirements.lock" in dockerfile and "USER privacybot" in dockerfile
    checked = subprocess.run(
        [haproxy_binary(), "-c", "-f", str(PROJECT_ROOT / "deploy" / "haproxy.cfg")], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


class Replica:
    """A stand-in Rasa replica on localhost: answers HAProxy's health check, records the POSTs it receives."""

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.bodies: list[int] = []
        replica = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                self.answer(b"Hello from Rasa")

            def do_POST(self) -> None:
                size = 0
                if "chunked" in self.headers.get("Transfer-Encoding", ""):
                    while (chunk := int(self.rfile.readline().split(b";")[0], 16)) > 0:
                        size += len(self.rfile.read(chunk))
                        self.rfile.readline()
                    self.rfile.readline()
                else:
                    size = len(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                replica.bodies.append(size)
                self.answer(b"[]")

            def answer(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_the_balancer_refuses_bodies_above_its_limit_however_they_are_sent(
    settings_for: Callable[..., Settings],
) -> None:
    """HAProxy answers 413 above 64 KiB itself, for a declared length and for a chunked body alike."""
    import time

    import requests

    from bot.runtime.balancer import BALANCER_MAX_BODY_BYTES
    from bot.runtime.local_stack import free_port

    settings = settings_for(**CLUSTER, rasa_port=free_port())
    replicas = [Replica(), Replica()]
    config = write_haproxy_config(settings, [r.port for r in replicas])
    balancer = subprocess.Popen([haproxy_binary(), "-db", "-f", str(config)], stderr=subprocess.PIPE, text=True)
    url = f"http://{settings.host}:{settings.rasa_port}/webhooks/rest/webhook"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.post(url, data=b"{}", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        before = sum(len(r.bodies) for r in replicas)
        assert before >= 1  # small requests pass
        big = b"x" * (BALANCER_MAX_BODY_BYTES + 1)
        assert requests.post(url, data=big, timeout=10).status_code == 413
        chunked = requests.post(url, data=iter([big[:40_000], big[40_000:]]), timeout=10)  # no Content-Length
        assert chunked.status_code == 411 and "Content-Length" in chunked.json()["error"]
        assert sum(len(r.bodies) for r in replicas) == before  # neither reached a replica
    finally:
        balancer.terminate()
        balancer.wait(timeout=10)
        for r in replicas:
            r.server.shutdown()
