"""The NLU component that decides a request by its rights' summed confidence (bot/runtime/right_marginals.py)."""

from __future__ import annotations

from typing import Any

from rasa.shared.nlu.training_data.message import Message

from bot.runtime.right_marginals import RightMarginals


def message(*ranking: tuple[str, float]) -> Message:
    entries: list[dict[str, Any]] = [{"name": name, "confidence": conf} for name, conf in ranking]
    return Message(data={"text": "x", "intent": dict(entries[0]), "intent_ranking": entries})


def run(msg: Message) -> Message:
    return RightMarginals({"threshold": 0.5}).process([msg])[0]


def test_split_confidence_on_one_right_gives_that_right_its_sum() -> None:
    msg = run(message(("request_access", 0.42), ("request_access+request_portability", 0.3), ("ask_question", 0.2)))
    assert msg.data["intent"]["name"] == "request_access"
    assert abs(msg.data["intent"]["confidence"] - 0.72) < 1e-9
    assert msg.data["intent_ranking"][0] == msg.data["intent"]


def test_two_sure_rights_take_the_multi_intent() -> None:
    msg = run(message(("request_access", 0.4), ("request_access+request_erasure", 0.35), ("request_erasure", 0.2)))
    assert msg.data["intent"]["name"] == "request_access+request_erasure"
    assert abs(msg.data["intent"]["confidence"] - 0.55) < 1e-9


def test_sure_question_and_chit_chat_stay_as_they_are() -> None:
    for ranking in [(("ask_question", 0.8), ("request_erasure", 0.15)), (("greet", 0.45), ("request_erasure", 0.3))]:
        msg = run(message(*ranking))
        assert msg.data["intent"] == {"name": ranking[0][0], "confidence": ranking[0][1]}
