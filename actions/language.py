"""The conversation's language for the actions: the ``language`` slot (set in the Rasa server), English by default."""

from __future__ import annotations

from rasa_sdk import Tracker

from bot.dialogue.texts import language


def reply_language(tracker: Tracker) -> str:
    """The language to answer in: "en" or "de"."""
    return language(tracker.get_slot("language"))
