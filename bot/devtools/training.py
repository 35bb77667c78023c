"""Cached, reproducible training of the Rasa model.

The model file is named after a fingerprint of everything training reads (config, domain, training
data, Rasa version), so an unchanged project reuses its model and a changed one trains anew.
Random seeds are fixed in ``bot/config.yml``.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from bot.settings import PROJECT_ROOT

BOT_DIR = PROJECT_ROOT / "bot"
CONFIG_FILE = BOT_DIR / "config.yml"
DOMAIN_FILE = BOT_DIR / "domain.yml"
BASELINE_CONFIG_FILE = BOT_DIR / "eval_configs" / "rasa_init_default.yml"
DATA_DIR = PROJECT_ROOT / "nlu_data"
MODEL_PREFIX = "privacybot-"


def training_inputs(config: Path = CONFIG_FILE) -> list[Path]:
    """Every file that training reads, in a stable order."""
    data = sorted(p for p in DATA_DIR.rglob("*") if p.is_file() and p.suffix in {".yml", ".yaml"})
    return [config, DOMAIN_FILE, *data]


def fingerprint(config: Path = CONFIG_FILE, nlu_only: bool = False) -> str:
    """A hash of the training inputs (paths and contents), the kind of model and the Rasa version."""
    header = f"rasa=={version('rasa')}\n" + ("nlu only\n" if nlu_only else "")
    digest = hashlib.sha256(header.encode())
    for path in training_inputs(config):
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def model_path(model_dir: Path, config: Path = CONFIG_FILE, nlu_only: bool = False) -> Path:
    """Where the model for the current inputs is (or will be) stored."""
    prefix = MODEL_PREFIX if config == CONFIG_FILE else f"{config.stem}-"
    return model_dir / f"{prefix}{fingerprint(config, nlu_only)}.tar.gz"


def train(
    model_dir: Path,
    force: bool = False,
    config: Path = CONFIG_FILE,
    nlu_only: bool = False,
    progress: Callable[[str], None] | None = None,
) -> tuple[Path, bool]:
    """Train unless a model for the current inputs exists. Returns (model path, trained now).

    With ``progress``, Rasa's output goes to ``<model_dir>/last-training.log`` and ``progress`` gets
    a few lines instead (which model trains, its epochs); otherwise Rasa prints as usual.
    Older models of the same configuration are removed once the new one is written.
    """
    target = model_path(model_dir, config, nlu_only)
    if target.exists() and not force:
        return target, False
    model_dir.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "rasa", "train", *(["nlu"] if nlu_only else [])]
    cmd += ["--config", str(config), "--domain", str(DOMAIN_FILE)]
    cmd += ["--nlu", str(DATA_DIR / "nlu")] if nlu_only else ["--data", str(DATA_DIR)]
    cmd += ["--out", str(model_dir), "--fixed-model-name", target.name.removesuffix(".tar.gz")]
    cmd += [] if nlu_only else ["--force"]
    if progress is None:
        subprocess.run(cmd, check=True, cwd=PROJECT_ROOT)
    else:
        run_reporting_progress(cmd, model_dir / "last-training.log", progress)
    if not target.exists():
        raise RuntimeError(f"training finished but {target} was not written")
    stem = target.name[: target.name.rindex("-") + 1]
    for old in model_dir.glob(f"{stem}*.tar.gz"):
        if old != target:
            old.unlink()
    return target, True


COMPONENT_RE = re.compile(r"Starting to train component '(\w+)'")
EPOCHS_RE = re.compile(r"^Epochs:\s+\d+%\|[^|]*\|\s*(\d+)/(\d+)")
WHAT = {"TEDPolicy": "dialogue policy (TED)", "DIETClassifier": "intents (DIET)"}


class TrainingProgress:
    """Turns Rasa's training output into a few lines: each neural model as it starts, and its epochs
    at every quarter with the seconds since it started."""

    def __init__(self, say: Callable[[str], None], clock: Callable[[], float] = time.monotonic):
        self.say = say
        self.clock = clock
        self.model: str | None = None
        self.started = 0.0
        self.reported = 0

    def line(self, text: str) -> None:
        """One line (or carriage-return segment) of Rasa's output."""
        component = COMPONENT_RE.search(text)
        if component and component.group(1) in WHAT:
            self.model, self.started, self.reported = component.group(1), self.clock(), 0
            self.say(f"training the {WHAT[self.model]} …")
            return
        epochs = EPOCHS_RE.match(text.strip())
        if epochs and self.model:
            done, total = int(epochs.group(1)), int(epochs.group(2))
            quarter = 4 * done // total
            if done and quarter > self.reported:
                self.reported = quarter
                self.say(f"  epoch {done}/{total} ({self.clock() - self.started:.0f}s)")


def run_reporting_progress(cmd: list[str], log_file: Path, say: Callable[[str], None]) -> None:
    """Run ``cmd``, its output to ``log_file`` and a summary to ``say``; on failure, the log's tail."""
    progress = TrainingProgress(say)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    pending = ""
    with log_file.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        assert proc.stdout is not None
        while data := os.read(proc.stdout.fileno(), 65536):  # what is there: progress bars have no newline
            chunk = decoder.decode(data)
            log.write(chunk)
            *segments, pending = re.split(r"[\r\n]", pending + chunk)
            for segment in segments:
                progress.line(segment)
        progress.line(pending)
        code = proc.wait()
    if code:
        tail = log_file.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        say("training failed; the end of " + str(log_file) + ":")
        for text in tail:
            say("  " + text[-300:])
        raise subprocess.CalledProcessError(code, cmd)


def validate() -> None:
    """Run `rasa data validate` over domain, config and training data (raises on failure)."""
    cmd = [
        sys.executable,
        "-m",
        "rasa",
        "data",
        "validate",
        "--config",
        str(CONFIG_FILE),
        "--domain",
        str(DOMAIN_FILE),
        "--data",
        str(DATA_DIR),
        "--fail-on-warnings",
    ]
    subprocess.run(cmd, check=True, cwd=PROJECT_ROOT)
