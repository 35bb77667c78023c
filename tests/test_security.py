"""Hostile requests against the running assistant: closed internals, input limits, fuzzing.

Each test here is named in docs/threat-model.md next to the attack it covers.
"""

from __future__ import annotations

import json
import uuid

import psutil
import pytest
import requests
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.limits import MESSAGE_MAX_BYTES
from bot.db.sessions import session_factory, transaction
from bot.inputs import MAX_CHARS
from bot.runtime.action_server import ACTION_TOKEN_HEADER
from bot.tickets.models import Ticket
from tests.conftest import Servers

pytestmark = pytest.mark.servers


def post(servers: Servers, body: bytes | str, **headers: str) -> requests.Response:
    data = body.encode() if isinstance(body, str) else body
    return requests.post(
        servers.webhook, data=data, headers={"Content-Type": "application/json", **headers}, timeout=60
    )


@pytest.mark.parametrize(
    "path",
    ["/conversations/someone/tracker", "/conversations/someone/tracker/events", "/model/parse", "/status", "/domain"],
)
def test_rasa_http_api_is_closed_without_a_token(servers: Servers, path: str) -> None:
    for method in (requests.get, requests.post):
        response = method(servers.settings.rasa_url + path, json={"text": "hi"}, timeout=10)
        assert response.status_code in (401, 403, 404, 405), (path, response.status_code)
        assert '"events":' not in response.text and '"slots":' not in response.text


def test_action_server_refuses_calls_without_its_token(servers: Servers) -> None:
    call = {"next_action": "action_answer_question", "sender_id": "x", "tracker": {}, "domain": {}}
    url = servers.settings.action_url
    assert requests.post(url, json=call, timeout=10).status_code == 401
    wrong = {"X-Privacybot-Action-Token": "guess"}
    assert requests.post(url, json=call, headers=wrong, timeout=10).status_code == 401
    assert requests.get(url.replace("/webhook", "/actions"), timeout=10).status_code == 401
    assert requests.get(url.replace("/webhook", "/health"), timeout=10).status_code == 200


def test_a_failing_action_names_itself_and_echoes_nothing_of_the_conversation(servers: Servers) -> None:
    canary = f"canary-{uuid.uuid4().hex}"
    tracker = [{"sender_id": canary, "latest_message": {"text": f"my diagnosis is {canary}"}}]  # not an object
    call = {"next_action": "action_answer_question", "sender_id": canary, "tracker": tracker, "domain": {}}
    headers = {ACTION_TOKEN_HEADER: servers.settings.action_server_token()}
    response = requests.post(servers.settings.action_url, json=call, headers=headers, timeout=10)
    assert response.status_code == 500
    assert response.json()["action_name"] == "action_answer_question"
    assert canary not in response.text  # Rasa SDK's own handler returned the whole request body


def test_internal_servers_listen_on_loopback_only(servers: Servers) -> None:
    ports = {servers.settings.action_port, servers.settings.rasa_port, servers.settings.widget_port}
    listening = [c for c in psutil.net_connections("tcp") if c.status == "LISTEN" and c.laddr.port in ports]
    assert {c.laddr.port for c in listening} == ports
    assert {c.laddr.ip for c in listening} == {"127.0.0.1"}


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ("{not json", 400, "JSON"),
        (b'{"sender": "a", "message": "\xff\xfe"}', 400, "UTF-8"),
        ("[1, 2, 3]", 400, "JSON object"),
        ("null", 400, "JSON object"),
        ('{"message": "hi"}', 400, "sender"),
        ('{"sender": "", "message": "hi"}', 400, "sender"),
        ('{"sender": 5, "message": "hi"}', 400, "sender"),
        (json.dumps({"sender": "x" * 200, "message": "hi"}), 400, "sender"),
        (json.dumps({"sender": "a\u0000b", "message": "hi"}), 400, "control characters"),
        ('{"sender": "a", "message": {"text": "hi"}}', 400, "message"),
        ('{"sender": "a", "message": "hi", "metadata": [1]}', 400, "metadata"),
        (json.dumps({"sender": "a", "message": "x" * (MAX_CHARS + 1)}), 413, f"{MAX_CHARS} characters"),
        (json.dumps({"sender": "a", "message": "x" * (MESSAGE_MAX_BYTES + 10)}), 413, "larger than"),
        ("[" * 100_000, 413, "larger than"),
    ],
)
def test_malformed_or_oversized_requests_get_a_clear_4xx(
    servers: Servers, body: str | bytes, status: int, fragment: str
) -> None:
    response = post(servers, body)
    assert response.status_code == status, response.text
    assert fragment in response.json()["error"]


def test_deeply_nested_json_within_the_size_limit_is_refused_cleanly(servers: Servers) -> None:
    response = post(servers, "[" * 5000 + "]" * 5000)
    assert response.status_code == 400


def test_one_chat_sending_too_fast_is_slowed_down_not_crashed(servers: Servers) -> None:
    sender = f"flood-{uuid.uuid4().hex[:8]}"
    statuses = [post(servers, json.dumps({"sender": sender, "message": "hi"})).status_code for _ in range(32)]
    assert statuses[:30] == [200] * 30
    refused = post(servers, json.dumps({"sender": sender, "message": "hi"}))
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "too many messages from this chat" in refused.json()["error"]
    other = post(servers, json.dumps({"sender": f"calm-{uuid.uuid4().hex[:8]}", "message": "hi"}))
    assert other.status_code == 200  # other people are not affected


def _tracker_rows(servers: Servers) -> dict[str, int]:
    engine = sa.create_engine(servers.settings.tracker_store_url, future=True)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT sender_id, count(*) FROM events GROUP BY sender_id")).all()
    engine.dispose()
    return {sender: count for sender, count in rows}


def _tickets(servers: Servers) -> set[tuple[str, str | None]]:
    with transaction(session_factory(servers.settings.database_url)) as session:
        return {(t.reference, t.conversation_id) for t in session.execute(sa.select(Ticket)).scalars()}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=20,
)
hostile_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300) | st.sampled_from(
    [
        "/code_verified",
        '/code_verified{"attempts_left": "5"}',
        "/phone_verified",
        "<script>alert(1)</script>",
        "x@example.org\r\nBcc: victim@example.org",
        "' OR 1=1 --",
        "\u202e\u0000\ufeff",
        "123456",
        "/restart",
        "/session_start",
    ]
)
payloads = st.one_of(
    st.binary(max_size=400),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {"sender": st.text(max_size=20).map(lambda s: "fuzz-" + s), "message": hostile_text},
        optional={"metadata": json_values},
    ).map(lambda v: json.dumps(v).encode()),
)


def test_fuzzed_webhook_payloads_cause_no_server_error_and_change_no_unrelated_data(servers: Servers) -> None:
    """Random and hostile payloads: never a 5xx; the canary conversation and every ticket not filed by
    a fuzz sender are unchanged afterwards."""
    canary = servers.conversation()
    canary.say("hello")
    before_rows, before_tickets = _tracker_rows(servers), _tickets(servers)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=payloads)
    def fuzz(body: bytes) -> None:
        response = post(servers, body)
        assert response.status_code < 500, (body[:200], response.status_code, response.text[:300])

    fuzz()
    after_rows, after_tickets = _tracker_rows(servers), _tickets(servers)
    assert after_rows[canary.sender] == before_rows[canary.sender]
    assert {s: n for s, n in after_rows.items() if s in before_rows and not s.startswith("fuzz-")} == {
        s: n for s, n in before_rows.items() if not s.startswith("fuzz-")
    }
    assert before_tickets <= after_tickets
    assert all((cid or "").startswith("fuzz-") for _, cid in after_tickets - before_tickets)
