"""German letters: which sentences can ask for something (bot/rights/letters_de.py) and how combine uses it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.rights.letters_de import asks, asks_nothing, asks_politely, names, performed, sentences, split
from bot.rights.triage import clauses, combine

LETTER = (
    "Guten Tag, ich bin seit 2021 Kundin bei Ihnen. Bitte löschen Sie mein Kundenkonto nach Art. 17 Abs. 1 lit. a "
    "DSGVO. Meine Kundennummer lautet 4711. Wem haben Sie meine Daten weitergegeben? Können Sie mir die Empfänger "
    "nennen? Gespeicherte Belege sind nach Ablauf der Frist ebenfalls zu vernichten. Viele Grüße, Lea Beispiel"
)


def parse(intent: str, confidence: float) -> dict[str, Any]:
    return {"intent": {"name": intent, "confidence": confidence}, "entities": []}


def test_sentences_do_not_break_after_legal_abbreviations_or_numbers() -> None:
    assert sentences("Nach Art. 18 Abs. 1 lit. d DSGVO bitte einschränken. Danke.") == [
        "Nach Art. 18 Abs. 1 lit. d DSGVO bitte einschränken.",
        "Danke.",
    ]


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("Guten Tag, ich bin seit 2021 Kundin bei Ihnen", False),  # background
        ("Bitte löschen Sie mein Kundenkonto nach Art. 17 Abs. 1 lit. a DSGVO", True),  # "bitte", imperative
        ("Meine Kundennummer lautet 4711", False),  # a detail
        ("Wem haben Sie meine Daten weitergegeben", False),  # a question, not a polite request
        ("Können Sie mir die Empfänger nennen", True),  # a polite question asks
        ("Gespeicherte Belege sind nach Ablauf der Frist ebenfalls zu vernichten", True),  # an obligation
        ("Viele Grüße, Lea Beispiel", False),
    ],
)
def test_a_sentence_of_a_letter_asks_by_its_mood(clause: str, expected: bool) -> None:
    assert asks(clause, LETTER) is expected


def test_demands_declarations_and_named_requests_ask() -> None:
    for sentence in (
        "Hiermit widerrufe ich meine Zustimmung.",
        "Ich verlange die Herausgabe meiner Daten.",
        "Betreff: Löschungsantrag",
        "Die Verarbeitung ist bis zur Klärung einzuschränken.",
        "Sperrt meinen Account.",
    ):
        assert asks(sentence.rstrip("."), f"Ich nutze Ihren Dienst seit Jahren. {sentence}"), sentence


def test_every_clause_of_a_single_sentence_asks_unless_it_is_a_plain_question() -> None:
    assert asks("meine Adresse stimmt nicht", "meine Adresse stimmt nicht, korrigiert das")
    assert not asks("habt ihr meine Adresse", "habt ihr meine Adresse?")


def test_a_polite_question_is_found_in_any_sentence() -> None:
    assert asks_politely("Hallo zusammen. Moin, könnt ihr mein Profil entfernen?")
    assert not asks_politely("Was speichert ihr über mich? Wie lange?")


def test_a_question_about_the_consequences_of_a_request_asks_nothing() -> None:
    assert asks_nothing("Falls ich mein Konto schließen lasse, verliere ich dann meine Gutscheine?")
    assert asks_nothing("Was passiert, wenn ich der Werbung widerspreche?")
    assert not asks_nothing("Wenn es geht, löschen Sie bitte alles.")


def test_a_second_request_named_by_its_noun_is_a_clause_of_its_own() -> None:
    assert split(["Kopie meiner Unterlagen sowie Korrektur der Adresse"]) == [
        "Kopie meiner Unterlagen",
        "Korrektur der Adresse",
    ]
    assert split(["bitte korrigieren und bis dahin nicht mehr nutzen"]) == [
        "bitte korrigieren",
        "bis dahin nicht mehr nutzen",
    ]
    assert clauses("Ich will Auskunft zu meinem Profil und eine Beschwerde wegen der Wartezeit.") == [
        "Ich will Auskunft zu meinem Profil",
        "eine Beschwerde wegen der Wartezeit",
    ]
    assert split(["Verarbeitung und Speicherung meiner Daten"]) == ["Verarbeitung und Speicherung meiner Daten"]
    known = "Meine Rechte auf Auskunft, Löschung und Widerspruch kenne ich"
    assert split([known]) == [known]


def test_right_words_include_compounds() -> None:
    assert names("mein Löschungsantrag vom Mai", "erasure")
    assert names("Datenübertragbarkeit nach Art. 20", "portability")
    assert names("informieren Sie bitte alle Empfänger darüber", "notification")
    assert not names("meine Adresse ist falsch", "erasure")


def test_background_in_a_german_letter_adds_no_right() -> None:
    text = "Sehr geehrte Damen und Herren, bitte senden Sie mir meine Daten. Meine Adresse war Hauptweg 3."
    parts = [
        ("Sehr geehrte Damen und Herren, bitte senden Sie mir meine Daten", parse("request_access", 0.97)),
        ("Meine Adresse war Hauptweg 3", parse("request_rectification", 0.9)),
    ]
    assert combine(text, parse("request_access", 0.9), parts).rights == ["access"]


def test_a_clause_that_names_the_right_diet_leans_to_counts_below_the_clause_threshold() -> None:
    text = "Auskunft zu meinem Konto und Beschwerde wegen der Wartezeit, bitte."
    parts = [
        ("Auskunft zu meinem Konto", parse("request_access", 0.99)),
        ("Beschwerde wegen der Wartezeit, bitte", parse("request_complaint", 0.6)),
    ]
    assert combine(text, parse("request_access", 0.9), parts).rights == ["access", "complaint"]
    unnamed = [("Keine Anrufe mehr, bitte", parse("request_erasure", 0.6))]
    assert combine("Keine Anrufe mehr, bitte.", parse("ask_question", 0.2), unnamed).rights == []


def test_a_german_question_counts_a_polite_request_among_its_clauses() -> None:
    text = "Hi, könnt ihr mein Profil entfernen? Ich war nur kurz angemeldet"
    parts = [
        ("Hi, könnt ihr mein Profil entfernen", parse("request_erasure", 0.95)),
        ("Ich war nur kurz angemeldet", parse("ask_question", 0.9)),
    ]
    assert combine(text, parse("ask_question", 0.9), parts).rights == ["erasure"]
    plain = [("Wem habt ihr meine Daten gegeben", parse("request_notification", 0.95)), parts[1]]
    assert (
        combine(
            "Wem habt ihr meine Daten gegeben? Ich war nur kurz angemeldet", parse("ask_question", 0.9), plain
        ).rights
        == []
    )


def test_a_sentence_of_infinitive_commands_asks() -> None:
    text = "Zustimmung widerrufen, Unterlagen senden, danach alles löschen. Gruß"
    assert asks("Unterlagen senden", text)
    assert not asks("Gruß", text)
    report = "Ich bin Kunde. Meine Zustimmung habe ich letztes Jahr widerrufen."
    assert not asks("Meine Zustimmung habe ich letztes Jahr widerrufen", report)


def test_a_message_that_wants_nothing_asks_nothing() -> None:
    assert asks_nothing("Alles erledigt, ich brauche nichts weiter von Ihnen.")
    assert asks_nothing("Diese Nachricht dient lediglich Ihrer Information.")


def test_a_right_performed_by_a_first_person_verb() -> None:
    assert performed("Guten Tag. Ich widerspreche jeder Nutzung meiner Adresse für Werbung.") == ["objection"]
    assert performed("Hiermit widerrufe ich meine Zustimmung zum Newsletter.") == ["withdraw_consent"]
    assert performed("Meine Einwilligung nehme ich zurück.") == ["withdraw_consent"]
    assert performed("Ich lege heute Beschwerde bei der Behörde ein.") == ["complaint"]
    assert performed("Falls nötig, widerspreche ich.") == []  # a condition
    assert performed("Widerspreche ich dann automatisch?") == []  # a question
    assert performed("Ich widerspreche nicht.") == []  # a negation


def test_combine_adds_a_performed_right_diet_missed() -> None:
    text = "Sehr geehrte Damen und Herren, ich widerspreche ausdrücklich der Nutzung meiner Daten für Werbung."
    assert combine(text, parse("request_notification", 0.3), []).rights == ["objection"]
