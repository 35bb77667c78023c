"""German letters: which sentences can ask for something (bot/rights/letters_de.py) and how combine uses it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.rights import letters_de
from bot.rights.letters_de import (
    asks,
    asks_nothing,
    asks_politely,
    background_only,
    names,
    performed,
    sentences,
    split,
)
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


def test_a_casual_imperative_with_mal_asks_in_a_letter() -> None:
    text = "Ich war mal bei euch angemeldet. Jetzt ist Schluss, schick mir mal die Kündigung zu."
    assert asks("schick mir mal die Kündigung zu", text)
    assert not asks("Ich war mal bei euch angemeldet", text)


def test_opinions_receipts_and_old_reports_ask_nothing() -> None:
    assert asks_nothing("Ich finde, das Auskunftsrecht wird von vielen Firmen nur halbherzig umgesetzt.")
    assert asks_nothing("Super, eure Antwort mit der Kopie ist heute früh eingegangen.")
    assert asks_nothing("Ich habe vor zwei Jahren bei einem Shop meine Daten löschen lassen, ging schnell.")
    assert not asks_nothing("Die Kopie ist angekommen. Bitte löscht jetzt mein Konto.")


def test_list_items_and_plus_signs_are_clauses_of_their_own() -> None:
    assert clauses("Zwei Wünsche: - Auskunft über alles - Konto schließen") == [
        "Zwei Wünsche",
        "Auskunft über alles",
        "Konto schließen",
    ]
    assert clauses("Datenauszug + Sperrung bitte") == ["Datenauszug", "Sperrung bitte"]


def test_a_wish_after_und_is_a_clause_of_its_own() -> None:
    assert clauses("Ich widerspreche der Werbung und möchte, dass mein Profil verschwindet") == [
        "Ich widerspreche der Werbung",
        "möchte, dass mein Profil verschwindet",
    ]


def test_complaints_performed_today_or_wished_for() -> None:
    assert performed("Wir haben soeben Beschwerde beim Landesamt eingereicht.") == ["complaint"]
    assert performed("Ich will mich über Ihren Umgang mit meinen Daten beschweren.") == ["complaint"]
    assert performed("Vor Jahren wurde Beschwerde eingelegt.") == []


def test_a_performed_complaint_survives_a_message_that_only_informs() -> None:
    text = "Ich habe gerade Beschwerde bei der Aufsicht erhoben. Dieses Schreiben dient lediglich Ihrer Information."
    parts = [(c, parse("inform", 0.9)) for c in clauses(text)]
    assert combine(text, parse("request_complaint", 0.6), parts).rights == ["complaint"]


@pytest.mark.parametrize(
    ("text", "right"),
    [
        ("Nachdem ihr mein Profil gelöscht habt, bitte ich um eine Liste der Empfänger.", "erasure"),
        ("Sie haben mein Geburtsdatum im Mai korrigiert. Nennen Sie mir bitte alle Empfänger.", "rectification"),
        ("Bitte nennen Sie mir die Stellen, denen Sie die Löschung mitgeteilt haben.", "erasure"),
        ("Bitte bestätigen Sie, dass mein Name aus dem Verteiler entfernt wurde.", "erasure"),
        ("Bitte löschen Sie die Fotos nicht, ich brauche sie noch.", "erasure"),
        ("Anstelle einer Löschung bitte ich um Sperrung.", "erasure"),
    ],
)
def test_a_right_named_only_in_background_or_declined_is_not_asked(text: str, right: str) -> None:
    assert right in background_only(text)
    assert right not in combine(text, parse(f"request_{right}", 0.9), []).rights


def test_a_right_asked_outside_its_background_stays() -> None:
    text = "Sie haben meine Daten noch nicht gelöscht. Löschen Sie sie jetzt."
    assert background_only(text) == []
    assert combine(text, parse("request_erasure", 0.9), []).rights == ["erasure"]


def test_a_right_the_writer_declines_is_background() -> None:
    text = "Guten Tag. Eine Löschung brauche ich nicht. Bitte korrigieren Sie meinen Nachnamen."
    assert letters_de.background_only(text) == ["erasure"]
    text = "Ich könnte auch eine Auskunft verlangen, darum geht es mir aber nicht. Bitte sperren Sie mein Konto."
    assert "access" in letters_de.background_only(text)


def test_recipients_asked_about_are_access_and_recipients_told_are_notification() -> None:
    assert (
        letters_de.notification_asked("Guten Tag. Bitte nennen Sie mir, an welche Empfänger meine Adresse ging.")
        is False
    )
    assert letters_de.notification_asked("Hallo. Bitte nennen Sie mir, wem Sie die Löschung mitgeteilt haben.") is None
    assert letters_de.notification_asked("Löschen Sie das Foto. Informieren Sie bitte alle Empfänger davon.") is True
    assert letters_de.notification_asked("Bitte sperren und sämtlichen Empfängern die Sperrung mitteilen.") is True
    assert letters_de.notification_asked("Sagt denen bitte, dass meine Nummer berichtigt wurde.") is True
    assert letters_de.notification_asked("Bitte löschen Sie mein Konto.") is None


def test_declared_interim_restriction_and_wish_to_know_what_is_stored() -> None:
    assert letters_de.declared("Korrigiert die Adresse und verwendet sie nicht, bis das erledigt ist.") == [
        "restriction"
    ]
    assert letters_de.declared("Mein Geburtsdatum stimmt nicht. Bis dahin dürft ihr es nicht nutzen.") == [
        "restriction"
    ]
    assert letters_de.declared("Hallo. Ich möchte außerdem erfahren, was ihr über mich gespeichert habt.") == ["access"]
    assert letters_de.declared("Hallo. Ich möchte wissen, ob ihr etwas gespeichert habt, wenn ich mich anmelde.") == []


def test_a_decided_complaint_is_performed_despite_a_reason_or_a_closing_question() -> None:
    assert letters_de.performed("Ich will euch bei der Datenschutzbehörde melden, weil nichts passiert ist.") == [
        "complaint"
    ]
    assert letters_de.performed("Ich habe mich entschlossen, mich zu beschweren. Danke.") == ["complaint"]
    assert letters_de.performed("Ich möchte mich beschweren – an wen wende ich mich?") == ["complaint"]
    assert letters_de.performed("Ich will mich nicht bei der Aufsichtsbehörde melden.") == []


def test_thanks_and_thinking_it_over_ask_nothing() -> None:
    assert letters_de.asks_nothing("Danke für die Infos zur Löschung. Ich überlege es mir noch.")
    assert letters_de.asks_nothing("Meine Daten sind weg, ich wollte mich nur bedanken.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Guten Tag. Bitte sperren Sie meine Anschrift nach Art. 18 DSGVO.", ["restriction"]),
        ("Hallo. Die alten Rechnungen sind zu vernichten (Artikel 17 DSGVO), soweit möglich.", ["erasure"]),
        (
            "Guten Tag. Wo Sie nicht berichtigen können, bitte ich darum, die Angabe gemäß Art. 18 DSGVO zu sperren.",
            ["restriction"],
        ),
        ("Nachdem Sie berichtigt haben, bitte ich, mir nach Art. 19 DSGVO die Empfänger zu nennen.", ["notification"]),
        ("Ich mache meine Rechte aus Art. 15 bis 21 DSGVO geltend.", []),  # a range, not one right
        ("Bitte entfernen Sie das Foto nach Art. 17 i. V. m. Art. 21 DSGVO.", ["erasure"]),  # cited alongside
        ("Gilt Art. 20 DSGVO auch für Fotos?", []),  # a question
        ("Sollten Sie nicht antworten, werde ich Art. 15 DSGVO durchsetzen. Bitte melden Sie sich.", []),  # a threat
        ("Ich bin seit 2019 Kunde. Art. 16 DSGVO kenne ich.", []),  # no request
    ],
)
def test_an_article_cited_in_a_request_sentence_adds_its_right(text: str, expected: list[str]) -> None:
    assert letters_de.cited(text) == expected


def test_a_copy_in_a_file_format_is_portability_unless_access_is_named() -> None:
    assert letters_de.copy_to_take("Schickt mir bitte alles als XML und dann Konto zu.")
    assert letters_de.copy_to_take("Ich hätte gern meine Kundendaten in einer CSV-Datei.")
    assert letters_de.copy_to_take("Bitte keine Kopie als JSON, nur eine Übersicht.") is False  # negated
    assert letters_de.copy_to_take("Bekomme ich meine Daten als CSV?") is False  # a question
    text = "Ich will eine Kopie meiner Bestellungen als Datei und danach meinen Account weg."
    assert combine(text, parse("request_access+request_erasure", 0.9), []).rights == ["erasure", "portability"]
    text = "Bitte eine Auskunft und die Rohdaten als JSON."
    assert combine(text, parse("request_access", 0.9), []).rights == ["access", "portability"]
    text = "Bitte eine Kopie meiner Akte. Die Fotos hätte ich außerdem gern als Datei."
    assert combine(text, parse("request_access", 0.9), []).rights == ["access", "portability"]
    text = "Exportiert meine Daten maschinenlesbar und nennt mir, an wen ihr sie übermittelt habt."
    assert letters_de.access_named(text)
