"""Cleaning of untrusted text input (chat messages, CLI batch lines)."""

from __future__ import annotations

import re

MAX_CHARS = 2000


def clean_text(text: str, limit: int = MAX_CHARS) -> str:
    """Printable characters only, whitespace folded, at most ``limit`` characters."""
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    return re.sub(r"\s+", " ", printable).strip()[:limit]
