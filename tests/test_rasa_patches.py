"""Rasa speed fixes: action-response validation and predictions give exactly what Rasa's own code gives."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import load_agent
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.tensorflow.models import RasaModel

from bot import rasa_patches

GOOD: list[dict[str, Any]] = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "hi", "buttons": []}]},
]
BAD: list[dict[str, Any]] = [
    {"events": [{"no_event_key": 1}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [{"event": 5}], "responses": []},
]


@pytest.mark.parametrize("result", GOOD + BAD)
def test_same_verdict_as_jsonschema_validate(result: dict[str, Any]) -> None:
    rasa_patches.apply()
    action = RemoteAction("action_x", None)
    try:
        validate(result, RemoteAction.action_response_format_spec())
        expected_ok = True
    except ValidationError:
        expected_ok = False
    if expected_ok:
        assert action._validate_action_result(result) is True
    else:
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(result)
    assert (result in GOOD) == expected_ok


@pytest.mark.servers
def test_direct_graph_calls_predict_exactly_what_tf_function_does(
    trained_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    agent = asyncio.run(load_agent(model_path=str(trained_model)))
    calls: list[tuple[RasaModel, tuple[Any, ...], dict[str, Any]]] = []

    def recording(self: RasaModel, batch_in: tuple[Any, ...]) -> dict[str, Any]:
        calls.append((self, batch_in, rasa_patches._rasa_predict(self, batch_in)))
        return calls[-1][2]

    monkeypatch.setattr(RasaModel, "_rasa_predict", recording)
    for text in ["hi", "do you store my IP?", "delete my data and send me a copy", "123456", "x" * 500]:
        message = asyncio.run(agent.parse_message(text))
        tracker = DialogueStateTracker.from_events(
            "patch-test",
            [ActionExecuted("action_listen"), UserUttered(text, intent=message["intent"])],
            slots=agent.domain.slots,
        )
        assert agent.processor is not None
        agent.processor.predict_next_with_tracker(tracker)
    models = {id(model) for model, _, _ in calls}
    assert len(models) == 2 and len(calls) == 10  # DIET and TED, each once per message

    for model, batch_in, expected in calls:
        got = rasa_patches._predict_with_traced_graph(model, batch_in)
        assert "_privacybot_graph" in model.__dict__  # the direct path was taken
        assert _same(got, expected)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and np.allclose(a, b, atol=1e-6)
    return bool(a == b)


def test_objects_loaded_with_the_model_are_frozen_out_of_garbage_collection(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded = [{"weights": list(range(100))} for _ in range(1000)]

    async def load(*args: Any, **kwargs: Any) -> Any:
        return loaded

    monkeypatch.setattr(rasa_patches, "_load_agent_on_start", load)
    rasa_patches.apply()
    import rasa.core.run

    assert rasa.core.run.load_agent_on_start is rasa_patches._load_agent_and_freeze
    gc.unfreeze()
    try:
        assert asyncio.run(rasa.core.run.load_agent_on_start("model", None, None, None, None)) is loaded
        assert gc.get_freeze_count() >= 1000  # the loaded objects are no longer tracked by collections
    finally:
        gc.unfreeze()
