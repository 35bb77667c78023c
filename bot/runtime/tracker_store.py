"""Rasa's SQL tracker store, made to survive dropped connections and not to stall the server.

Rasa 3.6 runs its tracker store's database calls synchronously inside the server's event loop, and a
dropped database connection fails the message. This subclass
(``type: bot.runtime.tracker_store.ResilientSQLTrackerStore`` in endpoints.yml):

- repeats a read or write once when the database dropped the connection (a restarted database, a
  terminated backend): SQLAlchemy then replaces the pool's connections, and the message goes through.
  This replaced ``pool_pre_ping``, whose extra round trip before every query cost 6% of one replica's
  throughput (median of 8 paired runs, each faster without it);
- runs reads and writes in a worker thread, so one conversation waiting for the database does not
  stop the server from working on the others;
- on PostgreSQL, commits conversation events without waiting for the disk flush
  (``synchronous_commit=off``): after a database crash the last fraction of a second of chat events
  may be missing, never a ticket (tickets live in the ticket database with full durability);
- on an SQLite file (the embedded profile), keeps its connections open in a pool (SQLAlchemy 1.4 would
  open and close one per query) and writes through a write-ahead log synced at checkpoints
  (``journal_mode=WAL``, ``synchronous=NORMAL``): the same trade for chat events, a power cut may lose
  the last ones, a crash of the assistant loses none.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker

T = TypeVar("T")


def engine_options(url: sa.engine.URL) -> dict[str, Any]:
    """Rasa's engine options for ``url`` plus the pool and commit settings described above."""
    options = create_engine_kwargs(url)
    if url.get_backend_name() == "postgresql":
        connect_args = dict(options.get("connect_args", {}))
        connect_args["options"] = (connect_args.get("options", "") + " -c synchronous_commit=off").strip()
        options["connect_args"] = connect_args
    elif _is_sqlite_file(url):
        options["poolclass"] = sa.pool.QueuePool
        options["connect_args"] = {"check_same_thread": False}  # pooled connections move between threads
    return options


def create_tables(url: str) -> None:
    """Create Rasa's conversation table up front, so that replicas starting together do not race for it.

    (Rasa's store creates it itself; when two do so at once, one fails, logs the error and waits 5 s.)
    """
    engine = sa.create_engine(url)
    try:
        SQLTrackerStore.Base.metadata.create_all(engine)
    finally:
        engine.dispose()


def _is_sqlite_file(url: sa.engine.URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")


def _write_ahead_log(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class ResilientSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore with reconnection, off-loop database calls and asynchronous commits on PostgreSQL."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        original: sa.engine.Engine = self.engine  # type: ignore[has-type]
        url = original.url
        original.dispose()
        self.engine = sa.create_engine(url, **engine_options(url))
        if _is_sqlite_file(url):
            sa.event.listen(self.engine, "connect", _write_ahead_log)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events (in a worker thread unless an event broker must be fed)."""
        if self.event_broker is not None:
            await super().save(tracker)
            return
        await asyncio.to_thread(_reconnecting, lambda: SQLTrackerStore.save(self, tracker))

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        def retrieve() -> Coroutine[Any, Any, DialogueStateTracker | None]:
            return SQLTrackerStore._retrieve(self, sender_id, fetch_events_from_all_sessions)

        return await asyncio.to_thread(_reconnecting, retrieve)


def _reconnecting(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run the call; once more if the database dropped its connection (SQLAlchemy then replaces the pool's).

    Saving twice is safe: Rasa's save counts the events already stored and writes only the others, so a
    commit that went through before the connection dropped is not written again.
    """
    try:
        return _run(make())
    except sa.exc.DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        return _run(make())


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Drive a coroutine that never awaits anything real (Rasa's SQL methods are synchronous inside)."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("tracker store coroutine suspended unexpectedly")
