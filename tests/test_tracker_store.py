"""The tracker store subclass: pooled connections and a write-ahead log on SQLite, reconnection on PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.runtime.tracker_store import ResilientSQLTrackerStore, create_tables, engine_options
from tests.conftest import POSTGRES_ADMIN_URL, postgres_database


def test_sqlite_file_gets_a_pool_and_a_write_ahead_log(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = ResilientSQLTrackerStore(domain=Domain.empty(), host=url)
    assert isinstance(store.engine.pool, sa.pool.QueuePool)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL

    async def conversation(sender: str) -> int:
        for turn in range(5):  # each save and retrieve runs in a worker thread of its own
            tracker = await store.retrieve(sender) or DialogueStateTracker(sender, slots=[])
            tracker.update(ActionExecuted("action_listen"))
            tracker.update(UserUttered(f"message {turn}"))
            await store.save(tracker)
        found = await store.retrieve(sender)
        assert found is not None
        return sum(isinstance(e, UserUttered) for e in found.events)

    async def many() -> list[int]:
        return await asyncio.gather(*(conversation(f"visitor-{i}") for i in range(8)))

    assert asyncio.run(many()) == [5] * 8
    store.engine.dispose()


def test_in_memory_sqlite_and_postgresql_keep_their_own_settings() -> None:
    assert "poolclass" not in engine_options(sa.engine.make_url("sqlite://"))
    pg = engine_options(sa.engine.make_url("postgresql://postgres@127.0.0.1:5432/conversations"))
    assert "synchronous_commit=off" in pg["connect_args"]["options"]
    assert not pg.get("pool_pre_ping")  # replaced by one retry after a dropped connection


def _turn(tracker: DialogueStateTracker, text: str) -> DialogueStateTracker:
    tracker.update(ActionExecuted("action_listen"))
    tracker.update(UserUttered(text))
    return tracker


def test_terminated_postgresql_connections_cost_a_retry_not_a_message() -> None:
    with postgres_database() as url:
        store = ResilientSQLTrackerStore(domain=Domain.empty(), host=url)
        try:
            asyncio.run(store.save(_turn(DialogueStateTracker("visitor", slots=[]), "first")))
            admin = sa.create_engine(POSTGRES_ADMIN_URL, future=True)
            with admin.connect() as conn:
                killed = conn.execute(
                    sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :n"),
                    {"n": sa.engine.make_url(url).database},
                ).scalar()
            admin.dispose()
            assert killed and killed >= 1  # the store's pooled connection is gone
            tracker = asyncio.run(store.retrieve("visitor"))  # fails once inside, then reconnects
            assert tracker is not None
            asyncio.run(store.save(_turn(tracker, "second")))
            found = asyncio.run(store.retrieve("visitor"))
            assert found is not None
            assert [e.text for e in found.events if isinstance(e, UserUttered)] == ["first", "second"]
        finally:
            store.engine.dispose()


def test_the_conversation_table_is_created_before_any_replica_starts() -> None:
    with postgres_database() as url:
        create_tables(url)
        engine = sa.create_engine(url)
        try:
            assert sa.inspect(engine).has_table("events")
        finally:
            engine.dispose()
        create_tables(url)  # again: nothing to do, no error
