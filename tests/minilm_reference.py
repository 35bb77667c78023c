"""all-MiniLM-L6-v2's encoder layers written out in numpy: the reference the ONNX graph is checked against."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from scipy.special import erf

from bot.kb.embed import _layer_norm, model_dir

Array = NDArray[np.float32]


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
        x = _layer_norm(
            linear(context, f"{p}.attention.output.dense") + x,
            w[f"{p}.attention.output.LayerNorm.weight"],
            w[f"{p}.attention.output.LayerNorm.bias"],
        )
        hidden = linear(x, f"{p}.intermediate.dense")
        hidden = 0.5 * hidden * (1.0 + erf(hidden / math.sqrt(2.0)))
        x = _layer_norm(
            linear(hidden, f"{p}.output.dense") + x,
            w[f"{p}.output.LayerNorm.weight"],
            w[f"{p}.output.LayerNorm.bias"],
        )
    return x.mean(0)
