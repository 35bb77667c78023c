"""The person's language as message metadata: the widget and the Telegram bridge name it, the channels check it
and pass only it (a short code) to Rasa, where it is stored with the message (``UserMessage.metadata``)."""

from __future__ import annotations

import json
import re
import uuid

import pytest
import requests

from bot.channels.bridge import BRIDGE_TOKEN_HEADER
from bot.channels.limits import parse_message_body
from tests.conftest import Mailbox, Servers
from tests.test_bridge_channel import bridge_url, events, sender

RASAS_OWN = ("model_id", "assistant_id")  # Rasa adds these to every event's metadata


def user_metadata(servers: Servers, sender_id: str) -> list[dict[str, str]]:
    """The metadata each user message reached Rasa with (besides Rasa's own)."""
    return [
        {k: v for k, v in (e.get("metadata") or {}).items() if k not in RASAS_OWN}
        for e in events(servers, sender_id)
        if e["event"] == "user"
    ]


@pytest.mark.parametrize("language", ["de", "en", "de-AT", "pt_BR", "x" * 16])
def test_a_short_language_code_is_admitted(language: str) -> None:
    body = {"sender": "web-1", "message": "hallo", "metadata": {"language": language}}
    data, refusal = parse_message_body(json.dumps(body).encode())
    assert refusal is None and data is not None


@pytest.mark.parametrize("language", ["", "x" * 17, "de\r\nX-Injected: 1", "de;", "<b>", 7, None, ["de"]])
def test_anything_else_as_language_is_refused(language: object) -> None:
    body = {"sender": "web-1", "message": "hallo", "metadata": {"language": language}}
    _, refusal = parse_message_body(json.dumps(body).encode())
    assert refusal is not None and refusal.status == 400 and "metadata.language" in refusal.error


@pytest.mark.servers
def test_the_widgets_language_reaches_the_assistant_and_nothing_else(servers: Servers) -> None:
    who = f"web-{sender()}"
    metadata = {"language": "de", "verified_phone": "+4940123456", "telegram_user_id": "1"}
    said = requests.post(servers.webhook, json={"sender": who, "message": "hallo", "metadata": metadata}, timeout=60)
    assert said.status_code == 200
    assert user_metadata(servers, who) == [{"language": "de"}]  # a public caller cannot vouch for a phone
    plain = f"web-{sender()}"
    requests.post(servers.webhook, json={"sender": plain, "message": "hello"}, timeout=60).raise_for_status()
    assert user_metadata(servers, plain) == [{}]
    bad = requests.post(
        servers.webhook, json={"sender": plain, "message": "hi", "metadata": {"language": "de" * 20}}, timeout=60
    )
    assert bad.status_code == 400 and "metadata.language" in bad.json()["error"]


@pytest.mark.servers
def test_the_bridge_passes_the_telegram_language_with_every_message(servers: Servers) -> None:
    good = {BRIDGE_TOKEN_HEADER: servers.settings.bridge_token()}
    who = sender()
    plain = {"sender": who, "message": "hallo", "metadata": {"language": "de"}}
    assert requests.post(bridge_url(servers), json=plain, headers=good, timeout=60).status_code == 200
    internal = {
        "sender": who,
        "message": "/phone_verified",
        "internal": True,
        "metadata": {"language": "de", "verified_phone": "+4940123456", "telegram_user_id": "4242"},
    }
    assert requests.post(bridge_url(servers), json=internal, headers=good, timeout=60).status_code == 200
    assert user_metadata(servers, who) == [
        {"language": "de"},
        {"language": "de", "verified_phone": "+4940123456", "telegram_user_id": "4242"},
    ]


@pytest.mark.servers
def test_a_german_request_over_rest_gets_german_emails_and_the_dpo_learns_the_language(
    servers: Servers, mailbox: Mailbox
) -> None:
    """The widget's language setting, through the identity check (code email over SMTP) to the ticket's emails."""
    who, email = f"web-{sender()}", f"erika-{uuid.uuid4().hex[:8]}@example.com"

    def say(text: str) -> str:
        body = {"sender": who, "message": text, "metadata": {"language": "de"}}
        reply = requests.post(servers.webhook, json=body, timeout=60)
        reply.raise_for_status()
        return "\n".join(m.get("text", "") for m in reply.json())

    assert "(Art. 17 DSGVO)" in say("Bitte löschen Sie meine Daten")
    say("ja")
    say(email)
    [code_email] = mailbox.wait_for(email, "Bestätigungscode")
    code = re.search(r"Ihr Bestätigungscode lautet: (\d{6})", code_email.get_body(("plain",)).get_content())
    assert code, code_email
    filed = say(f"Der Code lautet {code.group(1)}")
    reference = re.search(r"DSR-\d{4}-\d{6}", filed)
    assert reference, filed
    [receipt] = mailbox.wait_for(email, "ist eingegangen")
    assert receipt["Subject"] == f"Ihr Datenschutz-Antrag {reference.group(0)} ist eingegangen"
    assert "Sie möchten, dass wir Ihre personenbezogenen Daten löschen." in receipt.get_body(("plain",)).get_content()
    [dpo] = mailbox.wait_for("dpo@example.org", reference.group(0))
    assert "Language of the person: German (de)." in dpo.get_body(("plain",)).get_content()
