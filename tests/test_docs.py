"""The threat model names real tests: every `tests/…::name` it cites exists."""

from __future__ import annotations

import ast
import re

from bot.settings import PROJECT_ROOT


def test_every_test_named_in_the_threat_model_exists() -> None:
    doc = (PROJECT_ROOT / "docs" / "threat-model.md").read_text(encoding="utf-8")
    cited = re.findall(r"`(tests/[\w/]+\.py)((?:::\w+)?)`|`::(\w+)`", doc)
    assert len(cited) >= 20
    current = ""
    for path, name, continued in cited:
        if path:
            current = path
            assert (PROJECT_ROOT / path).exists(), path
        test = (name or "").lstrip(":") or continued
        if test:
            tree = ast.parse((PROJECT_ROOT / current).read_text(encoding="utf-8"))
            defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
            assert test in defined, f"{current}::{test} is cited in docs/threat-model.md but does not exist"
