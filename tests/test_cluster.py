"""The production profile with two Rasa replicas behind HAProxy: faults with real processes.

PostgreSQL (tickets and conversations, each test run in its own databases), Redis (lock store, own
key prefix), a real SMTP server, HAProxy from Debian's package. Each test kills or cuts something
mid-conversation and checks that the conversation goes on and files exactly one ticket.
"""

from __future__ import annotations

import csv
import io
import os
import secrets
import signal
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import redis
import requests
import sqlalchemy as sa

from bot.db.sessions import session_factory, transaction
from bot.runtime.balancer import stats_socket
from bot.runtime.local_stack import free_port, local_env, settings_from_env
from bot.runtime.runner import process_specs, wait_for_http
from bot.runtime.supervisor import Supervisor
from bot.settings import Settings
from bot.tickets.models import Ticket
from tests.conftest import Conversation, Mailbox, postgres_database

pytestmark = pytest.mark.servers

REDIS_URL = os.environ.get("PRIVACYBOT_TEST_REDIS", "redis://127.0.0.1:6379/1")


@dataclass
class Cluster:
    """The running production cluster as the tests see it."""

    settings: Settings
    supervisor: Supervisor
    ports: list[int]

    @property
    def webhook(self) -> str:
        return f"{self.settings.rasa_url}/webhooks/rest/webhook"

    def conversation(self) -> Conversation:
        return Conversation(self, sender=f"cluster-{uuid.uuid4().hex[:12]}")  # type: ignore[arg-type]

    def tickets_of(self, sender: str) -> list[Ticket]:
        with transaction(session_factory(self.settings.database_url)) as session:
            return list(session.execute(sa.select(Ticket).where(Ticket.conversation_id == sender)).scalars())

    def served(self) -> dict[str, int]:
        """How many requests HAProxy has passed to each replica so far (from its statistics socket)."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(10)
            conn.connect(str(stats_socket(self.settings)))
            conn.sendall(b"show stat\n")
            data = b"".join(iter(lambda: conn.recv(65536), b""))
        rows = csv.DictReader(io.StringIO(data.decode().removeprefix("# ")))
        return {r["svname"]: int(r["stot"]) for r in rows if r["pxname"] == "rest" and r["svname"] != "BACKEND"}

    def kill(self, name: str) -> int:
        """SIGKILL a process (and its group); return its pid."""
        pid = self.supervisor.procs[name].pid
        os.killpg(pid, signal.SIGKILL)
        return pid

    def wait_restarted(self, name: str, old_pid: int, health: str, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while self.supervisor.procs[name].pid == old_pid and time.monotonic() < deadline:
            time.sleep(0.2)
        assert self.supervisor.procs[name].pid != old_pid, f"{name} was not restarted"
        assert wait_for_http(health, timeout=max(1.0, deadline - time.monotonic())), f"{name} did not come back"


@pytest.fixture(scope="module")
def cluster(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory, output_dir: Path, mailbox: Mailbox
) -> Iterator[Cluster]:
    from bot.runtime.wiring import prepare

    prefix = f"test{uuid.uuid4().hex[:10]}"
    with postgres_database() as tickets_url, postgres_database() as tracker_url:
        env = local_env(
            tmp_path_factory.mktemp("cluster"),
            mailbox.port,
            profile="production",
            database_url=tickets_url,
            tracker_store_url=tracker_url,
            redis_url=REDIS_URL,
            redis_key_prefix=prefix,
            dpo_email="dpo-cluster@example.org",
            worker_interval="0.5",
            code_cooldown_seconds="3",
            verification_secret=secrets.token_hex(32),
            action_token=secrets.token_hex(32),
            rasa_api_token=secrets.token_hex(32),
        )
        settings = settings_from_env(env)
        prepare(settings)
        ports = [free_port(), free_port()]
        log = output_dir / "cluster.log"
        with log.open("w", encoding="utf-8") as out:
            specs = [
                replace(spec, env={**spec.env, **env}) for spec in process_specs(settings, trained_model, 2, ports)
            ]
            supervisor = Supervisor(specs, out=out)
            supervisor.start()
            waiter = threading.Thread(target=supervisor.wait, daemon=True)
            waiter.start()
            try:
                ready = all(wait_for_http(f"http://127.0.0.1:{p}/", 300, supervisor) for p in ports)
                ready = ready and wait_for_http(settings.rasa_url + "/", 30)
                ready = ready and wait_for_http(f"http://{settings.host}:{settings.action_port}/health", 60)
                if not ready:
                    pytest.fail(f"cluster did not start; see {log}")
                yield Cluster(settings, supervisor, ports)
            finally:
                supervisor.request_stop()
                waiter.join(timeout=60)
                client = redis.Redis.from_url(REDIS_URL)
                for key in client.scan_iter(f"{prefix}*"):
                    client.delete(key)


def test_replicas_start_without_racing_to_create_the_conversation_table(cluster: Cluster, output_dir: Path) -> None:
    log = (output_dir / "cluster.log").read_text(encoding="utf-8")
    assert "Starting Rasa server" in log
    assert "Could not create tables" not in log and "UniqueViolation" not in log


def test_the_rasa_api_with_a_token_configured_answers_only_with_it(cluster: Cluster) -> None:
    """Production turns Rasa's HTTP API on with a token: through the balancer, no token or a wrong one gets 401."""
    url = f"{cluster.settings.rasa_url}/conversations/api-probe/tracker"
    real = cluster.settings.rasa_api_token.get_secret_value()
    assert requests.get(url, timeout=30).status_code == 401
    assert requests.get(url, params={"token": "guess"}, timeout=30).status_code == 401
    assert requests.get(url, params={"token": real[:-1]}, timeout=30).status_code == 401
    assert requests.get(url, params={"token": real}, timeout=30).status_code == 200


def address() -> str:
    return f"person-{uuid.uuid4().hex[:10]}@example.com"


def request_to_code(chat: Conversation, email: str) -> None:
    assert "(Art. 15 GDPR)" in chat.say_text("what personal data do you hold about me? I want a copy")
    assert "email address" in chat.say_text("yes")
    assert "6-digit code" in chat.say_text(email)


def test_kill_9_of_a_replica_mid_conversation_loses_nothing(cluster: Cluster, mailbox: Mailbox) -> None:
    chat, email = cluster.conversation(), address()
    before = cluster.served()
    assert "(Art. 15 GDPR)" in chat.say_text("what personal data do you hold about me? I want a copy")
    after = cluster.served()
    [replica] = [name for name in after if after[name] > before.get(name, 0)]  # the one that served it
    [other] = [name for name in after if name != replica]
    killed = cluster.kill(replica)
    assert "email address" in chat.say_text("yes")  # served by the other, with the state the killed one left
    assert "6-digit code" in chat.say_text(email)
    reply = chat.say_text(mailbox.latest_code(email))
    assert "filed with reference" in reply
    assert len(cluster.tickets_of(chat.sender)) == 1
    assert cluster.served()[other] >= after[other] + 3  # the rest of the conversation went to the other replica
    port = cluster.ports[int(replica.removeprefix("rasa")) - 1]
    cluster.wait_restarted(replica, killed, f"http://127.0.0.1:{port}/")
    assert "Hi" in chat.say_text("hello")  # both replicas serve again
    assert "Hi" in chat.say_text("hello")


def _replay_file_ticket(cluster: Cluster, sender: str) -> requests.Response:
    """Send the action server the call Rasa made to file the ticket, again (a retried action)."""
    api = cluster.settings.rasa_url
    token = {"token": cluster.settings.rasa_api_token.get_secret_value()}
    url = f"{api}/conversations/{sender}/tracker"
    events = requests.get(url, params=token, timeout=30).json()["events"]
    filed = max(i for i, e in enumerate(events) if e["event"] == "action" and e["name"] == "action_file_ticket")
    until = {**token, "until": str(events[filed - 1]["timestamp"])}
    tracker = requests.get(url, params=until, timeout=30).json()  # the state Rasa sent the action server
    domain = requests.get(f"{api}/domain", params=token, headers={"Accept": "application/json"}, timeout=30).json()
    call = {"next_action": "action_file_ticket", "sender_id": sender, "tracker": tracker, "domain": domain}
    return requests.post(
        cluster.settings.action_url,
        json=call,
        headers={"X-Privacybot-Action-Token": cluster.settings.action_server_token()},
        timeout=30,
    )


def test_action_server_restart_mid_request_files_once(cluster: Cluster, mailbox: Mailbox) -> None:
    chat, email = cluster.conversation(), address()
    request_to_code(chat, email)
    killed = cluster.kill("actions")
    code = mailbox.latest_code(email)
    answered = chat.say(f"my code is {code}")  # the action server is down: no crash, no ticket
    assert isinstance(answered, list)
    assert cluster.tickets_of(chat.sender) == []
    health = f"http://{cluster.settings.host}:{cluster.settings.action_port}/health"
    cluster.wait_restarted("actions", killed, health)
    assert "filed with reference" in chat.say_text(f"my code is {code}")  # the same code retries the filing
    [ticket] = cluster.tickets_of(chat.sender)
    replayed = _replay_file_ticket(cluster, chat.sender)
    assert replayed.status_code == 200, replayed.text
    assert ticket.reference in replayed.text  # the retried action reports the same ticket
    assert [t.reference for t in cluster.tickets_of(chat.sender)] == [ticket.reference]


def test_terminated_database_connections_are_replaced(cluster: Cluster, mailbox: Mailbox) -> None:
    chat, email = cluster.conversation(), address()
    assert "(Art. 15 GDPR)" in chat.say_text("what personal data do you hold about me? I want a copy")
    names = [
        sa.engine.make_url(u).database for u in (cluster.settings.database_url, cluster.settings.tracker_store_url)
    ]
    admin = sa.create_engine(cluster.settings.database_url.rsplit("/", 1)[0] + "/postgres", future=True)
    with admin.connect() as conn:
        killed = conn.execute(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = ANY(:names) AND pid <> pg_backend_pid()"
            ),
            {"names": names},
        ).scalar()
    admin.dispose()
    assert killed and killed >= 2  # the replicas' and the action server's pooled connections
    assert "email address" in chat.say_text("yes")
    assert "6-digit code" in chat.say_text(email)
    assert "filed with reference" in chat.say_text(mailbox.latest_code(email))
    assert len(cluster.tickets_of(chat.sender)) == 1


def test_unsafe_production_settings_are_refused(cluster: Cluster) -> None:
    """The cluster runs because its settings are safe; the same settings with one unsafe value do not."""
    from bot.settings import ConfigError, load_settings

    base: dict[str, Any] = {
        "PRIVACYBOT_PROFILE": "production",
        "PRIVACYBOT_DATABASE_URL": cluster.settings.database_url,
        "PRIVACYBOT_TRACKER_STORE_URL": cluster.settings.tracker_store_url,
        "PRIVACYBOT_REDIS_URL": REDIS_URL,
        "PRIVACYBOT_EMAIL_BACKEND": "smtp",
        "PRIVACYBOT_VERIFICATION_SECRET": secrets.token_hex(32),
        "PRIVACYBOT_ACTION_TOKEN": secrets.token_hex(32),
    }
    os.environ.update(base)
    try:
        assert load_settings().profile == "production"
        os.environ["PRIVACYBOT_VERIFICATION_SECRET"] = "change-me-change-me-change-me-change-me"
        with pytest.raises(ConfigError, match="PRIVACYBOT_VERIFICATION_SECRET looks like a placeholder"):
            load_settings()
    finally:
        for key in base:
            os.environ.pop(key, None)
