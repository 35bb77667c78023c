"""Questions about the assistant itself ("what do you store about this chat?"), answered from its own
short privacy statement (``policy_kb/source/assistant-privacy.en.md``, built to ``policy_kb/assistant.json``).
"""

from __future__ import annotations

import functools
import re

from bot.kb.model import KnowledgeBase
from bot.kb.retrieve import Retriever
from bot.settings import PROJECT_ROOT

STATEMENT_FILE = PROJECT_ROOT / "policy_kb" / "assistant.json"
STATEMENT_SOURCE = PROJECT_ROOT / "policy_kb" / "source" / "assistant-privacy.en.md"
MIN_CONFIDENCE = 0.2

_ABOUT_THE_CHAT = re.compile(
    r"\b(this|the|our|my)\s+(chat|conversation|chats|conversations)\b"
    r"|\bchat\s*(bot|history|log|logs|data|messages?)\b"
    r"|\b(chatbot|this\s+bot|the\s+bot|this\s+assistant|you\s+as\s+a\s+bot)\b"
    r"|\bmessages?\s+(i|we)\s+(send|sent|type|write)\b"
    r"|\b(store|keep|save|log|record)\w*\s+(about\s+)?(this|our|my)\s+(chat|conversation|messages?)\b",
    re.IGNORECASE,
)


def is_about_this_chat(question: str) -> bool:
    """Whether ``question`` asks about the assistant's own handling of the conversation."""
    return bool(_ABOUT_THE_CHAT.search(question))


@functools.lru_cache(maxsize=1)
def statement_retriever() -> Retriever:
    """A lexical retriever over the assistant's privacy statement (built once per process)."""
    return Retriever(KnowledgeBase.load(STATEMENT_FILE), examples={}, semantic=False)
