"""Rasa's SQL tracker store, made to survive dropped database connections.

Rasa 3.6 creates its engine without ``pool_pre_ping``: after a database restart or a terminated
connection the next message fails. This subclass swaps in an engine that checks each pooled
connection before use (``type: bot.tracker_store.ResilientSQLTrackerStore`` in endpoints.yml).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs


class ResilientSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose connection pool replaces dead connections instead of failing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        original: sa.engine.Engine = self.engine  # type: ignore[has-type]
        url = original.url
        original.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
