"""The one hook an input channel calls before the assistant sees a message.

A reply with a verification code is checked here and only its outcome passes on (as an internal
intent): the code itself never reaches Rasa, so it is in no tracker event and no Rasa log.
"""

from __future__ import annotations

import json

from bot.db.sessions import session_factory
from bot.inputs import clean_text
from bot.settings import Settings
from bot.verification.service import CheckOutcome, Verifier, find_code

CODE_INTENTS = {
    CheckOutcome.verified: "code_verified",
    CheckOutcome.wrong: "code_wrong",
    CheckOutcome.expired: "code_expired",
    CheckOutcome.locked: "code_locked",
    CheckOutcome.none_pending: "code_not_expected",
}

INTERNAL_INTENTS = frozenset(CODE_INTENTS.values()) | {"phone_verified"}


class Screening:
    """Cleans each message; checks a code reply against the conversation's pending challenge."""

    def __init__(self, verifier: Verifier):
        self.verifier = verifier

    @classmethod
    def for_settings(cls, settings: Settings) -> Screening:
        """The screening of a channel process, on the ticket database of ``settings``."""
        return cls(Verifier(settings, session_factory(settings.database_url)))

    def screen(self, sender_id: str, text: str | None) -> str:
        """The text the assistant may see: cleaned, a code replaced by the intent of its outcome."""
        cleaned = clean_text(text or "")
        if cleaned.startswith("/"):
            intent = cleaned[1:].split("{", 1)[0].strip()
            if intent in INTERNAL_INTENTS:
                return cleaned.lstrip("/")  # only this module may say a code was checked
            return cleaned  # buttons send intent payloads
        code = find_code(cleaned)
        if code is None or not self.verifier.expects_codes(sender_id):
            return cleaned
        result = self.verifier.check(sender_id, code)
        intent = CODE_INTENTS[result.outcome]
        if result.outcome is CheckOutcome.wrong:
            return f"/{intent}" + json.dumps({"attempts_left": str(result.attempts_left)})
        return f"/{intent}"
