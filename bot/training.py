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
    model_dir: Path, force: bool = False, config: Path = CONFIG_FILE, nlu_only: bool = False
) -> tuple[Path, bool]:
    """Train unless a model for the current inputs exists. Returns (model path, trained now).

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
    subprocess.run([*cmd, *([] if nlu_only else ["--force"])], check=True, cwd=PROJECT_ROOT)
    if not target.exists():
        raise RuntimeError(f"training finished but {target} was not written")
    stem = target.name[: target.name.rindex("-") + 1]
    for old in model_dir.glob(f"{stem}*.tar.gz"):
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
