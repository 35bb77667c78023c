"""What `make run` says while it sets up: training progress from Rasa's output, and the address of the
chat only once the assistant answers."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.devtools.training import TrainingProgress, run_reporting_progress
from bot.runtime.local_stack import free_port
from bot.runtime.runner import announce_when_ready
from bot.runtime.supervisor import Supervisor
from bot.settings import Settings

# Rasa's output as `rasa train` prints it: log lines, and tqdm progress bars redrawn with carriage returns.
HOOKS = "2026-12-01 14:01:41 INFO     rasa.engine.training.hooks  - "
RASA_OUTPUT = (
    f"{HOOKS}Starting to train component 'RulePolicy'.\n"
    f"{HOOKS}Starting to train component 'TEDPolicy'.\n"
    "Epochs:   0%|          | 0/20 [00:00<?, ?it/s]"
    + "".join(
        f"\rEpochs:  {5 * i:2d}%|███       | {i}/20 [00:{i:02d}<00:10,  1.02it/s, t_loss=4.4, acc=0.1]"
        for i in range(1, 21)
    )
    + f"\n{HOOKS}Starting to train component 'CountVectorsFeaturizer'.\n"
    f"{HOOKS}Starting to train component 'DIETClassifier'.\n"
    + "".join(
        f"\rEpochs:  {i}%|█      | {i}/40 [00:{i:02d}<01:03,  3.02s/it, t_loss=2, i_acc=0.998]" for i in range(41)
    )
    + "\n"
)


def test_training_output_becomes_a_few_lines_per_model() -> None:
    said: list[str] = []
    now = [0.0]
    progress = TrainingProgress(said.append, clock=lambda: now[0])
    for segment in RASA_OUTPUT.replace("\r", "\n").split("\n"):
        now[0] += 1.0  # one second per line of output
        progress.line(segment)
    assert said == [
        "training the dialogue policy (TED) …",
        "  epoch 5/20 (6s)",
        "  epoch 10/20 (11s)",
        "  epoch 15/20 (16s)",
        "  epoch 20/20 (21s)",
        "training the intents (DIET) …",
        "  epoch 10/40 (12s)",
        "  epoch 20/40 (22s)",
        "  epoch 30/40 (32s)",
        "  epoch 40/40 (42s)",
    ]


def test_progress_arrives_while_the_command_runs_and_all_output_goes_to_the_log(tmp_path: Path) -> None:
    """Progress bars have no newline: their lines must still come out as they are drawn."""
    script = (
        "import sys, time\n"
        "print(\"- Starting to train component 'DIETClassifier'.\", flush=True)\n"
        "for i in range(5):\n"
        "    sys.stderr.write(f'\\rEpochs:  {i * 25}%|##| {i}/4 [00:00<?, ?it/s]')\n"
        "    sys.stderr.flush()\n"
        "    time.sleep(0.3)\n"
    )
    said: list[tuple[float, str]] = []
    started = time.monotonic()
    run_reporting_progress(
        [sys.executable, "-c", script], tmp_path / "train.log", lambda s: said.append((time.monotonic() - started, s))
    )
    texts = [s for _, s in said]
    assert texts[0] == "training the intents (DIET) …"
    assert [re.sub(r"\(\d+s\)", "(Ns)", s) for s in texts[1:]] == [f"  epoch {i}/4 (Ns)" for i in range(1, 5)]
    first_epoch_at = next(t for t, s in said if s.startswith("  epoch 1/4"))
    assert first_epoch_at < 1.0  # said while the command was still running (it takes 1.5 s)
    assert "Epochs:  100%|##| 4/4" in (tmp_path / "train.log").read_text()


def test_a_failed_training_shows_the_end_of_its_log(tmp_path: Path) -> None:
    said: list[str] = []
    script = "import sys\nfor i in range(30): print(f'line {i}')\nprint('InvalidConfigException: no such component')\n"
    script += "sys.exit(3)"
    with pytest.raises(subprocess.CalledProcessError):
        run_reporting_progress([sys.executable, "-c", script], tmp_path / "train.log", said.append)
    assert said[0] == f"training failed; the end of {tmp_path / 'train.log'}:"
    assert said[-1] == "  InvalidConfigException: no such component" and "  line 29" in said
    assert len(said) == 16  # the last 15 lines, not all 31


class Ok(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def answering(port: int) -> Iterator[None]:
    server = ThreadingHTTPServer(("127.0.0.1", port), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def test_the_chat_address_is_printed_only_once_rasa_and_the_action_server_answer(
    settings_for: Callable[..., Settings],
) -> None:
    settings = settings_for(rasa_port=free_port(), action_port=free_port(), widget_port=free_port())
    out = io.StringIO()
    supervisor = Supervisor([], out=out)
    announcing = threading.Thread(target=announce_when_ready(settings, timeout=30), args=(supervisor,), daemon=True)
    announcing.start()
    time.sleep(1.5)
    assert out.getvalue() == ""  # nothing answers yet
    with answering(settings.rasa_port):
        time.sleep(1.5)
        assert out.getvalue() == ""  # the action server does not answer yet: questions would fail
        with answering(settings.action_port):
            announcing.join(timeout=10)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("supervisor | ready after ") and lines[0].endswith("s. Chat with the assistant:")
    assert lines[1] == f"supervisor |   in a browser: http://{settings.host}:{settings.widget_port}/"
