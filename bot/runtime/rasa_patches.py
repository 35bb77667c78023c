"""Four targeted speed fixes for Rasa 3.6, applied by ``bot.runtime.rasa_server`` before Rasa starts.

- Rasa checks every action server response with ``jsonschema.validate``, which re-checks the schema
  itself and builds a new validator on every call: in a profile of our server under load that was a
  fifth of the Rasa process's time. The replacement validates against the same schema with one
  validator built once, and raises the same error with the same message.
- Every prediction of DIET and TED goes through ``tf.function``, which on each call works out again
  which traced graph fits the inputs (a sixth of the Rasa process's time under load, more than the
  graph's own arithmetic). Rasa traces that function with a fixed input signature, so there is exactly
  one graph: after the first call, the replacement calls that graph directly with the inputs converted
  to its signature's types. Same graph, same inputs, same outputs (tested); about a quarter less time
  per prediction.
- Once the model is loaded, its millions of long-lived objects are moved out of the garbage
  collector's sight (``gc.freeze``): each full collection otherwise walked all of them and stopped the
  server for 0.4-0.6 s, several times a minute under load.
- Loading DIET and TED, Rasa trains each model on one example to create its weights, then overwrites
  them with the saved ones and predicts once: tracing the training step (gradients, optimizer) took
  more of the server's start than anything else. The replacement lets the one prediction create the
  weights, each restored from the saved model as it is created, and checks that every weight it made
  came from the file. Same weights, same predictions (tested); the training step is never traced.
"""

from __future__ import annotations

import functools
import gc
from typing import Any

import rasa.core.run
import tensorflow as tf
from keras.utils import tf_utils
from rasa.core.actions.action import RemoteAction
from rasa.core.agent import Agent
from rasa.shared.constants import DIAGNOSTIC_DATA, DOCS_BASE_URL
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.models import RasaModel


@functools.lru_cache(maxsize=1)
def _response_validator() -> Any:
    from jsonschema.validators import validator_for

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    from jsonschema import ValidationError

    try:
        _response_validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            ". Failed to validate Action server response from API, make sure your response from the "
            f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise e


_rasa_predict = RasaModel._rasa_predict


def _predict_with_traced_graph(self: RasaModel, batch_in: tuple[Any, ...]) -> dict[str, Any]:
    """``RasaModel._rasa_predict``, calling the one traced graph directly once it exists."""
    if self._tf_predict_step is None and not self._run_eagerly:
        # Rasa's own tf.function, traced without AutoGraph: Rasa's prediction code branches with tf.cond
        # itself, so AutoGraph only rewrote its Python source, at a cost of half of the tracing time.
        # (Graph code that relied on a rewrite would fail loudly while tracing, never silently differ.)
        self._tf_predict_step = tf.function(
            self.predict_step, input_signature=self._dynamic_signature(batch_in), autograph=False
        )
    if self._run_eagerly or not self.prepared_for_prediction:
        return _rasa_predict(self, batch_in)  # the first call traces the graph
    graph = self.__dict__.get("_privacybot_graph")
    if graph is None:
        graph = self.__dict__["_privacybot_graph"] = self._tf_predict_step.get_concrete_function()
    specs = tf.nest.flatten(graph.structured_input_signature)
    values = tf.nest.flatten(batch_in)
    if len(specs) != len(values):
        return _rasa_predict(self, batch_in)
    tensors = [tf.convert_to_tensor(v, dtype=spec.dtype) for v, spec in zip(values, specs, strict=True)]
    outputs: dict[str, Any] = tf_utils.sync_to_numpy_or_python_type(graph._call_flat(tensors, graph.captured_inputs))
    if DIAGNOSTIC_DATA in outputs:
        outputs[DIAGNOSTIC_DATA] = self._empty_lists_to_none_in_dict(outputs[DIAGNOSTIC_DATA])
    return outputs


_rasa_load = RasaModel.load.__func__


def _load_built_by_prediction(
    cls: type[RasaModel],
    model_file_name: str,
    model_data_example: Any,
    predict_data_example: Any = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """``RasaModel.load`` without the training step on one example that only served to create weights."""
    if finetune_mode or predict_data_example is None:
        return _rasa_load(
            cls, model_file_name, model_data_example, predict_data_example, finetune_mode, *args, **kwargs
        )
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(
        optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=config.get(RUN_EAGERLY)
    )
    restored = model.load_weights(model_file_name)  # weights created from now on take the saved values
    model.run_inference(predict_data_example)  # creates every weight a prediction uses
    restored.assert_existing_objects_matched()  # each of them came from the file
    restored.expect_partial()  # the optimizer's state is in the file too, and not needed
    return model


_load_agent_on_start = rasa.core.run.load_agent_on_start


async def _load_agent_and_freeze(*args: Any, **kwargs: Any) -> Agent:
    """Rasa's ``load_agent_on_start``, then the loaded objects frozen out of garbage collection."""
    agent = await _load_agent_on_start(*args, **kwargs)
    gc.collect()
    gc.freeze()
    return agent


def apply() -> None:
    """Install the faster action response validation, model loading, predictions and garbage collection."""
    RemoteAction._validate_action_result = _validate_action_result
    RasaModel._rasa_predict = _predict_with_traced_graph
    RasaModel.load = classmethod(_load_built_by_prediction)
    rasa.core.run.load_agent_on_start = _load_agent_and_freeze
