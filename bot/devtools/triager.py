"""Triage of messages with the trained Rasa model loaded in this process (for `privacybot triage`, `eval nlu`)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from bot.inputs import clean_text
from bot.rights.triage import Triage, clauses, combine


class Triager:
    """Loads the NLU model once and triages messages."""

    def __init__(self, model: Path, split_clauses: bool = True):
        from rasa.core.agent import Agent

        from bot.logs import quiet_library_logging

        quiet_library_logging()
        self.agent = Agent.load(str(model))
        self.split_clauses = split_clauses
        self._loop = asyncio.new_event_loop()

    def parse(self, text: str) -> dict[str, Any]:
        """Rasa's parse of one text."""
        return dict(self._loop.run_until_complete(self.agent.parse_message(text)))

    def triage(self, message: str) -> Triage:
        """Rights requested by ``message``."""
        text = clean_text(message)
        if not text:
            return Triage(message=text, rights=[], intent=None, confidence=0.0, entities=[])
        whole = self.parse(text)
        parts = clauses(text) if self.split_clauses else []
        parses = [(c, self.parse(c)) for c in parts] if len(parts) > 1 else []
        return combine(text, whole, parses)
