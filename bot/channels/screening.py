"""What every input channel does to a message before the assistant sees it."""

from __future__ import annotations

import json

from bot.inputs import clean_text
from bot.verification import CheckOutcome, find_code

CODE_INTENTS = {
    CheckOutcome.verified: "code_verified",
    CheckOutcome.wrong: "code_wrong",
    CheckOutcome.expired: "code_expired",
    CheckOutcome.locked: "code_locked",
    CheckOutcome.none_pending: "code_not_expected",
}

INTERNAL_INTENTS = frozenset(CODE_INTENTS.values()) | {"phone_verified"}


def screen(sender_id: str, text: str | None) -> str:
    """Clean the text; a reply with a verification code is checked here and only its outcome passes on.

    The code itself never reaches Rasa, so it is in no tracker event and no Rasa log.
    """
    from bot.services import verifier

    cleaned = clean_text(text or "")
    if cleaned.startswith("/"):
        intent = cleaned[1:].split("{", 1)[0].strip()
        if intent in INTERNAL_INTENTS:
            return cleaned.lstrip("/")  # only this module may say a code was checked
        return cleaned  # buttons send intent payloads
    code = find_code(cleaned)
    if code is None or not verifier().expects_codes(sender_id):
        return cleaned
    result = verifier().check(sender_id, code)
    intent = CODE_INTENTS[result.outcome]
    if result.outcome is CheckOutcome.wrong:
        return f"/{intent}" + json.dumps({"attempts_left": str(result.attempts_left)})
    return f"/{intent}"
