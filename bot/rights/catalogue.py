"""The catalogue of data-subject rights: canonical ids (shared contract) and their handling."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

CONTRACT_FILE = Path(__file__).resolve().parent.parent / "data" / "rights.yml"
GERMAN_FILE = Path(__file__).resolve().parent.parent / "data" / "rights_de.yml"  # the same rights, in German
CHECKLISTS_FILES = {
    "en": Path(__file__).resolve().parent.parent / "data" / "checklists.yml",
    "de": Path(__file__).resolve().parent.parent / "data" / "checklists.de.yml",
}
INTENT_PREFIX = "request_"
# The entity that carries one requested right (its id) in a Rasa parse: the whole message's rights as
# ``bot.rights.triage.combine`` decides them, set in the Rasa server (bot/runtime/letters.py)
RIGHT_ENTITY = "requested_right"


class Verification(StrEnum):
    """What a right requires before a request is filed (Art. 12(6) GDPR: no more than needed)."""

    verified_email = "verified_email"  # one-time code sent to the address and entered back
    confirmed_email = "confirmed_email"  # an address to reply to, confirmed by the person
    none = "none"


@dataclass(frozen=True)
class Right:
    """One right: contract fields plus the assistant's plain wording and handling."""

    id: str
    article: str
    name: str
    summary: str
    wish: str  # completes "You'd like us to ..." (German: "Sie möchten, dass wir ...")
    offer: str  # completes "Would you like to ...?" (German: "Möchten Sie ...?")
    verification: Verification

    @property
    def intent(self) -> str:
        """The NLU intent that carries a request to exercise this right."""
        return INTENT_PREFIX + self.id


# Plain wording and proportionate verification per right. Keys must equal the contract ids.
_HANDLING: dict[str, tuple[str, str, Verification]] = {
    "access": (
        "tell you what personal data we hold about you and send you a copy",
        "request a copy of your data",
        Verification.verified_email,
    ),
    "rectification": (
        "correct or complete personal data we hold about you",
        "ask us to correct your data",
        Verification.verified_email,
    ),
    "erasure": (
        "erase your personal data",
        "request deletion of your data",
        Verification.verified_email,
    ),
    "restriction": (
        "restrict the processing of your personal data (we keep it but stop using it)",
        "ask us to restrict the use of your data",
        Verification.verified_email,
    ),
    "notification": (
        "tell you to whom we passed on a correction, deletion or restriction of your data",
        "ask who was told about a change to your data",
        Verification.verified_email,
    ),
    "portability": (
        "send you the data you gave us in a machine-readable format, or pass it to another company",
        "request your data in a machine-readable format",
        Verification.verified_email,
    ),
    "objection": (
        "stop using your personal data for direct marketing or on the basis of our legitimate interests",
        "object to the use of your data",
        Verification.confirmed_email,
    ),
    "automated_decision": (
        "have a person review a decision that was made about you automatically",
        "ask for a human review of an automated decision",
        Verification.verified_email,
    ),
    "withdraw_consent": (
        "stop a processing you had consented to (withdrawal of consent)",
        "withdraw your consent",
        Verification.confirmed_email,
    ),
    "complaint": (
        "note that you wish to complain to a data protection supervisory authority",
        "lodge a complaint with the supervisory authority",
        Verification.none,
    ),
}


@functools.lru_cache(maxsize=4)
def catalogue(lang: str = "en") -> dict[str, Right]:
    """All rights by canonical id, in the contract's order, worded in ``lang`` ("en" or "de")."""
    if lang == "de":
        return _german()
    if lang != "en":
        raise KeyError(f"no wording of the rights in {lang!r}")
    data = yaml.safe_load(CONTRACT_FILE.read_text(encoding="utf-8"))
    rights: dict[str, Right] = {}
    for entry in data["rights"]:
        wish, offer, verification = _HANDLING[entry["id"]]
        rights[entry["id"]] = Right(
            id=entry["id"],
            article=entry["article"],
            name=entry["name"],
            summary=entry["summary"],
            wish=wish,
            offer=offer,
            verification=verification,
        )
    if set(rights) != set(_HANDLING):
        raise RuntimeError(f"rights contract and handling table differ: {set(rights) ^ set(_HANDLING)}")
    return rights


def _german() -> dict[str, Right]:
    """The rights worded in German (bot/data/rights_de.yml); ids, order and verification as in the contract."""
    data: dict[str, dict[str, str]] = yaml.safe_load(GERMAN_FILE.read_text(encoding="utf-8"))
    english = catalogue()
    if set(data) != set(english):
        raise RuntimeError(f"rights_de.yml must have one entry per right id: {set(data) ^ set(english)}")
    fields = ("article", "name", "summary", "wish", "offer")
    return {
        rid: Right(id=rid, verification=right.verification, **{f: str(data[rid][f]) for f in fields})
        for rid, right in english.items()
    }


def right_ids() -> list[str]:
    """Canonical right ids in contract order."""
    return list(catalogue())


def rights_by_article() -> dict[str, str]:
    """Right ids by the number of the GDPR article they rest on ("17" -> "erasure", "7" -> "withdraw_consent")."""
    found = {}
    for right in catalogue().values():
        number = re.match(r"Art\.\s*(\d+)", right.article)
        if number:
            found[number.group(1)] = right.id
    return found


def rights_from_intent(intent: str | None) -> list[str]:
    """Canonical ids of the rights a (possibly multi-) intent requests, e.g. 'request_a+request_b'."""
    if not intent:
        return []
    known = catalogue()
    found: list[str] = []
    for part in intent.split("+"):
        if part.startswith(INTENT_PREFIX) and part[len(INTENT_PREFIX) :] in known:
            right = part[len(INTENT_PREFIX) :]
            if right not in found:
                found.append(right)
    return found


def in_catalogue_order(rights: Iterable[str]) -> list[str]:
    """The known ones of ``rights``, once each, in the catalogue's order."""
    wanted = set(rights)
    return [r for r in catalogue() if r in wanted]


def rights_from_entities(entities: Iterable[dict[str, Any]]) -> list[str]:
    """The rights a parse's ``requested_right`` entities name, in the catalogue's order."""
    return in_catalogue_order(str(e.get("value")) for e in entities if e.get("entity") == RIGHT_ENTITY)


@functools.lru_cache(maxsize=2)
def _checklists(language: str) -> dict[str, list[str]]:
    path = CHECKLISTS_FILES[language]
    data: dict[str, list[str]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    if set(data) != set(catalogue()):
        raise RuntimeError(f"{path.name} must have one entry per right id")
    if not all(isinstance(item, str) for items in data.values() for item in items):
        raise RuntimeError(f"{path.name} items must be plain strings (quote items that contain ': ')")
    return data


def checklist(right_id: str, language: str = "en") -> list[str]:
    """The DPO's next steps for a request under ``right_id``, in English or German (``language``)."""
    return list(_checklists(language)[right_id])


def rights_label(rights: list[str], lang: str = "en") -> str:
    """'Erasure (Art. 17 GDPR), Access (Art. 15 GDPR)', in ``lang``."""
    known = catalogue(lang)
    return ", ".join(f"{known[r].name} ({known[r].article})" for r in rights if r in known)


def requested_rights(parse: dict[str, Any], threshold: float) -> list[str]:
    """Rights whose summed confidence over the intent ranking reaches ``threshold``, in ranking order.

    A right's confidence is shared between its intents ("request_access" and
    "request_access+request_portability"), so it counts once their sum is sure enough even when no single
    intent is. Without a ranking, the top intent decides.
    """
    intent = parse.get("intent") or {}
    ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
    if not ranking and intent.get("name") != "nlu_fallback":
        ranking = [intent]
    summed: dict[str, float] = {}
    for entry in ranking:
        for right in rights_from_intent(entry.get("name")):
            summed[right] = summed.get(right, 0.0) + float(entry.get("confidence") or 0.0)
    return [right for right, confidence in summed.items() if confidence >= threshold]
