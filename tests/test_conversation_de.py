"""German conversations with the real Rasa and action servers over the REST channel: detection, the channel's
setting, switching in the chat, a German request through identity check to its ticket."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
import requests

from tests.conftest import Conversation, Mailbox, Servers, buttons
from tests.test_request_flow import tickets_of, tracker_events

pytestmark = pytest.mark.servers


def say(chat: Conversation, text: str, language: str | None = None) -> list[dict[str, Any]]:
    """Send ``text`` as the widget does, with its ``language`` setting in the metadata."""
    body: dict[str, Any] = {"sender": chat.sender, "message": text}
    if language:
        body["metadata"] = {"language": language}
    response = requests.post(chat.servers.webhook, json=body, timeout=60)
    response.raise_for_status()
    messages: list[dict[str, Any]] = response.json()
    return messages


def text_of(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def latest_code(mailbox: Mailbox, address: str) -> str:
    """The 6-digit code in the newest email to ``address`` (in whichever language it is written)."""
    newest = mailbox.wait_for(address, "")[-1]
    match = re.search(r"\b(\d{6})\b", newest.get_body(("plain",)).get_content())
    assert match
    return match.group(1)


def test_a_german_erasure_request_is_restated_with_the_dsgvo_article(servers: Servers) -> None:
    chat = servers.conversation()
    reply = chat.say("Ich möchte, dass Sie alle meine Daten löschen")
    assert reply[0]["text"] == (
        "Sie möchten, dass wir Ihre personenbezogenen Daten löschen (Art. 17 DSGVO). Ist das richtig?"
    )
    assert buttons(reply) == [
        {"title": "Ja, das stimmt", "payload": "/affirm"},
        {"title": "Nein, etwas anderes", "payload": "/deny"},
    ]


def test_the_german_identity_check_files_a_german_ticket(servers: Servers, mailbox: Mailbox) -> None:
    chat, email = servers.conversation(), f"person-{uuid.uuid4().hex[:10]}@example.com"
    chat.say("Bitte löschen Sie alle meine Daten")
    asked = chat.say_text("ja")
    assert "Einmalcode" in asked and "Welche Adresse ist das?" in asked
    wrong = chat.say_text("meine Adresse ist zwei@example.com und drei@example.com")
    assert wrong.startswith("Entschuldigung, bitte nennen Sie genau eine E-Mail-Adresse.")
    sent = chat.say_text(f"meine E-Mail-Adresse ist {email}")
    assert "Ich habe einen 6-stelligen Code an p***@e***.com gesendet" in sent
    filed = chat.say_text(f"Der Code lautet {latest_code(mailbox, email)}")
    assert "Vielen Dank! Ihre Anfrage ist unter dem Aktenzeichen DSR-" in filed
    assert "Unser Datenschutzbeauftragter antwortet Ihnen spätestens bis zum" in filed
    [ticket] = tickets_of(servers, chat.sender)
    assert ticket.reference in filed and ticket.rights == ["erasure"] and ticket.language == "de"


def test_three_german_rights_without_a_domain_intent_are_restated_and_filed(servers: Servers, mailbox: Mailbox) -> None:
    chat, email = servers.conversation(), f"person-{uuid.uuid4().hex[:10]}@example.com"
    reply = chat.say(
        "Schicken Sie mir bitte eine Kopie aller Daten über mich. Danach löschen Sie bitte mein Konto. "
        "Außerdem widerspreche ich jeder Nutzung meiner Daten für Werbung."
    )
    assert reply[0]["text"] == (
        "Sie möchten, dass wir:\n"
        "1. Ihnen mitteilen, welche personenbezogenen Daten wir über Sie gespeichert haben, und Ihnen eine Kopie "
        "senden (Art. 15 DSGVO)\n"
        "2. Ihre personenbezogenen Daten löschen (Art. 17 DSGVO)\n"
        "3. Ihre personenbezogenen Daten nicht mehr für Direktwerbung oder auf Grundlage unserer berechtigten "
        "Interessen verwenden (Art. 21 DSGVO)\nIst das richtig?"
    )
    assert "Einmalcode" in chat.say_text("ja")
    chat.say_text(f"meine E-Mail-Adresse ist {email}")
    filed = chat.say_text(f"Der Code lautet {latest_code(mailbox, email)}")
    [ticket] = tickets_of(servers, chat.sender)
    assert ticket.reference in filed and ticket.language == "de"
    assert ticket.rights == ["access", "erasure", "objection"]


def test_switching_to_english_mid_request_restates_it_in_english(servers: Servers) -> None:
    chat = servers.conversation()
    assert "(Art. 17 DSGVO)" in chat.say_text("Ich möchte meine Daten löschen lassen")
    switched = chat.say("können wir Englisch sprechen?")
    assert switched[0]["text"] == "Sure, I'll continue in English."
    assert text_of(switched[1:]) == "You'd like us to erase your personal data (Art. 17 GDPR). Is that right?"
    assert [b["title"] for b in buttons(switched)] == ["Yes, that's right", "No, something else"]
    assert "one-time code" in chat.say_text("yes")
    assert chat.say_text("auf Deutsch bitte").startswith("Gerne, ab jetzt auf Deutsch.")


def test_the_widget_setting_makes_a_neutral_greeting_german(servers: Servers) -> None:
    chat = servers.conversation()
    greeting = say(chat, "hi", language="de")
    assert greeting[0]["text"].startswith("Hallo! Ich bin der Datenschutz-Assistent dieser Website.")
    assert [b["title"] for b in buttons(greeting)] == [
        "Welche Daten erheben Sie?",
        "Eine Kopie meiner Daten",
        "Meine Daten löschen",
    ]
    assert {b["payload"] for b in buttons(greeting)} >= {"/request_access", "/request_erasure"}
    # the setting stays for the session, an English sentence included; a switch in the chat beats it
    assert "(Art. 15 DSGVO)" in text_of(say(chat, "/request_access"))
    switched = text_of(say(chat, "can we speak English please?", language="de"))
    assert switched.startswith("Sure, I'll continue in English.\nYou'd like us to tell you what personal data")
    assert "Sorry, I can only help with privacy" in text_of(say(chat, "tell me a joke", language="de"))


def test_german_complaint_help_and_fallback_texts(servers: Servers) -> None:
    chat = servers.conversation()
    complaint = chat.say_text("Ich möchte mich bei der Datenschutzbehörde über Sie beschweren")
    assert "Der Hamburgische Beauftragte für Datenschutz und Informationsfreiheit" in complaint
    assert "(Aktenzeichen DSR-" in complaint
    assert "Das kann ich für Sie tun" in chat.say_text("Hilfe")


def test_english_conversations_never_set_the_language(servers: Servers) -> None:
    chat = servers.conversation()
    assert chat.say_text("hello").startswith("Hi! I'm the privacy assistant")
    assert chat.say_text("please delete my data").startswith("You'd like us to erase your personal data")
    assert '"language"' not in tracker_events(servers, chat.sender)
