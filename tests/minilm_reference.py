"""all-MiniLM-L6-v2's encoder layers written out in numpy: the reference the ONNX graph is checked against.

Nothing here comes from the code under test (bot/kb) but the location of the weights.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.special import erf

from bot.kb.embed import model_dir

Array = NDArray[np.float32]
BERT_LAYER_NORM_EPS = 1e-12  # BertConfig.layer_norm_eps of all-MiniLM-L6-v2


def layer_norm(x: Array, gamma: Array, beta: Array) -> Array:
    """LayerNorm over the hidden axis, in float64: (x - mean) / sqrt(biased variance + eps) * gamma + beta."""
    x64 = x.astype(np.float64)
    centred = x64 - x64.mean(axis=-1, keepdims=True)
    normed = centred / np.sqrt(np.var(x64, axis=-1, keepdims=True) + BERT_LAYER_NORM_EPS)
    return (normed * gamma + beta).astype(np.float32)


def reference_pooled(x: Array, heads: int = 12, layers: int = 6) -> Array:
    """Mean-pooled last layer for the embedding-layer output ``x`` (tokens × hidden)."""
    from safetensors.numpy import load_file

    w = load_file(str(model_dir() / "model.safetensors"))

    def linear(v: Array, name: str) -> Array:
        return v @ w[f"{name}.weight"].T + w[f"{name}.bias"]

    n, d = x.shape
    size = d // heads
    for i in range(layers):
        p = f"encoder.layer.{i}"
        q, k, v = (
            linear(x, f"{p}.attention.self.{m}").reshape(n, heads, size).transpose(1, 0, 2)
            for m in ("query", "key", "value")
        )
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(size)
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        context = ((scores / scores.sum(-1, keepdims=True)) @ v).transpose(1, 0, 2).reshape(n, d)
        x = layer_norm(
            linear(context, f"{p}.attention.output.dense") + x,
            w[f"{p}.attention.output.LayerNorm.weight"],
            w[f"{p}.attention.output.LayerNorm.bias"],
        )
        hidden = linear(x, f"{p}.intermediate.dense")
        hidden = 0.5 * hidden * (1.0 + erf(hidden / math.sqrt(2.0)))
        x = layer_norm(
            linear(hidden, f"{p}.output.dense") + x,
            w[f"{p}.output.LayerNorm.weight"],
            w[f"{p}.output.LayerNorm.bias"],
        )
    return x.mean(0)
