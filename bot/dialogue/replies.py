"""What the assistant says about requests: restatements, confirmations, complaint guidance."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from bot.rights.catalogue import catalogue

AUTHORITIES_FILE = Path(__file__).resolve().parent.parent / "data" / "authorities.yml"


def restate(rights: list[str]) -> str:
    """Plain restatement of the requested right(s) with their articles, ending in a question."""
    known = catalogue()
    items = [known[r] for r in rights if r in known]
    if not items:
        raise ValueError("no known right to restate")
    if len(items) == 1:
        return f"{items[0].restatement()} Is that right?"
    lines = [f"{i}. {right.wish} ({right.article})" for i, right in enumerate(items, 1)]
    return "You'd like us to:\n" + "\n".join(lines) + "\nIs that right?"


def confirmation_buttons() -> list[dict[str, str]]:
    """Yes/No quick replies after a restatement."""
    return [
        {"title": "Yes, that's right", "payload": "/affirm"},
        {"title": "No, something else", "payload": "/deny"},
    ]


def offer_button(right_id: str) -> dict[str, str]:
    """A button that starts a request for ``right_id``, e.g. after answering a question about it."""
    right = catalogue()[right_id]
    return {"title": right.offer[0].upper() + right.offer[1:], "payload": f"/{right.intent}"}


@functools.lru_cache(maxsize=4)
def supervisory_authority(region: str) -> dict[str, str]:
    """Contact details of the competent supervisory authority for the controller's region."""
    data: dict[str, dict[str, str]] = yaml.safe_load(AUTHORITIES_FILE.read_text(encoding="utf-8"))
    if region not in data:
        raise KeyError(f"no supervisory authority configured for region {region!r}")
    return data[region]


def complaint_guidance(region: str) -> str:
    """How and where to complain (Art. 77 GDPR), for the controller's region."""
    a = supervisory_authority(region)
    return (
        "You can complain to a data protection supervisory authority at any time; it is free. "
        "A complaint goes to the authority, not to us. The authority responsible for us is:\n"
        f"{a['name']}\n{a['address']}\nEmail: {a['email']} · Phone: {a['phone']}\n{a['web']}\n"
        "You may also complain to the authority where you live or work. Describe what happened and, "
        "if you have them, attach our messages. I've noted your wish for our Data Protection Officer, "
        "who may contact you to help resolve it."
    )


def data_categories(entities: list[dict[str, Any]]) -> list[str]:
    """Canonical data categories mentioned in a message, in order, without duplicates."""
    found: list[str] = []
    for entity in entities:
        value = entity.get("value")
        if entity.get("entity") == "data_category" and isinstance(value, str) and value not in found:
            found.append(value)
    return found
