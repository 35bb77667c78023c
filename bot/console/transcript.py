"""The conversation that filed a ticket, read from Rasa's tracker store while it is retained."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from bot.db.sessions import engine_for

MAX_LINES = 300
_events = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("sender_id", sa.String),
    sa.column("type_name", sa.String),
    sa.column("timestamp", sa.Float),
    sa.column("data", sa.Text),
)


@dataclass(frozen=True)
class Line:
    """One message of the conversation."""

    at: datetime
    speaker: str  # "person" or "assistant"
    text: str


def transcript(tracker_store_url: str, conversation_id: str | None) -> list[Line] | None:
    """The person's and the assistant's messages, oldest first; None once the conversation is gone."""
    if not conversation_id:
        return None
    url = sa.engine.make_url(tracker_store_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        return None
    engine = engine_for(tracker_store_url)
    if not sa.inspect(engine).has_table("events"):
        return None
    query = (
        sa.select(_events.c.type_name, _events.c.timestamp, _events.c.data)
        .where(_events.c.sender_id == conversation_id, _events.c.type_name.in_(["user", "bot"]))
        .order_by(_events.c.id)
        .limit(MAX_LINES)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    if not rows:
        return None
    lines = []
    for type_name, timestamp, data in rows:
        try:
            text = str(json.loads(data or "{}").get("text") or "")
        except ValueError:
            text = ""
        if text:
            speaker = "person" if type_name == "user" else "assistant"
            if speaker == "person" and text.startswith("/"):  # a button or a step the channel took for the person
                text = f"({text[1:].replace('_', ' ')})"
            lines.append(Line(datetime.fromtimestamp(float(timestamp or 0), UTC), speaker, text))
    return lines
