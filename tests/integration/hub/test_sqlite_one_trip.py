"""The hub's SQLite engine runs each statement in one trip to the connection's thread, and those
of a transaction that holds the write lock without one (``hub.adapters.sqlite_one_trip``); what
SQLAlchemy reads of a statement is still all there: rows, row counts, generated keys,
``RETURNING``, many rows at once, streamed results, errors."""

from __future__ import annotations

import asyncio
import logging
import sqlite3

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from hub.adapters.database import create_engine

METADATA = MetaData()
ITEMS = Table(
    "items",
    METADATA,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False, unique=True),
)


@pytest.fixture
async def engine(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'trips.sqlite3'}")
    async with engine.begin() as conn:
        await conn.run_sync(METADATA.create_all)
    yield engine
    await engine.dispose()


def trips(caplog: pytest.LogCaptureFixture) -> int:
    """Calls aiosqlite's thread ran since the log was last cleared (it logs each at DEBUG)."""
    return sum(record.getMessage().startswith("executing") for record in caplog.records)


async def test_a_query_takes_one_trip_and_a_writing_transaction_none_after_its_first_write(
    engine, caplog
):
    async with engine.connect() as conn:
        with caplog.at_level(logging.DEBUG, logger="aiosqlite"):
            caplog.clear()
            assert (await conn.execute(select(ITEMS.c.name))).all() == []
            assert trips(caplog) == 1  # was 4: a cursor, execute, fetch the rows, close it
            caplog.clear()
            await conn.execute(insert(ITEMS).values(name="first"))  # takes the write lock
            assert trips(caplog) == 1  # was 3
            caplog.clear()
            await conn.execute(insert(ITEMS).values(name="second"))
            names = (await conn.execute(select(ITEMS.c.name).order_by(ITEMS.c.id))).all()
            assert trips(caplog) == 0  # the lock is this transaction's: no trip, no loop turn
            caplog.clear()
            await conn.commit()
            assert trips(caplog) == 1  # the commit syncs the log in the thread
            caplog.clear()
            await conn.execute(select(ITEMS.c.name))
            await conn.execute(select(ITEMS.c.name))
            assert trips(caplog) == 2  # no longer writing: the lock went with the commit
        assert names == [("first",), ("second",)]


async def test_a_write_waiting_for_another_processs_lock_leaves_the_event_loop_running(
    engine, tmp_path
):
    """The first write of a transaction, which may wait for SQLite's lock, waits in the thread:
    here the other writer lets go only once the event loop has run a task of its own."""
    other = sqlite3.connect(tmp_path / "trips.sqlite3", check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another process's writer holds the lock
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            if ticks == 5:
                other.rollback()
            await asyncio.sleep(0.01)

    running = asyncio.create_task(ticker())
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(ITEMS).values(name="waited"))
            await conn.execute(insert(ITEMS).values(name="then at once"))
    finally:
        running.cancel()
        other.close()
    assert ticks >= 5
    async with engine.connect() as conn:
        assert len((await conn.execute(select(ITEMS))).all()) == 2


async def test_rows_counts_keys_and_returning_come_back(engine):
    async with engine.begin() as conn:
        first = await conn.execute(insert(ITEMS).values(name="a"))
        assert first.inserted_primary_key == (1,)  # the cursor's lastrowid
        await conn.execute(insert(ITEMS), [{"name": "b"}, {"name": "c"}, {"name": "d"}])
        returned = await conn.execute(insert(ITEMS).values(name="e").returning(ITEMS.c.id))
        assert returned.scalar_one() == 5
        changed = await conn.execute(
            update(ITEMS).where(ITEMS.c.id > 2).values(name=ITEMS.c.name + "!")
        )
        assert changed.rowcount == 3
        none = await conn.execute(update(ITEMS).where(ITEMS.c.id > 99).values(name="x"))
        assert none.rowcount == 0
        names = (await conn.execute(select(ITEMS.c.name).order_by(ITEMS.c.id))).scalars().all()
        assert names == ["a", "b", "c!", "d!", "e!"]
        assert (await conn.execute(text("SELECT count(*) FROM items WHERE 0"))).scalar() == 0
        assert (await conn.execute(select(ITEMS).where(ITEMS.c.id == 99))).first() is None


async def test_a_streamed_result_still_reads_every_row(engine):
    async with engine.begin() as conn:
        await conn.execute(insert(ITEMS), [{"name": f"n{i}"} for i in range(250)])
    async with engine.connect() as conn:
        streamed = await conn.stream(select(ITEMS.c.name).order_by(ITEMS.c.id))
        names = [name async for (name,) in streamed]
    assert len(names) == 250 and names[0] == "n0" and names[-1] == "n249"


async def test_errors_are_sqlalchemys_and_the_transaction_rolls_back(engine):
    async with engine.begin() as conn:
        await conn.execute(insert(ITEMS).values(name="taken"))
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(insert(ITEMS).values(name="new"))
            await conn.execute(insert(ITEMS).values(name="taken"))
    with pytest.raises(OperationalError):
        async with engine.connect() as conn:
            await conn.execute(text("SELECT nothing FROM nowhere"))
    async with engine.connect() as conn:
        names = (await conn.execute(select(ITEMS.c.name))).scalars().all()
    assert names == ["taken"]  # "new" went with its transaction
