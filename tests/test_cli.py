"""The privacybot command line as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.settings import PROJECT_ROOT


def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_help_lists_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("run", "train", "validate", "ask", "kb", "eval"):
        assert f"  {command} " in result.stdout or f"  {command}\n" in result.stdout


def test_wrong_setting_gives_one_line_error_naming_it() -> None:
    result = run("run", env={"PRIVACYBOT_RASA_PORT": "not-a-port"})
    assert result.returncode == 1
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("Error: invalid configuration: PRIVACYBOT_RASA_PORT")


def test_ask_json_fields() -> None:
    result = run("ask", "--json", "does Stripe get my date of birth?")
    assert result.returncode == 0
    answer = json.loads(result.stdout)
    assert answer["section"] == {
        "number": "8",
        "title": "Data processing for payment process",
        "id": "8",
    }
    assert "date of birth" in answer["answer"]
    assert 0 < answer["confidence"] <= 1
    assert all({"number", "title", "score"} <= set(a) for a in answer["alternatives"])


def test_ask_batch_keeps_order_and_survives_odd_lines() -> None:
    lines = [
        "who is your DPO?",
        "",
        "\x00\x1b[31m" + "x" * 50000,
        "do you use TikTok?",
        "what cookies do you use?",
    ]
    result = run("ask", "--json", "--batch", "-", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(out) == len(lines)
    assert out[0]["section"]["title"] == "Name and address of the Data Protection Officer"
    assert out[1]["abstained"] and out[2]["abstained"] and out[3]["abstained"]
    assert out[4]["section"] is None and out[4]["cited"][0]["number"] == "2"  # an overview, our own cookies first
    assert len(out[2]["question"]) <= 2000


def test_ask_needs_a_question_or_a_batch() -> None:
    result = run("ask")
    assert result.returncode == 2
    assert "give either a QUESTION or --batch FILE" in result.stderr


line_text = st.text(st.characters(blacklist_characters="\r\n", blacklist_categories=("Cs",)), max_size=3000)


@settings(max_examples=40, deadline=None)
@given(lines=st.lists(line_text, min_size=1, max_size=12), junk=st.binary(max_size=64))
def test_ask_batch_fuzz_one_json_line_per_input_line(lines: list[str], junk: bytes) -> None:
    """Random unicode and invalid UTF-8: the batch never fails and answers every line, in order."""
    from click.testing import CliRunner

    from bot.cli.main import main

    raw = "\n".join(lines).encode("utf-8") + b"\n" + junk.replace(b"\n", b"").replace(b"\r", b"") + b"\n"
    result = CliRunner().invoke(main, ["ask", "--batch", "-"], input=raw)
    assert result.exit_code == 0, result.output[-500:]
    out = [json.loads(x) for x in result.output.rstrip("\n").split("\n")]  # not splitlines: U+2028 is data
    assert len(out) == len(lines) + 1
    assert all(set(o) >= {"question", "answer", "confidence", "section", "alternatives"} for o in out)
    assert all(len(o["question"]) <= 2000 for o in out)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--paired", "rasa-init", "rasa-init"], "give two different targets"),
        (["--paired", "rasa-init", "elsewhere"], "'elsewhere' is not one of"),
        (["--paired", "rasa-init"], "requires 2 arguments"),
        (["--paired", "embedded", "rasa-init", "--repeats", "0"], "0 is not in the range 1<=x<=20"),
    ],
)
def test_bench_refuses_bad_pairs_before_starting_anything(args: list[str], message: str) -> None:
    from click.testing import CliRunner

    from bot.cli.main import main

    result = CliRunner().invoke(main, ["bench", *args])
    assert result.exit_code == 2 and message in result.output, result.output
