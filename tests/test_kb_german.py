"""German notice questions (#18): matched through their English gloss and German example questions, answered
in German with the quote marked as from the English version, or quoted in German from a German notice."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import main as cli
from bot.dialogue.questions import answer, reply_to_question
from bot.kb.answer import answer_question
from bot.kb.german import gloss
from bot.kb.model import KnowledgeBase
from bot.kb.retrieve import Retriever
from bot.kb.wording import german_titles

SAMPLE = Path(__file__).parent / "data" / "notice.de.md"
URL = "https://example.org/datenschutz"


def test_the_gloss_reads_german_words_phrases_and_compounds() -> None:
    assert gloss("Wie lange speichern Sie meine IP-Adresse?") == "how long store you my ip address"
    assert "storage duration" in gloss("Wie ist die Speicherdauer?")  # a compound by its parts
    assert "youtube" in gloss("Bindet ihr YouTube ein?")  # a name stays as it is


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("Wie lange bewahrt ihr meine Daten eigentlich auf?", "12"),
        ("Wer ist bei Ihnen der Datenschutzbeauftragte?", "name-and-address-of-the-data-protection-officer"),
        ("Welche Infos landen in euren Server-Logfiles?", "1"),
        ("Darf ich verlangen, dass ihr meine Daten löscht?", "16"),
        ("Was passiert mit meinen Angaben aus dem Kontaktformular?", "6"),
    ],
)
def test_german_questions_meet_their_sections(question: str, section: str) -> None:
    found = answer(question)
    assert found.section is not None and found.section.id == section, found.text


def test_a_german_question_the_notice_is_silent_on_gets_the_honest_german_answer() -> None:
    found = answer("Verkauft ihr meine Daten an Werbefirmen?")
    assert found.abstained
    assert "erwähnt den Verkauf personenbezogener Daten nicht" in found.text
    assert "Datenschutz@aiconix.ai" in found.text


def test_a_german_question_on_nothing_in_the_notice_abstains() -> None:
    found = answer("Bietet ihr eine Zwei-Faktor-Authentifizierung an?")
    assert found.abstained and "Datenschutzbeauftragten" in found.text, found.text


def test_a_german_abstention_suggests_the_topics_with_german_titles() -> None:
    found = answer("Bietet ihr eine Zwei-Faktor-Authentifizierung an?")
    titles = [b["title"] for b in found.buttons]
    assert titles[:3] == ["Zugriffsdaten in Server-Logfiles", "Einsatz von Cookies", "Social Plugins"], titles
    assert len(titles) == 8 and "Kommentare" in titles
    assert all(b["payload"] == b["title"] for b in found.buttons)  # the visitor "says" the German title
    assert "englische Abschnittstitel" not in found.text
    english = answer("Do you offer two-factor authentication?")
    assert english.buttons[0]["title"] == "Access data in server log files"


@pytest.mark.parametrize("number", ["1", "2", "3", "4", "5", "6", "7", "8"])
def test_a_german_topic_button_is_answered_from_its_section(number: str) -> None:
    title = german_titles()[number]
    found = answer(title, "de")
    assert found.section is not None and found.section.id == number, (title, found.text)


def test_every_section_of_the_english_notice_has_a_german_title() -> None:
    kb = KnowledgeBase.load()
    assert {s.id for s in kb.sections} == set(german_titles())
    assert german_titles()["17"] == "Recht auf Unterrichtung"  # the English notice calls 13 and 17 alike


def test_german_overviews_list_the_rights_and_the_data_in_german() -> None:
    rights = answer("Welche Rechte habe ich?")
    assert {"13", "16", "23"} <= {s.id for s in rights.cited}
    assert "Recht auf Löschung (Art. 17 DSGVO)" in rights.text and "Abschnitt 16" in rights.text
    data = answer("Welche Daten sammelt ihr über mich?")
    assert len(data.cited) >= 3 and "IP-Adresse" in data.text


def test_the_german_frame_marks_the_english_version_and_links_the_binding_german_notice() -> None:
    found = answer_question("Speichert ihr meine IP-Adresse in Logfiles?", lang="de", binding_url=URL)
    assert found.text.startswith(
        f"Aus Abschnitt 1 „Access data in server log files“ unserer Datenschutzerklärung (englische Fassung; "
        f"verbindlich ist die deutsche Fassung: {URL}):\n“"
    ), found.text


def test_the_conversation_language_decides_the_frame_the_question_language_the_matching() -> None:
    text, _ = reply_to_question("Speichert ihr meine IP-Adresse in Logfiles?", lang="en")
    assert text.startswith("Our privacy notice says:") and "section 1 " in text
    german, buttons = reply_to_question("Kann ich meine Daten löschen lassen?", lang="de")
    assert "Abschnitt 16" in german
    assert buttons and buttons[0]["title"] == "Löschung beantragen"


def test_kb_build_lang_de_quotes_a_german_notice_in_german(tmp_path: Path) -> None:
    out = tmp_path / "notice.de.json"
    result = CliRunner().invoke(cli, ["kb", "build", str(SAMPLE), "--lang", "de", "--out", str(out)])
    assert result.exit_code == 0, result.output
    kb = KnowledgeBase.load(out)
    assert kb.language == "de"
    roles = {s.role for s in kb.sections}
    assert {"preamble", "controller", "dpo", "language_versions"} <= roles
    assert kb.section("5").metadata["right"] == "erasure"
    assert "IP-Adresse" in kb.section("1").text and "ip_address" in kb.section("1").metadata["data_categories"]

    retriever = Retriever(kb)
    found = answer_question("Wann werden die Logfiles gelöscht?", retriever, lang="de", binding_url=URL)
    assert found.section is not None and found.section.id == "1", found.text
    assert "Die Logfiles werden nach sieben Tagen gelöscht." in found.text
    assert "— Datenschutzerklärung, Abschnitt 1 „Server-Logfiles“" in found.text
    assert "englische Fassung" not in found.text
    payment = answer_question("An wen gebt ihr meine Kreditkartennummer weiter?", retriever, lang="de")
    assert payment.section is not None and payment.section.id == "4", payment.text
    unknown = answer_question("Bietet ihr eine Zwei-Faktor-Authentifizierung an?", retriever, lang="de")
    assert unknown.abstained and unknown.buttons[0]["title"] == kb.section("1").title  # the German notice's own
