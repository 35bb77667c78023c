"""The conversation's language decided while Rasa parses a message (bot/runtime/language.py), without a model:
real trackers and messages, and Rasa's own slot extraction with our domain."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from rasa.core.actions.action import ActionExtractSlots
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.rest import channel_language
from bot.runtime.language import EXTRACTOR, language_of, with_language, wrap
from bot.settings import PROJECT_ROOT


def tracker(*said: tuple[str, dict[str, Any] | None], slot: str | None = None) -> DialogueStateTracker:
    events: list[Any] = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    for text, metadata in said:
        events += [UserUttered(text, metadata=metadata), ActionExecuted("action_listen")]
    if slot:
        events.append(SlotSet("language", slot))
    return DialogueStateTracker.from_events("visitor", events)


def message(text: str, language: str | None = None) -> UserMessage:
    return UserMessage(text, sender_id="visitor", metadata={"language": language} if language else None)


def test_detected_from_the_first_messages_english_by_default() -> None:
    assert language_of(message("Ich möchte, dass Sie alle meine Daten löschen"), tracker()) == "de"
    assert language_of(message("please delete all my data"), tracker()) == "en"
    assert language_of(message("hi"), tracker()) == "en"
    assert language_of(message("/request_erasure"), tracker(("Guten Tag, ich habe eine Frage", None))) == "de"


def test_the_channel_setting_beats_detection_and_lasts_the_session() -> None:
    assert language_of(message("hi", "de"), tracker()) == "de"
    assert language_of(message("please delete my data", "de-AT"), tracker()) == "de"
    later = tracker(("hi", {"language": "de"}))
    assert language_of(message("delete my data"), later) == "de"  # a message without metadata keeps it
    assert language_of(message("Daten löschen bitte", "en-GB"), tracker()) == "en"


def test_a_switch_in_chat_beats_the_setting_until_the_next_switch() -> None:
    switched = tracker(("hallo", {"language": "de"}), ("können wir Englisch sprechen?", {"language": "de"}))
    assert language_of(message("delete my data", "de"), switched) == "en"
    assert language_of(message("auf Deutsch bitte", "de"), switched) == "de"


def test_a_previous_session_does_not_count() -> None:
    old = tracker(("auf Deutsch bitte", None))
    old.update(ActionExecuted("action_session_start"))
    old.update(SessionStarted())
    assert language_of(message("delete my data"), old) == "en"


def parse(text: str) -> dict[str, Any]:
    return {"text": text, "intent": {"name": "greet", "confidence": 0.9}, "entities": [{"entity": "email"}]}


def test_the_entity_is_added_only_when_the_language_changes() -> None:
    p = parse("hallo")
    assert with_language(p, "en", None) is p  # an empty slot is English: nothing to set
    assert with_language(p, "de", "de") is p
    changed = with_language(p, "de", None)
    assert changed["entities"] == [
        {"entity": "email"},
        {"entity": "language", "value": "de", "confidence_entity": 1.0, "extractor": EXTRACTOR},
    ]
    assert with_language(p, "en", "de")["entities"][-1]["value"] == "en"
    assert p["entities"] == [{"entity": "email"}]  # the parse given is not changed


def test_wrapped_parsing_passes_everything_through() -> None:
    seen: list[tuple[Any, ...]] = []

    def rasa_parse(processor: Any, msg: UserMessage, trk: DialogueStateTracker, only: bool = True) -> dict[str, Any]:
        seen.append((processor, msg.text, only))
        return parse(msg.text or "")

    wrapped = wrap(rasa_parse)
    out = wrapped(None, message("hi", "de"), tracker(), False)  # type: ignore[arg-type]
    assert seen == [(None, "hi", False)]
    assert out["entities"][-1]["value"] == "de"
    assert wrapped(None, message("hi"), tracker(), True)["entities"] == [{"entity": "email"}]  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(PROJECT_ROOT / "bot" / "domain.yml"))


def extracted(domain: Domain, trk: DialogueStateTracker, entities: list[dict[str, Any]]) -> list[Any]:
    trk.update(UserUttered("x", {"name": "greet", "confidence": 1.0}, entities), domain)
    action = ActionExtractSlots(action_endpoint=None)
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    return asyncio.run(action.run(CollectingOutputChannel(), nlg, trk, domain))


def test_the_domain_fills_the_slot_from_the_entity_and_it_steers_nothing(domain: Domain) -> None:
    entity = {"entity": "language", "value": "de", "confidence_entity": 1.0, "extractor": EXTRACTOR}
    assert extracted(domain, tracker(), [entity]) == [SlotSet("language", "de")]
    assert extracted(domain, tracker(slot="de"), []) == []
    assert "language" not in domain._get_featurized_entities(
        UserUttered("x", {"name": "greet"}, [entity])  # type: ignore[arg-type]
    )
    assert not domain.slots[[s.name for s in domain.slots].index("language")].influence_conversation


def test_of_a_clients_metadata_only_a_language_code_reaches_the_conversation() -> None:
    assert channel_language({"metadata": {"language": "de", "verified_phone": "+491701234567"}}) == {"language": "de"}
    assert channel_language({"metadata": {"language": "en-GB"}}) == {"language": "en-GB"}
    for body in ({}, {"metadata": None}, {"metadata": {"language": 7}}, {"metadata": {"language": "x" * 40}}):
        assert channel_language(body) is None
