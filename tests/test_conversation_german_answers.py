"""German notice questions over REST with the real Rasa and action servers (#18): the answer cites its section,
marks the quote as from the English version and says the German version is binding."""

from __future__ import annotations

import pytest

from tests.conftest import Servers

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
