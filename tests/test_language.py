"""The conversation's language: detection on short and long, casual and formal, umlaut-less and mixed messages;
the channel's setting; switching in chat."""

from __future__ import annotations

import pytest

from bot.devtools.language_profiles import build_profiles
from bot.dialogue.language import (
    conversation_language,
    detect_language,
    language_from_setting,
    ngrams,
    profiles,
    requested_switch,
)

GERMAN = [
    "Ich möchte meine Daten löschen",
    "kannst du meine daten loeschen?",
    "Guten Tag",
    "nein danke",
    "wo ist meine bestellung",
    "ich moechte wissen welche daten ihr ueber mich habt",
    "Sehr geehrte Damen und Herren, gemäß Art. 15 DSGVO ersuche ich um Auskunft über die zu meiner Person "
    "gespeicherten Daten. Bitte senden Sie mir eine Kopie. Mit freundlichen Grüßen",
    "Widerspruch gegen die Verarbeitung meiner Daten zu Werbezwecken",
    "Hiermit widerrufe ich meine Einwilligung mit Wirkung fuer die Zukunft",
    "Das Wetter ist heute schön",
    "can I get eine Auskunft über meine Daten?",
    "please lösch meinen Account und alle meine Daten",
    "Ich hab letzte woche nen antrag gestellt, wie weit seid ihr damit",
]

ENGLISH = [
    "please delete my data",
    "I want a copy of my data",
    "what cookies do you use",
    "Is the German privacy policy legally binding?",
    "Dear Sir or Madam, pursuant to Article 15 GDPR I request access to all personal data you process about me. "
    "Please reply within one month. Kind regards",
    "plz delete me from ur database",
    "What time is it?",
    "I want my Auskunft under Art. 15 GDPR, please send everything you have",
    "no thanks",
]

TOO_SHORT = ["hi", "Hallo", "ok", "ja", "thx", "", "123456", "  ?!  "]


@pytest.mark.parametrize("text", GERMAN)
def test_german_messages_are_german(text: str) -> None:
    assert detect_language([text]) == "de"


@pytest.mark.parametrize("text", ENGLISH)
def test_english_messages_are_english(text: str) -> None:
    assert detect_language([text]) == "en"


@pytest.mark.parametrize("text", TOO_SHORT)
def test_too_little_text_gives_english(text: str) -> None:
    assert detect_language([text]) == "en"


def test_ngrams_mark_word_boundaries_and_ignore_digits_and_entity_markup() -> None:
    grams = ngrams('[Kommentare]{"entity": "data_category"} 2024 ab')
    assert grams[" ab "] == 1 and grams["ab"] == 1 and grams[" k"] == 1
    assert not any(ch.isdigit() or ch in "[]{}" for g in grams for ch in g)
    assert "entity" not in "".join(grams)


def test_shipped_profiles_come_from_our_training_data() -> None:
    shipped = profiles()
    built = build_profiles()
    for lang in ("de", "en"):
        common = set(built[lang]) & set(shipped[lang].counts)
        assert len(common) >= 0.9 * len(shipped[lang].counts)  # rebuild after large data changes


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("de", "de"),
        ("de-AT", "de"),
        ("DE_ch", "de"),
        ("en-GB", "en"),
        ("en", "en"),
        ("fr", None),
        ("", None),
        (None, None),
    ],
)
def test_channel_setting(code: str | None, expected: str | None) -> None:
    assert language_from_setting(code) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("auf Deutsch bitte", "de"),
        ("können wir Englisch sprechen?", "en"),
        ("koennen wir deutsch reden", "de"),
        ("can we speak German?", "de"),
        ("English please", "en"),
        ("switch to english", "en"),
        ("Is the English privacy notice legally binding?", None),
        ("Gibt es die Erklärung auf Deutsch?", None),
        ("please speak English or German", None),
        ("Ich möchte meine Daten löschen", None),
    ],
)
def test_requested_switch(text: str, expected: str | None) -> None:
    assert requested_switch(text) == expected


def test_a_long_message_naming_a_language_is_no_switch() -> None:
    text = "please tell me whether the English version or the German version of your notice applies to my contract"
    assert requested_switch(text) is None


def test_conversation_defaults_to_english_and_detects_from_the_first_messages() -> None:
    assert conversation_language([]) == "en"
    assert conversation_language(["hi"]) == "en"
    assert conversation_language(["hi", "Ich möchte meine Daten löschen"]) == "de"
    later_english = ["Hallo", "ich will eine Auskunft", "ja", "ok what about cookies then, do you use them?"]
    assert conversation_language(later_english) == "de"  # only the first messages count


def test_channel_setting_beats_detection_and_a_switch_beats_the_setting() -> None:
    assert conversation_language(["please delete my data"], setting="de-DE") == "de"
    assert conversation_language(["Ich möchte meine Daten löschen"], setting="en") == "en"
    assert conversation_language(["Hallo"], setting="fr") == "en"
    history = ["Ich möchte meine Daten löschen", "can we speak English?", "ok"]
    assert conversation_language(history, setting="de") == "en"
    assert conversation_language([*history, "doch lieber auf Deutsch bitte"], setting="de") == "de"


@pytest.mark.parametrize("text", ["\x00\x01", "ü" * 100_000, "Daten " * 20_000, "\u202e\u200b"])
def test_odd_and_oversized_messages_give_a_language_without_error(text: str) -> None:
    assert conversation_language([text]) in {"en", "de"}
