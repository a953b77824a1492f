"""Which hub replica runs the jobs that must run once: the outbox relay, the expiry watcher and
the retention purge.

Several hub replicas may share one PostgreSQL store (``deploy/k8s``). Their API and consumers run
in every replica, but two outbox relays would publish the same rows twice and could overtake each
other within a casus, and two expiry watchers would race for the same time-outs. So these jobs run
only in the replica that holds a PostgreSQL session-level advisory lock: the leader. The lock
lives as long as the leader's database connection, so when that replica dies (or loses its
connection) the lock is released and another replica takes over at its next round.

On SQLite the store is one file of one process: that process is always the leader.

The relay, the webhook push and the periodic jobs of one replica ask the same lease, often at the
same moment; its one connection takes one statement at a time, so they ask in turn (a lock).
Asked at once they used to run two statements on it together: asyncpg refused the second, the
lease took that for a lost lock and gave the connection back to the pool in the middle of a
transaction (the next API request on it failed with a 500) while its session still held the lock,
so no replica could lead. A connection the lease gives up is now closed for good, its session
and lock with it.
"""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = structlog.get_logger(__name__)

LOCK_KEY = 0x6D61617477657262
"""The advisory lock's key (64-bit): ``b"maatwerb"``; the same in every replica."""


class LeaderLease:
    """Holds (or tries to take) the leader's advisory lock; :meth:`held` before each round."""

    def __init__(self, engine: AsyncEngine, *, key: int = LOCK_KEY) -> None:
        self._engine = engine
        self._key = key
        self._connection: AsyncConnection | None = None
        self._turn = asyncio.Lock()
        """One caller at a time on the connection (see the module's docstring)."""

    @property
    def shared_store(self) -> bool:
        """Whether replicas can share the store (PostgreSQL), so the lock matters."""
        return self._engine.dialect.name == "postgresql"

    async def held(self) -> bool:
        """Whether this replica is the leader now: keeps the lock while its connection lives,
        else tries to take it. A database error means: not the leader this round."""
        if not self.shared_store:
            return True
        async with self._turn:
            return await self._held()

    async def _held(self) -> bool:
        if self._connection is not None:
            try:
                await self._connection.execute(text("SELECT 1"))
                await self._connection.commit()
                return True
            except Exception:
                log.warning("leader lock lost with its connection: trying to take it again")
                await self._drop()
        try:
            connection = await self._engine.connect()
        except Exception:
            return False
        try:
            taken = (
                await connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": self._signed_key}
                )
            ).scalar_one()
            await connection.commit()
        except Exception:
            await _discard(connection)  # it may have taken the lock before it failed
            return False
        if not taken:
            await connection.close()
            return False
        self._connection = connection
        log.info("leader: this replica runs the outbox relay, expiry watcher and purge")
        return True

    async def release(self) -> None:
        """Give the lock up (at stop), so another replica takes over at once."""
        async with self._turn:
            await self._release()

    async def _release(self) -> None:
        if self._connection is None:
            return
        try:
            await self._connection.execute(
                text("SELECT pg_advisory_unlock(:key)"), {"key": self._signed_key}
            )
            await self._connection.commit()
        except Exception:
            log.warning("leader lock not released cleanly; it goes with the connection")
        await self._drop()

    @property
    def _signed_key(self) -> int:
        """PostgreSQL's bigint is signed."""
        return self._key - (1 << 64) if self._key >= 1 << 63 else self._key

    async def _drop(self) -> None:
        """Close the connection for good, not back into the pool: a session that still held the
        lock would keep it (no replica could lead) and one in the middle of a transaction would
        fail the next request that got it."""
        connection, self._connection = self._connection, None
        if connection is not None:
            await _discard(connection)


async def _discard(connection: AsyncConnection) -> None:
    """Invalidate (the session ends, its lock with it), then close what is left of it."""
    with contextlib.suppress(Exception):
        await connection.invalidate()
    with contextlib.suppress(Exception):
        await connection.close()
