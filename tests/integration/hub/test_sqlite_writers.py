"""SQLite takes one writer at a time: the hub's engine queues its writers itself
(``hub.adapters.database.WriteGate``) instead of leaving them to SQLite's busy handler, which
sleeps and polls. With the busy handler switched off (``busy_timeout=0``) a writer that finds
the lock taken fails at once, so these tests see whether any writer ever did."""

from __future__ import annotations

import asyncio

from sqlalchemy import event, text

from hub.adapters.database import create_engine, session_factory

WRITERS = 12


def engine_without_busy_wait(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'writers.sqlite3'}")

    @event.listens_for(engine.sync_engine, "connect")
    def _no_busy_wait(dbapi_conn, _record):
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.close()

    return engine


async def test_concurrent_writers_queue_instead_of_finding_the_database_locked(tmp_path):
    engine = engine_without_busy_wait(tmp_path)
    sessions = session_factory(engine)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY, w INTEGER)"))

    async def writer(n: int) -> None:
        async with sessions() as session:
            await session.execute(text("SELECT count(*) FROM t"))  # a read first, as a handler
            await session.execute(text("INSERT INTO t VALUES (:n, :n)"), {"n": n})
            await asyncio.sleep(0.02)  # hold the write lock while the others try to write
            await session.execute(text("UPDATE t SET w = w + 1 WHERE n = :n"), {"n": n})
            await session.commit()

    try:
        await asyncio.gather(*(writer(n) for n in range(WRITERS)))
        async with sessions() as session:
            rows = (await session.execute(text("SELECT n, w FROM t ORDER BY n"))).all()
        assert [tuple(r) for r in rows] == [(n, n + 1) for n in range(WRITERS)]
    finally:
        await engine.dispose()


async def test_a_writer_that_fails_hands_the_gate_on(tmp_path):
    engine = engine_without_busy_wait(tmp_path)
    sessions = session_factory(engine)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY)"))
        await conn.execute(text("INSERT INTO t VALUES (0)"))

    async def writer(n: int) -> bool:
        async with sessions() as session:
            try:
                await session.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
                await asyncio.sleep(0.01)
                await session.commit()
            except Exception as exc:
                assert "UNIQUE" in str(exc)  # only the duplicate fails, never "locked"
                return False
            return True

    try:
        done = await asyncio.gather(*(writer(n % 4) for n in range(WRITERS)))
        assert done.count(True) == 3  # 1, 2 and 3 once each; 0 was there
        async with sessions() as session:
            count = (await session.execute(text("SELECT count(*) FROM t"))).scalar_one()
        assert count == 4
    finally:
        await engine.dispose()
