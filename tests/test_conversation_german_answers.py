"""German notice questions over REST with the real Rasa and action servers (#18): the answer cites its section,
marks the quote as from the English version and says the German version is binding."""

from __future__ import annotations

import pytest

from tests.conftest import Servers, buttons

pytestmark = pytest.mark.servers


def test_a_german_notice_question_is_answered_with_its_citation(servers: Servers) -> None:
    text = servers.conversation().say_text("Speichert ihr meine IP-Adresse in euren Server-Logfiles?")
    assert "Aus Abschnitt 1 „Access data in server log files“ unserer Datenschutzerklärung (englische Fassung" in text
    assert "verbindlich ist die deutsche Fassung" in text
    assert "IP address" in text  # the notice's own words, quoted


def test_a_german_question_the_notice_is_silent_on_gets_the_honest_german_answer(servers: Servers) -> None:
    text = servers.conversation().say_text("Verkauft ihr meine Daten an Werbefirmen?")
    assert "Unsere Datenschutzerklärung erwähnt den Verkauf personenbezogener Daten nicht." in text
    assert "Datenschutz@aiconix.ai" in text


def test_a_german_abstention_offers_the_topics_under_german_titles_and_a_button_gets_its_section(
    servers: Servers,
) -> None:
    conversation = servers.conversation()
    offered = buttons(conversation.say("Bietet ihr eine Zwei-Faktor-Authentifizierung an?"))
    titles = [b["title"] for b in offered]
    assert "Einsatz von Cookies" in titles and "Use of cookies" not in titles, titles
    cookies = next(b for b in offered if b["title"] == "Einsatz von Cookies")
    text = conversation.say_text(cookies["payload"])  # what the widget sends when the button is pressed
    assert "Aus Abschnitt 2 „Use of cookies“ unserer Datenschutzerklärung (englische Fassung" in text, text
