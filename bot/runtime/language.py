"""The conversation's language, decided in the Rasa server while each message is parsed (no action server call).

``apply()`` wraps Rasa's message parsing (``MessageProcessor._parse_message_with_graph``, after
:mod:`bot.runtime.letters`). The language is ``bot.dialogue.language.conversation_language`` of the visitor's
messages in this session (the new one included; button payloads such as "/affirm" are no text) and the channel's
setting: the ``language`` of the message's metadata, or the latest one sent in this session (the widget's
``language``, Telegram's ``language_code``). When it differs from the ``language`` slot, the parse gets a
``language`` entity and the slot's mapping (bot/domain.yml) sets it, so the slot changes only when the language
does; an English conversation never sets it (an empty slot is English). The entity does not influence the
dialogue policies.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.dialogue.language import DEFAULT_LANGUAGE, conversation_language

SLOT = ENTITY = "language"
EXTRACTOR = "ConversationLanguage"

Parse = Callable[[MessageProcessor, UserMessage, DialogueStateTracker, bool], dict[str, Any]]


def _is_text(text: str | None) -> bool:
    return bool(text) and not (text or "").startswith("/")


def _setting(metadata: dict[str, Any] | None) -> str | None:
    code = (metadata or {}).get(SLOT)
    return code if isinstance(code, str) else None


def language_of(message: UserMessage, tracker: DialogueStateTracker) -> str:
    """The language of the conversation once ``message`` is added to ``tracker`` (its session so far)."""
    said = [e for e in tracker.applied_events() if isinstance(e, UserUttered)]
    texts = [e.text or "" for e in said if _is_text(e.text)]
    if _is_text(message.text):
        texts.append(message.text or "")
    settings = [_setting(e.metadata) for e in said] + [_setting(message.metadata)]
    setting = next((s for s in reversed(settings) if s), None)
    return conversation_language(texts, setting)


def with_language(parse: dict[str, Any], language: str, current: str | None) -> dict[str, Any]:
    """``parse`` with a ``language`` entity if ``language`` differs from the slot's ``current`` value."""
    if language == (current or DEFAULT_LANGUAGE):
        return parse
    entity = {"entity": ENTITY, "value": language, "confidence_entity": 1.0, "extractor": EXTRACTOR}
    return {**parse, "entities": [*(parse.get("entities") or []), entity]}


def wrap(parse: Parse) -> Parse:
    """Rasa's parsing ``parse``, followed by the conversation's language."""

    def parse_with_language(
        processor: MessageProcessor,
        message: UserMessage,
        tracker: DialogueStateTracker,
        only_output_properties: bool = True,
    ) -> dict[str, Any]:
        parsed = parse(processor, message, tracker, only_output_properties)
        return with_language(parsed, language_of(message, tracker), tracker.get_slot(SLOT))

    return parse_with_language


def apply() -> None:
    """Decide the conversation's language as messages are parsed (in the Rasa server process)."""
    MessageProcessor._parse_message_with_graph = wrap(MessageProcessor._parse_message_with_graph)
