"""The MiniLM encoder: tokenizer, the ONNX graph against the numpy reference, unit vectors, meaning."""

from __future__ import annotations

import numpy as np

from bot.kb.embed import default_encoder
from tests.minilm_reference import reference_pooled


def test_wordpiece_tokenizer() -> None:
    tok = default_encoder().tokenizer
    ids = tok.encode("Hello, World!")
    assert ids[0] == tok.cls and ids[-1] == tok.sep
    assert [tok.vocab["hello"], tok.vocab[","], tok.vocab["world"], tok.vocab["!"]] == ids[1:-1]
    assert len(tok.encode("word " * 1000)) == 128  # truncated
    assert tok.encode("Ünïcödé café")[1:-1] == tok.encode("unicode cafe")[1:-1]  # accents stripped


def test_embeddings_capture_meaning() -> None:
    enc = default_encoder()
    v = enc.encode(
        [
            "do you store my IP address?",
            "Temporary storage of the IP address by the system is necessary to deliver the website.",
            "What is your refund policy for shoes?",
        ]
    )
    assert v.shape == (3, 384)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    sims = v @ v.T
    assert sims[0, 1] > 0.5 > sims[0, 2]
    assert np.allclose(enc.encode_one("do you store my IP address?"), v[0], atol=1e-6)


def test_onnx_graph_computes_the_reference_encoder() -> None:
    enc = default_encoder()
    for text in ["do you store my IP address?", "Wer ist der Datenschutzbeauftragte?", "x" * 400, ""]:
        x = enc.embed_tokens(text)
        ours = enc.session.run(None, {"x": x})[0]
        assert np.allclose(ours, reference_pooled(x), atol=1e-4), text


def test_quantized_encoder_stays_close_to_the_full_one() -> None:
    full, small = default_encoder(), default_encoder(quantized=True)
    texts = [
        "do you store my IP address?",
        "Please delete every piece of personal data you hold about me.",
        "Wer ist der Datenschutzbeauftragte?",
        "What is your refund policy for shoes?",
    ]
    a, b = full.encode(texts), small.encode(texts)
    assert not np.allclose(a, b, atol=1e-4)  # really the 8-bit graph, not the full one again
    assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    assert (np.sum(a * b, axis=1) > 0.97).all()
    sims = b @ b.T
    assert sims[0, 1] < 0.5 and sims[0, 3] < 0.5  # meaning kept: unrelated texts stay apart
