"""Which failures are transient: the database or the broker away or busy, not the record.

A transient failure is retried (with backoff) for as long as it lasts and never dead-lettered: the
record is fine, the hub's surroundings are not. Anything else that fails on one record, again and
again, is that record's fault: the consumer dead-letters it after a bounded number of attempts.

Looked up along the exception's cause chain, since SQLAlchemy wraps the driver's errors and the
drivers wrap the socket's.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from aiokafka.errors import KafkaError
from sqlalchemy import exc as sa_exc

_DATABASE_AWAY: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,  # SQLite "database is locked", a server gone, a failed connect
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,  # no connection free in the pool
)
_NETWORK: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError, KafkaError)
_POSTGRES_AWAY = (
    "PostgresConnectionError",
    "InterfaceError",
    "TransactionRollbackError",  # serialization failure, deadlock: try again
    "LockNotAvailableError",
    "TooManyConnectionsError",
    "CannotConnectNowError",
    "AdminShutdownError",
)
"""asyncpg's errors that say the server is away or busy. asyncpg is looked up only where
SQLAlchemy loaded it (a PostgreSQL store): its errors cannot happen in a hub on SQLite, which is
spared importing it (about 3 MiB)."""


def _transient_types() -> tuple[type[BaseException], ...]:
    asyncpg = sys.modules.get("asyncpg")
    if asyncpg is None:
        return _DATABASE_AWAY + _NETWORK
    return _DATABASE_AWAY + _NETWORK + tuple(getattr(asyncpg, name) for name in _POSTGRES_AWAY)


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
    transient = _transient_types()
    for link in _chain(exc):
        if isinstance(link, sa_exc.DBAPIError) and link.connection_invalidated:
            return True
        if isinstance(link, transient):
            return True
    return False
