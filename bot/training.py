"""Cached, reproducible training of the Rasa model.

The model file is named after a fingerprint of everything training reads (config, domain, training
data, Rasa version), so an unchanged project reuses its model and a changed one trains anew.
Random seeds are fixed in ``bot/config.yml``.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from bot.settings import PROJECT_ROOT

BOT_DIR = PROJECT_ROOT / "bot"
CONFIG_FILE = BOT_DIR / "config.yml"
DOMAIN_FILE = BOT_DIR / "domain.yml"
ENDPOINTS_FILE = BOT_DIR / "endpoints.yml"
CREDENTIALS_FILE = BOT_DIR / "credentials.yml"
DATA_DIR = PROJECT_ROOT / "nlu_data"
MODEL_PREFIX = "privacybot-"


def training_inputs() -> list[Path]:
    """Every file that training reads, in a stable order."""
    data = sorted(p for p in DATA_DIR.rglob("*") if p.is_file() and p.suffix in {".yml", ".yaml"})
    return [CONFIG_FILE, DOMAIN_FILE, *data]


def fingerprint() -> str:
    """A hash of the training inputs (paths and contents) and the Rasa version."""
    digest = hashlib.sha256(f"rasa=={version('rasa')}\n".encode())
    for path in training_inputs():
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def model_path(model_dir: Path) -> Path:
    """Where the model for the current inputs is (or will be) stored."""
    return model_dir / f"{MODEL_PREFIX}{fingerprint()}.tar.gz"


def train(model_dir: Path, force: bool = False) -> tuple[Path, bool]:
    """Train unless a model for the current inputs exists. Returns (model path, trained now)."""
    target = model_path(model_dir)
    if target.exists() and not force:
        return target, False
    model_dir.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--config",
        str(CONFIG_FILE),
        "--domain",
        str(DOMAIN_FILE),
        "--data",
        str(DATA_DIR),
        "--out",
        str(model_dir),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
        "--force",
    ]
    subprocess.run(cmd, check=True, cwd=PROJECT_ROOT)
    if not target.exists():
        raise RuntimeError(f"training finished but {target} was not written")
    for old in model_dir.glob(f"{MODEL_PREFIX}*.tar.gz"):
        if old != target:
            old.unlink()
    return target, True


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
