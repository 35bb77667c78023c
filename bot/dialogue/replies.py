"""What the assistant says about requests: restatements, confirmations, complaint guidance."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from bot.dialogue.texts import say
from bot.rights.catalogue import catalogue

AUTHORITIES_FILE = Path(__file__).resolve().parent.parent / "data" / "authorities.yml"


def restate(rights: list[str], lang: str = "en") -> str:
    """Plain restatement of the requested right(s) with their articles, ending in a question."""
    known = catalogue(lang)
    items = [known[r] for r in rights if r in known]
    if not items:
        raise ValueError("no known right to restate")
    if len(items) == 1:
        return say("restate_one", lang, wish=items[0].wish, article=items[0].article)
    lines = [f"{i}. {right.wish} ({right.article})" for i, right in enumerate(items, 1)]
    return say("restate_many", lang, items="\n".join(lines))


def confirmation_buttons(lang: str = "en") -> list[dict[str, str]]:
    """Yes/No quick replies after a restatement."""
    return [
        {"title": say("button_yes", lang), "payload": "/affirm"},
        {"title": say("button_no", lang), "payload": "/deny"},
    ]


def offer_button(right_id: str, lang: str = "en") -> dict[str, str]:
    """A button that starts a request for ``right_id``, e.g. after answering a question about it."""
    right = catalogue(lang)[right_id]
    return {"title": right.offer[0].upper() + right.offer[1:], "payload": f"/{right.intent}"}


@functools.lru_cache(maxsize=8)
def supervisory_authority(region: str, lang: str = "en") -> dict[str, str]:
    """Contact details of the competent supervisory authority for the controller's region, in ``lang``.

    The entry's fields are English; a language's sub-entry (``de:``) replaces those it names.
    """
    data: dict[str, dict[str, Any]] = yaml.safe_load(AUTHORITIES_FILE.read_text(encoding="utf-8"))
    if region not in data:
        raise KeyError(f"no supervisory authority configured for region {region!r}")
    entry = data[region]
    fields = {k: str(v) for k, v in entry.items() if not isinstance(v, dict)}
    return fields | {k: str(v) for k, v in (entry.get(lang) or {}).items()}


def complaint_guidance(region: str, lang: str = "en") -> str:
    """How and where to complain (Art. 77 GDPR), for the controller's region."""
    return say("complaint_guidance", lang, **supervisory_authority(region, lang))


def data_categories(entities: list[dict[str, Any]]) -> list[str]:
    """Canonical data categories mentioned in a message, in order, without duplicates."""
    found: list[str] = []
    for entity in entities:
        value = entity.get("value")
        if entity.get("entity") == "data_category" and isinstance(value, str) and value not in found:
            found.append(value)
    return found
