"""scripts/system-packages.sh: silent when the packages are there; one line and exit 1 when it cannot install.

The installing path (root with apt-get) changes the machine, so it is not run here: `make test` runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "system-packages.sh"
MISSING = "privacybot-no-such-package"


def run(*packages: str, path: str | None = None, as_nobody: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": path or os.environ["PATH"]}
    prefix = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] if as_nobody else []
    return subprocess.run(
        [*prefix, "bash", str(SCRIPT), *packages], env=env, capture_output=True, text=True, timeout=60
    )


def test_nothing_to_do_when_the_commands_are_there() -> None:
    result = run("bash", "sh")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_without_root_one_line_names_the_missing_packages_and_the_command() -> None:
    if shutil.which("apt-get") is None:
        pytest.skip("this machine has no apt-get: the next test covers it")
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv to drop the privileges")
    result = run("bash", MISSING, "other-missing-one", as_nobody=os.geteuid() == 0)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"missing system packages: {MISSING} other-missing-one — install them with: "
        f"sudo apt-get install -y {MISSING} other-missing-one"
    ]


def test_without_apt_get_one_line_says_what_to_install(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"  # a PATH with the few commands the script uses, and no apt-get
    bin_dir.mkdir()
    for tool in ("bash", "id"):
        (bin_dir / tool).symlink_to(shutil.which(tool) or f"/usr/bin/{tool}")
    result = run(MISSING, path=str(bin_dir))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"missing system packages: {MISSING} — install them with: your system's package manager "
        f"(Debian/Ubuntu: apt-get install -y {MISSING})"
    ]


def test_a_command_in_sbin_counts_even_when_sbin_is_not_on_the_path(tmp_path: Path) -> None:
    """Debian puts haproxy in /usr/sbin, which is not on an ordinary user's PATH."""
    in_sbin = next((p.name for p in sorted(Path("/usr/sbin").iterdir()) if os.access(p, os.X_OK)), None)
    if in_sbin is None:
        pytest.skip("nothing executable in /usr/sbin")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "id"):
        (bin_dir / tool).symlink_to(shutil.which(tool) or f"/usr/bin/{tool}")
    assert run(in_sbin, path=str(bin_dir)).returncode == 0
