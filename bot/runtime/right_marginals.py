"""Decide a request by the summed confidence of each right, before the fallback classifier looks.

DIET often splits its confidence between intents that ask for the same right ("request_access" 0.42,
"request_access+request_portability" 0.30): no single intent is sure enough, the fallback classifier
answers a plain request as a question, although the model is sure the person wants access. This
component gives the message the intent whose rights are exactly those with a summed confidence of at
least ``threshold`` (the same rule as ``bot.rights.triage``), with that confidence, so that a clear request
is treated as one. Other messages are left alone.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.rights.catalogue import requested_rights, rights_from_intent


def marginal_intent(parse: dict[str, Any], threshold: float) -> dict[str, Any] | None:
    """The ranked intent requesting exactly the sure rights, with their smallest summed confidence."""
    rights = requested_rights(parse, threshold)
    if not rights:
        return None
    ranking = parse.get(INTENT_RANKING_KEY) or []
    summed = {
        right: sum(
            float(r[PREDICTED_CONFIDENCE_KEY]) for r in ranking if right in rights_from_intent(r[INTENT_NAME_KEY])
        )
        for right in rights
    }
    for entry in ranking:
        if set(rights_from_intent(entry[INTENT_NAME_KEY])) == set(rights):
            return {INTENT_NAME_KEY: entry[INTENT_NAME_KEY], PREDICTED_CONFIDENCE_KEY: min(summed.values())}
    return None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class RightMarginals(GraphComponent, IntentClassifier):
    """Between DIET and the FallbackClassifier: a request whose rights are sure keeps its intent."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """``threshold``: the summed confidence a right needs (``bot.rights.triage.WHOLE_THRESHOLD``)."""
        return {"threshold": 0.5}

    def __init__(self, config: dict[str, Any]) -> None:
        self.threshold = float(config["threshold"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RightMarginals:
        """A component for this graph node."""
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Raise a sure request's intent (and its ranking entry) to its rights' summed confidence."""
        for message in messages:
            intent = message.data.get(INTENT) or {}
            chosen = marginal_intent(message.data, self.threshold)
            if not chosen or float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= chosen[PREDICTED_CONFIDENCE_KEY]:
                continue
            message.data[INTENT] = chosen
            ranking = [
                r for r in message.data.get(INTENT_RANKING_KEY) or [] if r[INTENT_NAME_KEY] != chosen[INTENT_NAME_KEY]
            ]
            message.data[INTENT_RANKING_KEY] = [dict(chosen), *ranking]
        return messages
