"""Rasa speed fixes: action-response validation, model loading and predictions give exactly what Rasa's own
code gives."""

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

from bot.runtime import rasa_patches

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


def rasa_models(agent: Any) -> dict[str, RasaModel]:
    """The TensorFlow models (DIET, TED) in a loaded agent, by graph node name."""
    nodes = agent.processor.graph_runner._instantiated_nodes
    found = {name: getattr(node._component, "model", None) for name, node in nodes.items()}
    return {name: model for name, model in found.items() if isinstance(model, RasaModel)}


@pytest.mark.servers
def test_models_loaded_without_the_training_step_have_the_saved_weights_and_predict_the_same(
    trained_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rasa_patches.apply()
    with monkeypatch.context() as rasa_as_released:
        rasa_as_released.setattr(RasaModel, "load", classmethod(rasa_patches._rasa_load))
        rasa_as_released.setattr(RasaModel, "_rasa_predict", rasa_patches._rasa_predict)
        rasas_own = asyncio.run(load_agent(model_path=str(trained_model)))
    assert RasaModel.load.__func__ is rasa_patches._load_built_by_prediction  # type: ignore[attr-defined]
    fast = asyncio.run(load_agent(model_path=str(trained_model)))
    fast_models, own_models = rasa_models(fast), rasa_models(rasas_own)
    assert fast_models.keys() == own_models.keys() and len(fast_models) == 2  # DIET and TED

    for name, model in fast_models.items():
        own = {w.name: w.numpy() for w in own_models[name].weights}
        weights = {w.name: w.numpy() for w in model.weights}
        assert weights.keys() == own.keys(), name  # every weight is there ...
        assert all(np.array_equal(value, own[key]) for key, value in weights.items()), name  # ... as saved

    calls: list[tuple[RasaModel, tuple[Any, ...], dict[str, Any]]] = []

    def recording(self: RasaModel, batch_in: tuple[Any, ...]) -> dict[str, Any]:
        calls.append((self, batch_in, rasa_patches._rasa_predict(self, batch_in)))
        return calls[-1][2]

    monkeypatch.setattr(RasaModel, "_rasa_predict", recording)
    for text in ["hi", "do you store my IP?", "delete my data and send me a copy", "my email is a@b.example"]:
        message = asyncio.run(fast.parse_message(text))
        tracker = DialogueStateTracker.from_events(
            "load-test",
            [ActionExecuted("action_listen"), UserUttered(text, intent=message["intent"])],
            slots=fast.domain.slots,
        )
        assert fast.processor is not None
        fast.processor.predict_next_with_tracker(tracker)
    by_id = {id(model): name for name, model in fast_models.items()}
    assert {by_id[id(model)] for model, _, _ in calls} == set(fast_models)
    for model, batch_in, got in calls:  # Rasa's own graph (traced with AutoGraph) gives the same
        assert _same(got, rasa_patches._rasa_predict(own_models[by_id[id(model)]], batch_in))


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
