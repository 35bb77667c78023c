"""Right recognition: clause splitting and the combination rules (unit), and the real model (slow)."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.rights.triage import clauses, combine, is_question, rights_named
from bot.settings import PROJECT_ROOT


def parse(intent: str, confidence: float, entities: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"intent": {"name": intent, "confidence": confidence}, "entities": entities or []}


def test_clauses_split_at_connectives_but_keep_short_objects() -> None:
    assert clauses("send me a copy of my data and then close my account") == [
        "send me a copy of my data",
        "close my account",
    ]
    assert clauses("Copy first, then delete") == ["Copy first", "delete"]
    assert clauses("delete my comments and IP address") == ["delete my comments and IP address"]
    assert clauses("I revoke my consent. Also, please send me my data.") == [
        "I revoke my consent",
        "please send me my data",
    ]


def test_whole_multi_intent_gives_both_rights() -> None:
    t = combine("x", parse("request_access+request_erasure", 0.97), [])
    assert t.rights == ["access", "erasure"]


def test_clauses_add_rights_the_whole_message_missed() -> None:
    t = combine(
        "stop the ads, and then erase my account",
        parse("request_objection", 0.9),
        [
            ("stop the ads", parse("request_objection", 0.95)),
            ("erase my account", parse("request_erasure", 0.99)),
        ],
    )
    assert t.rights == ["objection", "erasure"]


def test_unsure_clause_adds_nothing() -> None:
    t = combine("a b", parse("request_erasure", 0.9), [("a b", parse("request_restriction", 0.6))])
    assert t.rights == ["erasure"]


def test_question_about_a_right_requests_nothing_but_names_it() -> None:
    t = combine(
        "What does the right to data portability mean?",
        parse("ask_question", 0.95),
        [("x y", parse("request_portability", 0.99))],
    )
    assert t.rights == []
    assert t.question_about == ["portability"]


def test_fallback_looks_through_to_the_ranked_intent() -> None:
    whole = {
        "intent": {"name": "nlu_fallback", "confidence": 0.55},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.55},
            {"name": "request_erasure", "confidence": 0.52},
        ],
        "entities": [],
    }
    t = combine("x", whole, [])
    assert t.intent == "request_erasure" and t.rights == ["erasure"]


def test_chit_chat_requests_nothing() -> None:
    assert combine("hi", parse("greet", 0.99), []).rights == []


def test_rights_named_in_text() -> None:
    assert rights_named("is the right to be forgotten absolute?") == ["erasure"]
    assert rights_named("what about my newsletter") == []


@pytest.mark.parametrize(
    ("question", "rights"),
    [
        ("Was genau umfasst mein Auskunftsrecht?", ["access"]),
        ("Wie lange dauert es, bis gelöschte Daten wirklich weg sind?", ["erasure"]),
        ("Gilt das Recht auf Vergessenwerden auch für Backups?", ["erasure"]),
        ("Wie beantrage ich die Berichtigung falscher Angaben?", ["rectification"]),
        ("Was bedeutet Einschränkung der Verarbeitung?", ["restriction"]),
        ("Was heißt eigentlich Datenübertragbarkeit?", ["portability"]),
        ("Bekomme ich bei einer Datenübertragung ein maschinenlesbares Format?", ["portability"]),
        ("Kann ich der Nutzung für Werbung widersprechen?", ["objection"]),
        ("Wie widerrufe ich meine Einwilligung?", ["withdraw_consent"]),
        ("Bei welcher Aufsichtsbehörde kann ich mich beschweren?", ["complaint"]),
        ("Trifft ihr automatisierte Entscheidungen oder macht ihr Profiling?", ["automated_decision"]),
        ("Werden die Empfänger über eine Berichtigung unterrichtet?", ["notification", "rectification"]),
        ("Muss ich erst Auskunft verlangen, bevor ich die Löschung beantrage?", ["access", "erasure"]),
        ("Wie ist das Wetter heute?", []),
        ("Verwendet ihr Cookies auf eurer Website?", []),
    ],
)
def test_rights_named_in_a_german_text(question: str, rights: list[str]) -> None:
    assert sorted(rights_named(question)) == sorted(rights)


def test_a_german_question_about_a_right_names_it_in_question_about() -> None:
    t = combine("Was bedeutet das Widerspruchsrecht für mich?", parse("ask_question", 0.93), [])
    assert t.rights == [] and t.question_about == ["objection"]


def triage_batch(lines: list[str]) -> list[dict[str, Any]]:
    """`privacybot triage --json --batch -` over ``lines``: one parsed JSON object per output line."""
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "triage", "--json", "--batch", "-"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return [json.loads(x) for x in result.stdout.rstrip("\n").split("\n")]  # not splitlines: U+2028 is data


@pytest.mark.servers
def test_triage_cli_batch_with_the_trained_model(trained_model: Path) -> None:
    lines = [
        "plz delete me from ur database",
        "send me a copy of my data and then close my account",
        "What does the right to portability mean?",
        "stop sending me ads",
        "I moved, update my address",
        "",
        "\x00" * 10 + "<script>alert(1)</script>",
        "my email is jane.doe@example.com",
    ]
    out = triage_batch(lines)
    assert [o["message"] for o in out][:5] == lines[:5]
    assert out[0]["rights"] == ["erasure"]
    assert out[1]["rights"] == ["access", "erasure"]
    assert out[2]["rights"] == [] and out[2]["question_about"] == ["portability"]
    assert out[3]["rights"] == ["objection"]
    assert out[4]["rights"] == ["rectification"]
    assert out[5]["rights"] == [] and out[5]["intent"] is None
    assert "\x00" not in out[6]["message"]
    assert out[7]["rights"] == []
    assert {"entity": "email", "value": "jane.doe@example.com"}.items() <= {
        k: v for e in out[7]["entities"] if e["entity"] == "email" for k, v in e.items()
    }.items()
    for o in out:
        assert {"message", "rights", "intent", "confidence", "entities"} <= set(o)


@pytest.mark.servers
def test_triage_cli_batch_fuzz(trained_model: Path) -> None:
    """300 random lines (control characters, scripts of every kind, very long lines): one answer each, in order."""
    rng = random.Random(20261126)
    alphabet = [chr(c) for c in [*range(0x20), *range(0x20, 0x250), 0x202E, 0xFEFF, 0x1F600, 0x4E2D, 0x0645]]
    alphabet = [c for c in alphabet if c not in "\r\n"]
    lines = ["".join(rng.choices(alphabet, k=rng.choice([0, 1, 5, 40, 300, 5000]))) for _ in range(300)]
    out = triage_batch(lines)
    assert len(out) == len(lines)
    assert all(len(o["message"]) <= 2000 and set(o) >= {"rights", "intent"} for o in out)


def test_a_right_shared_between_intents_counts_by_its_summed_confidence() -> None:
    whole = {
        "intent": {"name": "nlu_fallback", "confidence": 0.7},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.7},
            {"name": "request_access", "confidence": 0.42},
            {"name": "request_access+request_portability", "confidence": 0.3},
            {"name": "ask_question", "confidence": 0.2},
        ],
        "entities": [],
    }
    assert combine("x", whole, []).rights == ["access"]


def test_a_question_is_told_from_its_own_parse_also_through_the_fallback() -> None:
    def parse(intent: str, confidence: float, ranking: list[tuple[str, float]]) -> dict:
        entries = [{"name": n, "confidence": c} for n, c in ranking]
        return {"intent": {"name": intent, "confidence": confidence}, "intent_ranking": entries}

    assert is_question(parse("ask_question", 0.9, [("ask_question", 0.9)]))
    assert not is_question(parse("ask_question", 0.4, [("ask_question", 0.4), ("request_access", 0.3)]))
    assert not is_question(parse("request_access", 0.9, [("request_access", 0.9)]))
    assert is_question(parse("nlu_fallback", 0.55, [("nlu_fallback", 0.55), ("ask_question", 0.52)]))
    assert not is_question(parse("nlu_fallback", 0.55, [("nlu_fallback", 0.55), ("ask_question", 0.45)]))


def test_clauses_do_not_break_after_article_abbreviations() -> None:
    assert clauses("Pursuant to Art. 15 GDPR I request access. Please reply soon.") == [
        "Pursuant to Art. 15 GDPR I request access",
        "Please reply soon",
    ]
    assert clauses("Gemäß Art. 17 Abs. 1 DSGVO verlange ich die Löschung.") == [
        "Gemäß Art. 17 Abs. 1 DSGVO verlange ich die Löschung"
    ]


def test_clauses_split_at_german_connectives() -> None:
    assert clauses("Ich möchte eine Kopie meiner Daten und außerdem sollen Sie mein Konto löschen") == [
        "Ich möchte eine Kopie meiner Daten",
        "sollen Sie mein Konto löschen",
    ]
    assert clauses("Bitte senden Sie mir meine Daten. Des Weiteren widerspreche ich der Werbung.") == [
        "Bitte senden Sie mir meine Daten",
        "widerspreche ich der Werbung",
    ]
    assert clauses("Schicken Sie mir eine Kopie, danach löschen Sie alles") == [
        "Schicken Sie mir eine Kopie",
        "löschen Sie alles",
    ]


def test_also_inside_a_sentence_does_not_split_it() -> None:
    assert clauses("Please also include any recordings and internal notes") == [
        "Please also include any recordings and internal notes"
    ]
    assert clauses("I want a copy of my data and I also want you to delete it") == [
        "I want a copy of my data",
        "I also want you to delete it",  # the subject stays: "also want you to …" alone reads as a question
    ]


def test_a_closing_threat_to_complain_is_not_a_complaint() -> None:
    letter = "I request access to my data. Otherwise I will lodge a complaint with the authority."
    parts = [
        ("I request access to my data", parse("request_access", 0.99)),
        ("Otherwise I will lodge a complaint with the authority", parse("request_complaint", 0.98)),
    ]
    assert combine(letter, parse("request_access+request_complaint", 0.9), parts).rights == ["access"]
    falls = [
        ("Bitte löschen Sie meine Daten", parse("request_erasure", 0.99)),
        ("Sollte ich nichts hören, werde ich mich beschweren", parse("request_complaint", 0.99)),
    ]
    assert combine("x", parse("request_complaint", 0.8), falls).rights == ["erasure"]


def test_a_complaint_asked_for_outright_in_a_letter_counts() -> None:
    parts = [
        ("You ignored my request for a month", parse("ask_question", 0.7)),
        ("I want to lodge a complaint about this", parse("request_complaint", 0.97)),
    ]
    assert combine("x", parse("request_complaint", 0.9), parts).rights == ["complaint"]


def test_clauses_split_at_a_second_german_request_in_one_sentence() -> None:
    assert clauses("Ich widerrufe meine Einwilligung und widerspreche darüber hinaus jeder Werbung.") == [
        "Ich widerrufe meine Einwilligung",
        "widerspreche darüber hinaus jeder Werbung",
    ]
    assert clauses("Ich widerrufe die Einwilligung, widerspreche der Werbung und verlange Auskunft.") == [
        "Ich widerrufe die Einwilligung",
        "widerspreche der Werbung",
        "verlange Auskunft",
    ]
    assert clauses("Zieht meine Einwilligung zurück und hört auf, meine Daten zu nutzen") == [
        "Zieht meine Einwilligung zurück",
        "hört auf, meine Daten zu nutzen",
    ]
    assert clauses("Bitte löschen Sie außerdem alle meine Daten aus Ihren Verteilern") == [
        "Bitte löschen Sie außerdem alle meine Daten aus Ihren Verteilern"
    ]
    assert clauses("Ich möchte eine Kopie, zudem sollen Sie mein Konto löschen") == [
        "Ich möchte eine Kopie",
        "sollen Sie mein Konto löschen",
    ]
    assert clauses("Gleichzeitig mache ich mein Recht auf Datenübertragbarkeit geltend.") == [
        "mache ich mein Recht auf Datenübertragbarkeit geltend"
    ]


def test_a_reservation_to_complain_is_not_a_complaint() -> None:
    alone = "Ich behalte mir vor, mich an die Aufsichtsbehörde zu wenden."
    assert combine(alone, parse("request_complaint", 0.9), []).rights == []
    parts = [
        ("Bitte erteilen Sie mir Auskunft", parse("request_access", 0.98)),
        ("Ich behalte mir vor, mich an die Aufsichtsbehörde zu wenden", parse("request_complaint", 0.95)),
    ]
    assert combine("x", parse("request_access+request_complaint", 0.7), parts).rights == ["access"]
    assert combine("Ich möchte mich beschweren", parse("request_complaint", 0.95), []).rights == ["complaint"]


def test_a_general_german_question_or_a_disclaimer_requests_nothing() -> None:
    general = "Muss ein Unternehmen die Empfänger über eine Berichtigung informieren?"
    t = combine(general, parse("request_notification", 0.8), [])
    assert t.rights == []
    assert combine("Darf eine Firma eine Löschung verweigern?", parse("request_erasure", 0.7), []).rights == []
    told = "Kann ich meine Daten exportieren? Ich frage nur aus Interesse."
    assert combine(told, parse("request_portability", 0.9), []).rights == []
    assert combine("Ich will noch nichts beantragen, nur verstehen.", parse("request_access", 0.6), []).rights == []
    some_day = "Falls ich irgendwann eine Kopie will, an wen schreibe ich?"
    assert combine(some_day, parse("request_access", 0.9), []).rights == []
    assert combine("Können Sie meine Daten löschen?", parse("request_erasure", 0.9), []).rights == ["erasure"]
    assert combine("Kann ich eine Kopie meiner Daten haben?", parse("request_access", 0.9), []).rights == ["access"]


def test_english_lists_split_into_their_items() -> None:
    assert clauses("my data + deletion of my account pls") == ["my data", "deletion of my account pls"]
    assert clauses("I need: - my invoices - my account closed") == ["I need", "my invoices", "my account closed"]
    assert clauses("Please list: 1) the purposes; 2) the recipients") == [
        "Please list",
        "the purposes",
        "the recipients",
    ]
    assert clauses("Export my files, close my account.") == ["Export my files", "close my account"]
    # in a short message, a comma before the next thing asked for; not in a letter
    assert clauses("I'd like my data, a CSV of it and then its deletion.") == [
        "I'd like my data",
        "a CSV of it",
        "its deletion",
    ]
    assert clauses("close my account, the app is useless") == ["close my account, the app is useless"]
    assert clauses("I withdraw consent and I also object to profiling.") == [
        "I withdraw consent",
        "I also object to profiling",
    ]
    # German messages split their list items by their own rule (letters_de.LIST_SPLIT_RE), not at ";" items
    assert clauses("Bitte schicken Sie mir: - meine Daten - meine Rechnungen") == [
        "Bitte schicken Sie mir",
        "meine Daten",
        "meine Rechnungen",
    ]


def test_an_english_closing_threat_splits_off_and_is_no_complaint() -> None:
    assert clauses("Remove my data within a week or I will report you.") == [
        "Remove my data within a week",
        "or I will report you",
    ]
    text = "Remove my data within a week, otherwise I shall complain to the regulator."
    parts = clauses(text)
    assert parts == ["Remove my data within a week", "otherwise I shall complain to the regulator"]
    t = combine(
        text,
        parse("request_erasure+request_complaint", 0.8),
        [(parts[0], parse("request_erasure", 0.97)), (parts[1], parse("request_complaint", 0.95))],
    )
    assert t.rights == ["erasure"]


def test_english_clauses_split_before_a_second_request_joined_by_and_or_but() -> None:
    assert clauses("Send my files to my new host and after that I want the account wiped.") == [
        "Send my files to my new host",
        "I want the account wiped",
    ]
    assert clauses("Unsubscribe me and remove whatever else you keep.") == [
        "Unsubscribe me",
        "remove whatever else you keep",
    ]
    assert clauses("I cancel the newsletter and I'd like to see my stored data.") == [
        "I cancel the newsletter",
        "I'd like to see my stored data",
    ]
    assert clauses("Erase my chat logs, but keep my contract data locked.") == [
        "Erase my chat logs",
        "keep my contract data locked",
    ]


def test_a_request_to_notify_recipients_does_not_ask_again_for_the_correction_they_are_told_of() -> None:
    text = (
        "Dear team, last week you fixed my phone number, thank you for that. Under Article 19 GDPR, please tell me "
        "to whom you had passed the wrong number so I can see whether they were told of the correction. Best, Kim"
    )
    parts = [
        ("Dear team, last week you fixed my phone number, thank you for that", parse("request_rectification", 0.9)),
        (
            "Under Article 19 GDPR, please tell me to whom you had passed the wrong number so I can see whether they "
            "were told of the correction",
            parse("request_notification+request_rectification", 0.95),
        ),
        ("Best, Kim", parse("goodbye", 0.9)),
    ]
    assert combine(text, parse("request_notification+request_rectification", 0.9), parts).rights == ["notification"]
    text = "Fix my phone number, and please tell everyone you shared the wrong one with."
    parts = [
        ("Fix my phone number", parse("request_rectification", 0.95)),
        ("please tell everyone you shared the wrong one with", parse("request_notification", 0.95)),
    ]
    rights = combine(text, parse("request_notification+request_rectification", 0.9), parts).rights
    assert sorted(rights) == ["notification", "rectification"]


def test_an_article_cited_in_a_request_sentence_adds_its_right() -> None:
    text = "Hello, for the reasons above I request under Art. 17 GDPR that you act without delay. Regards, Lee"
    t = combine(text, parse("out_of_scope", 0.4), [(text, parse("out_of_scope", 0.4))])
    assert t.rights == ["erasure"]


def test_a_short_english_message_splits_at_and_before_a_long_noun_phrase() -> None:
    assert clauses("I want my photos sent to my new app and my profile removed along with every comment.") == [
        "I want my photos sent to my new app",
        "my profile removed along with every comment",
    ]
    assert clauses("Please delete my name and my address.") == ["Please delete my name and my address"]


def test_an_english_clause_asking_to_tell_others_gives_notification_below_the_clause_threshold() -> None:
    text = "I want my old posts removed, and please let the other forums that copied them know."
    parts = clauses(text)
    t = combine(
        text,
        parse("request_erasure", 0.9),
        [(parts[0], parse("request_erasure", 0.95)), (parts[1], parse("request_notification", 0.6))],
    )
    assert t.rights == ["erasure", "notification"]

    text = "Correct my surname and do not share my details with partners."
    parts = clauses(text)
    t = combine(
        text,
        parse("request_rectification", 0.9),
        [(parts[0], parse("request_rectification", 0.95)), (parts[1], parse("request_notification", 0.6))],
    )
    assert t.rights == ["rectification"]
