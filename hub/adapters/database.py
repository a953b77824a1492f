"""Engine and session factory. Nothing is opened at import time.

SQLite takes one writer at a time. A second connection that wants to write while another holds
the lock does not queue: SQLite's busy handler puts its thread to sleep and polls (1, 2, 5, ...
up to 100 ms between tries), so under load a write waited for the lock far longer than the
writes before it took. Profiling the hub under load found its SQLite threads asleep there most
of the time they were not idle. So on SQLite the engine lets one transaction at a time write
(:class:`WriteGate`): a transaction about to write (its first INSERT, UPDATE or DELETE, or a
``BEGIN IMMEDIATE``) waits, without blocking the event loop, until the writer before it has
committed or rolled back and given its connection back, and then finds the lock free. Readers
are not held up (WAL: readers never wait for the writer). The gate changes no guarantee: it
orders what SQLite would serialise anyway, and a transaction still commits or not as a whole.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.util import await_only

from hub.adapters.sqlite_one_trip import OneTripConnection, one_trip_dbapi

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|BEGIN\s+IMMEDIATE)\b", re.IGNORECASE)
"""The statements with which a SQLite transaction takes the write lock (pysqlite begins its
transaction just before the first of the first four; ``BEGIN IMMEDIATE`` takes it at once)."""


class WriteGate:
    """One writing transaction at a time per SQLite engine, handed on first come first served
    when the writer's connection goes back to the pool (after its commit or rollback)."""

    def __init__(self) -> None:
        self._locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}
        self._holders: dict[int, asyncio.Lock] = {}
        """The DBAPI connections (``id``) that hold the gate, and the lock each took."""

    def _lock(self) -> asyncio.Lock:
        # One lock per event loop: a test process may drive an engine from more than one.
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    def enter(self, dbapi_connection: Any) -> None:
        """Before a statement that writes: wait for the gate unless this connection holds it.
        Runs inside SQLAlchemy's greenlet, so it may await the lock."""
        key = id(dbapi_connection)
        if key in self._holders:
            return
        lock = self._lock()
        await_only(lock.acquire())
        self._holders[key] = lock

    def holds(self, dbapi_connection: Any) -> bool:
        return id(dbapi_connection) in self._holders

    def leave(self, dbapi_connection: Any) -> None:
        """The connection went back to the pool (its transaction over) or was closed."""
        if isinstance(dbapi_connection, OneTripConnection):
            dbapi_connection.writing = False
        lock = self._holders.pop(id(dbapi_connection), None)
        if lock is not None:
            lock.release()


def _gate_writes(engine: AsyncEngine) -> WriteGate:
    gate = WriteGate()
    sync = engine.sync_engine

    @event.listens_for(sync, "before_cursor_execute")
    def _before(conn, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        if WRITES.match(statement):
            gate.enter(conn.connection.dbapi_connection)

    @event.listens_for(sync, "after_cursor_execute")
    def _after(conn, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
        if not WRITES.match(statement):
            return
        dbapi_connection = conn.connection.dbapi_connection
        if isinstance(dbapi_connection, OneTripConnection) and gate.holds(dbapi_connection):
            dbapi_connection.writing = True  # its write went through: the lock is its own

    @event.listens_for(sync, "checkin")
    def _checkin(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        gate.leave(dbapi_connection)

    @event.listens_for(sync, "close")
    def _close(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        gate.leave(dbapi_connection)

    @event.listens_for(sync, "invalidate")
    def _invalidate(dbapi_connection, _record, _exception):  # type: ignore[no-untyped-def]
        gate.leave(dbapi_connection)

    return gate


BACKGROUND_CONNECTIONS = 16
"""Connections beside the requests': the consumers, the relay, webhooks and periodic jobs."""


def create_engine(url: str, *, requests: int = 64) -> AsyncEngine:
    """The store's engine. On SQLite, where writers queue at the :class:`WriteGate` holding their
    pooled connection, the pool holds one for each of ``requests`` requests served at once
    (``Settings.max_requests``) and for the background work: the queue is the gate, first come
    first served, and never the pool (whose 30 s wait failed requests with a 500 when more
    writers than the 15 SQLAlchemy pools by default waited behind a long transaction)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url,
            module=one_trip_dbapi(),  # a statement, one trip to SQLite's thread
            # A writing transaction's statements run in the event loop's thread (see
            # OneTripConnection.writing), the others in aiosqlite's; never two at once.
            connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=5,
            max_overflow=requests + BACKGROUND_CONNECTIONS - 5,
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        _gate_writes(engine)
        return engine
    return create_async_engine(url, pool_pre_ping=True)


async def create_schema(engine: AsyncEngine) -> None:
    """Create or upgrade the store's tables through the Alembic migrations."""
    from hub.adapters.migrations import upgrade

    await upgrade(engine)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
