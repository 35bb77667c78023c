"""A message of several clauses decided as a whole letter (bot/runtime/letters.py), without a model."""

from __future__ import annotations

from typing import Any

from bot.runtime.letters import as_letter, as_question

RIGHT = "requested_right"

INTENTS = ["ask_question", "request_access", "request_erasure", "request_access+request_erasure", "request_complaint"]


def parse(text: str, intent: str, confidence: float) -> dict[str, Any]:
    entry = {"name": intent, "confidence": confidence}
    return {"text": text, "intent": dict(entry), "intent_ranking": [entry], "entities": []}


def rights_in(out: dict[str, Any]) -> list[str]:
    return [e["value"] for e in out["entities"] if e["entity"] == RIGHT]


def test_a_request_in_a_later_sentence_joins_the_letter() -> None:
    whole = parse("Send me my data. Then erase it.", "request_access", 0.9)
    parts = [("Send me my data", parse("x", "request_access", 0.95)), ("erase it", parse("x", "request_erasure", 0.9))]
    out = as_letter(whole, parts, INTENTS)
    assert out["intent"] == {"name": "request_access+request_erasure", "confidence": 0.9}
    assert out["intent_ranking"][0] == out["intent"]
    assert rights_in(out) == ["access", "erasure"]


def test_explanations_and_unsure_clauses_add_nothing() -> None:
    whole = parse("Send me my data. The authority may hear of it.", "request_access", 0.9)
    parts = [
        ("Send me my data", parse("x", "request_access", 0.95)),
        ("The authority may hear of it", parse("x", "request_complaint", 0.6)),
    ]
    out = as_letter(whole, parts, INTENTS)
    assert out["intent"] == whole["intent"] and rights_in(out) == ["access"]


def test_a_question_stays_a_question_and_unknown_combinations_keep_the_parse() -> None:
    question = parse("What is erasure? Can a company refuse it?", "ask_question", 0.9)
    parts = [
        ("What is erasure", parse("x", "ask_question", 0.9)),
        ("Can a company refuse it", parse("x", "request_erasure", 0.99)),
    ]
    assert as_letter(question, parts, INTENTS) == question
    german = parse("Was ist Löschung? Löschen Sie meine Daten.", "ask_question", 0.9)
    assert as_letter(german, [("Löschen Sie meine Daten", parse("x", "request_erasure", 0.99))], INTENTS) == german
    whole = parse("a. b.", "request_access", 0.9)
    parts = [("a", parse("x", "request_access", 0.9)), ("b", parse("x", "request_complaint", 0.9))]
    out = as_letter(whole, parts, INTENTS)
    assert out["intent"] == whole["intent"] and rights_in(out) == ["access", "complaint"]


def test_a_letter_read_as_a_complaint_for_its_closing_threat_gets_the_request_it_makes() -> None:
    whole = parse("Bitte löschen Sie meine Daten. Andernfalls beschwere ich mich.", "request_complaint", 0.8)
    parts = [
        ("Bitte löschen Sie meine Daten", parse("x", "request_erasure", 0.97)),
        ("Andernfalls beschwere ich mich", parse("x", "request_complaint", 0.99)),
    ]
    out = as_letter(whole, parts, INTENTS)
    assert out["intent"] == {"name": "request_erasure", "confidence": 0.8}


def test_a_message_that_takes_its_request_back_becomes_a_question() -> None:
    general = parse("Muss ein Unternehmen mir sagen, wem es meine Daten gibt?", "request_notification", 0.7)
    assert as_question(general)["intent"] == {"name": "ask_question", "confidence": 0.7}
    whole = parse("Kann ich mich beschweren? Nur mal allgemein gefragt.", "request_complaint", 0.8)
    parts = [
        ("Kann ich mich beschweren", parse("x", "request_complaint", 0.9)),
        ("Nur mal allgemein gefragt", parse("x", "ask_question", 0.9)),
    ]
    assert as_letter(whole, parts, INTENTS)["intent"]["name"] == "ask_question"
    greeting = parse("hallo", "greet", 0.99)
    assert as_question(greeting) is greeting


def test_an_english_letter_read_as_a_question_gets_the_request_its_sentences_make() -> None:
    whole = parse("Dear team, I object to the use of my data for analytics. Regards, Jo", "ask_question", 1.0)
    parts = [
        ("Dear team, I object to the use of my data for analytics", parse("x", "request_objection", 0.95)),
        ("Regards, Jo", parse("x", "ask_question", 0.99)),
    ]
    assert as_letter(whole, parts, [*INTENTS, "request_objection"])["intent"]["name"] == "request_objection"


def test_a_combination_without_an_intent_gets_its_largest_part_not_a_right_it_lacks() -> None:
    whole = parse("Send me my data. Erase it. Please register my complaint.", "ask_question", 0.6)
    parts = [
        ("Send me my data", parse("x", "request_access", 0.95)),
        ("Erase it", parse("x", "request_erasure", 0.95)),
        ("Please register my complaint", parse("x", "request_complaint", 0.95)),
    ]
    out = as_letter(whole, parts, [*INTENTS, "request_portability"])
    assert out["intent"]["name"] == "request_access+request_erasure"
    assert rights_in(out) == ["access", "erasure", "complaint"]


def test_every_right_of_a_letter_is_an_entity_spanning_the_clause_that_asks_for_it() -> None:
    text = "Please stop the marketing emails. Send me a copy of my data, then delete it."
    whole = parse(text, "request_access+request_erasure", 0.7)
    whole["entities"] = [{"entity": "data_category", "value": "contact", "start": 0, "end": 1}]
    parts = [
        ("Please stop the marketing emails", parse("x", "request_objection", 0.97)),
        ("Send me a copy of my data", parse("x", "request_access", 0.95)),
        ("delete it", parse("x", "request_erasure", 0.9)),
    ]
    out = as_letter(whole, parts, INTENTS)
    assert out["intent"] == whole["intent"]  # no intent for all three: the parse that names two of them stands
    assert out["entities"][0]["entity"] == "data_category"
    assert [(e["value"], text[e["start"] : e["end"]], e["extractor"]) for e in out["entities"][1:]] == [
        ("access", "Send me a copy of my data", "LetterRights"),
        ("erasure", "delete it", "LetterRights"),
        ("objection", "Please stop the marketing emails", "LetterRights"),
    ]


def test_a_right_only_the_whole_message_names_spans_the_message_and_typed_entities_are_replaced() -> None:
    text = "/request_erasure"
    whole = parse(text, "request_erasure", 1.0)
    whole["entities"] = [{"entity": RIGHT, "value": "access", "start": 0, "end": 1}]
    out = as_letter(whole, [], INTENTS)
    assert [(e["value"], e["start"], e["end"]) for e in out["entities"]] == [("erasure", 0, len(text))]
    greeting = parse("/greet", "greet", 1.0)
    greeting["entities"] = [{"entity": RIGHT, "value": "access"}]
    assert as_letter(greeting, [], INTENTS)["entities"] == []


def test_a_complaint_intent_does_not_stand_for_a_letter_that_asks_more() -> None:
    whole = parse("Delete my data. I am complaining to the authority.", "request_complaint", 0.8)
    parts = [
        ("Delete my data", parse("x", "request_erasure", 0.95)),
        ("I am complaining to the authority", parse("x", "request_complaint", 0.95)),
    ]
    out = as_letter(whole, parts, INTENTS)
    assert out["intent"]["name"] == "request_erasure"  # the request flow, which files both
    assert rights_in(out) == ["erasure", "complaint"]
