"""Which failures are transient: the database or the broker away or busy, not the record.

A transient failure is retried (with backoff) for as long as it lasts and never dead-lettered: the
record is fine, the hub's surroundings are not. Anything else that fails on one record, again and
again, is that record's fault: the consumer dead-letters it after a bounded number of attempts.

Looked up along the exception's cause chain, since SQLAlchemy wraps the driver's errors and the
drivers wrap the socket's.
"""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
from aiokafka.errors import KafkaError
from sqlalchemy import exc as sa_exc

_DATABASE_AWAY: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,  # SQLite "database is locked", a server gone, a failed connect
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,  # no connection free in the pool
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.TransactionRollbackError,  # serialization failure, deadlock: try again
    asyncpg.LockNotAvailableError,
    asyncpg.TooManyConnectionsError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
)
_NETWORK: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError, KafkaError)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < 20:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_transient(exc: BaseException) -> bool:
    """True when ``exc`` says the database or the broker is unavailable or busy, not that the
    record is bad."""
    for link in _chain(exc):
        if isinstance(link, sa_exc.DBAPIError) and link.connection_invalidated:
            return True
        if isinstance(link, _DATABASE_AWAY + _NETWORK):
            return True
    return False
