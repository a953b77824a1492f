"""SQLite through aiosqlite with one trip to the connection's thread per statement.

aiosqlite runs each call on a sqlite3 connection in a thread of its own and hands the result back
to the event loop: a queue put, a wake-up of that thread, the GIL handed over and back, and a
wake-up of the loop through its self-pipe, about 60 us of CPU each on this machine. SQLAlchemy's
aiosqlite adapter makes four such trips for a query (open a cursor, execute, fetch the rows,
close the cursor) and three for a write. A query that SQLite answers in 7 us thus cost about
240 us, and an order's hundred-odd statements a fifth of the hub's CPU for it.

:class:`OneTripCursor` makes one: the statement is executed, its rows fetched and its cursor
closed in the connection's thread, in one function, and what SQLAlchemy reads of the cursor
afterwards (description, rows, row count, last row id) comes back with it. A transaction that
holds SQLite's write lock makes none after its first write (:attr:`OneTripConnection.writing`):
its statements run in the event loop's thread, one connection never in two threads at once.
Everything else is SQLAlchemy's adapter unchanged: the statements, the transactions, server-side
cursors. It uses the same part of aiosqlite as SQLAlchemy's own adapter does (its queue of calls,
``_execute``), which is why the aiosqlite and SQLAlchemy versions are pinned in
``pyproject.toml``. :func:`hub.adapters.database.create_engine` gives it to the hub's SQLite
engine as its DBAPI module (``create_async_engine(..., module=...)``).
"""

from __future__ import annotations

import collections
import sqlite3
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT, await_only

_Outcome = tuple[Any, list[Any] | None, int, int | None]
"""A statement's description, rows (``None`` when it returns none), row count and last row id."""


def _run(connection: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> _Outcome:
    """In the connection's thread: the statement executed, its rows read, its cursor closed."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else None
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


async def _at_once(
    connection: sqlite3.Connection, operation: str, parameters: Any, many: bool
) -> _Outcome:
    return _run(connection, operation, parameters, many)


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """A client-side cursor whose statement costs one trip to the connection's thread."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: Any) -> None:
        # No aiosqlite cursor is opened (that was a trip of its own): each statement opens and
        # closes a sqlite3 cursor in the thread.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _async_soft_close(self) -> None:
        """Nothing to close: the statement's cursor closed in the thread."""

    def close(self) -> None:
        self._rows.clear()

    async def _trip(self, operation: Any, parameters: Any, many: bool) -> _Outcome:
        async with self._adapt_connection._execute_mutex:
            connection = cast(aiosqlite.Connection, self._connection)
            outcome: _Outcome = await connection._execute(  # type: ignore[no-untyped-call]
                _run, connection._conn, operation, parameters, many
            )
        return outcome

    def _outcome(self, operation: Any, parameters: Any, many: bool) -> None:
        if cast("OneTripConnection", self._adapt_connection).writing:  # see there
            connection = cast(aiosqlite.Connection, self._connection)
            # Awaited, though it never suspends: no turn of the event loop, but SQLAlchemy's
            # AsyncConnection checks that a statement was awaited (a sync driver was not).
            outcome = await_only(_at_once(connection._conn, operation, parameters, many))
        else:
            outcome = await_only(self._trip(operation, parameters, many))
        description, rows, rowcount, lastrowid = outcome
        self._description = description
        self._rows = collections.deque(rows) if rows is not None else collections.deque()
        self._rowcount = rowcount
        self._lastrowid = lastrowid

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        try:
            self._outcome(operation, parameters, many=False)
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        try:
            self._outcome(operation, seq_of_parameters, many=True)
        except Exception as error:
            self._adapt_connection._handle_exception(error)


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """SQLAlchemy's aiosqlite connection with :class:`OneTripCursor`, and :attr:`writing`."""

    __slots__ = ("writing",)
    _cursor_cls = OneTripCursor

    writing: bool
    """Set while this connection's transaction holds SQLite's write lock: from the end of a
    write (``hub.adapters.database.WriteGate`` holding the connection: the only writer of this
    process meanwhile) until its commit or rollback, or the connection's return to the pool. Its
    statements then run in the calling thread, without a trip: SQLite takes one writer at a
    time, so its statements are the ones every other writer waits for, and each trip gave the
    busy event loop a turn before the transaction could go on (a write transaction held the
    lock about 33 ms at 20 orders in flight, and the lock was taken 95% of the time). They
    cannot wait for a lock there: the write lock is theirs and readers never block a writer
    (WAL). Its first write, which takes the lock and may wait for another process's writer, and
    its commit, which syncs the log to disk, go to the thread as before; a rollback, which has
    nothing to wait for, does not."""

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.writing = False

    def commit(self) -> None:
        self.writing = False  # the lock goes with the transaction
        super().commit()

    def rollback(self) -> None:
        if self.writing and self._connection._connection:
            self.writing = False
            try:
                self._connection._conn.rollback()  # nothing to wait for: see writing
            except Exception as error:
                self._handle_exception(error)
            return
        super().rollback()


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """aiosqlite as SQLAlchemy's adapter presents it, with :class:`OneTripCursor`."""

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        # SQLAlchemy's connect (aiosqlite's thread made a daemon, the connection awaited), its
        # adapter exchanged for this one.
        adapted = super().connect(*arg, **kw)
        return OneTripConnection(self, adapted._connection)


def one_trip_dbapi() -> OneTripDBAPI:
    return OneTripDBAPI(aiosqlite, sqlite3)
