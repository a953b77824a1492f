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


async def test_every_request_served_at_once_has_a_connection_while_writers_queue(tmp_path):
    """The hub serves up to ``Settings.max_requests`` requests at once, and on SQLite each may
    hold its connection while it waits for its turn to write. So the pool has one for each, plus
    the background work's: the queue is the gate, never the pool (whose 30 s wait used to fail
    requests with a 500 behind one long transaction)."""
    requests = 40
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'busy.sqlite3'}", requests=requests)
    sessions = session_factory(engine)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY)"))
    holder_writes = asyncio.Event()
    release = asyncio.Event()
    reading = 0

    async def long_transaction() -> None:
        async with sessions() as session:
            await session.execute(text("INSERT INTO t VALUES (-1)"))
            holder_writes.set()
            await release.wait()  # holds the gate until every request holds a connection
            await session.commit()

    async def request(n: int) -> None:
        nonlocal reading
        async with sessions() as session:
            await session.execute(text("SELECT count(*) FROM t"))  # its connection, taken
            reading += 1
            if reading == requests:
                release.set()
            await session.execute(text("INSERT INTO t VALUES (:n)"), {"n": n})
            await session.commit()

    try:
        holder = asyncio.create_task(long_transaction())
        await holder_writes.wait()
        await asyncio.wait_for(asyncio.gather(*(request(n) for n in range(requests))), 20)
        await holder
        async with sessions() as session:
            count = (await session.execute(text("SELECT count(*) FROM t"))).scalar_one()
        assert count == requests + 1
    finally:
        release.set()
        await engine.dispose()
