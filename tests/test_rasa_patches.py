"""The faster action-response validation accepts and refuses exactly what Rasa's own does."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

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
