"""The outbox for operators: list pending, held and dead rows (never their value), put a row back
in the queue or discard a dead one, count them. Like every repository these never commit; the
unit of work does."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import OutboxRow
from hub.adapters.outbox import held_by


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    """Not sent yet; published once ``execute_after`` has passed."""
    HELD = "held"
    """Not sent yet, and behind a dead row of its casus: waits until an operator retries or
    discards that one (``held_by``)."""
    DEAD = "dead"
    """Attempts ran out, or it can never be published: waits for an operator."""
    DISCARDED = "discarded"
    """A dead row an operator gave up on: never published."""
    SENT = "sent"


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """An outbox row as operators see it: where it goes and how delivery went, not its value."""

    seq: int
    topic: str
    key: str
    event_type: str
    event_id: str
    attempts: int
    last_error: str | None
    created_at: dt.datetime
    execute_after: dt.datetime
    dead_at: dt.datetime | None
    sent_at: dt.datetime | None
    value_size: int
    discarded_at: dt.datetime | None = None
    held_by: int | None = None
    """The dead row of its key this one waits behind (``seq``)."""

    @property
    def status(self) -> OutboxStatus:
        if self.sent_at is not None:
            return OutboxStatus.SENT
        if self.discarded_at is not None:
            return OutboxStatus.DISCARDED
        if self.dead_at is not None:
            return OutboxStatus.DEAD
        return OutboxStatus.PENDING if self.held_by is None else OutboxStatus.HELD


_COLUMNS = (
    OutboxRow.seq,
    OutboxRow.topic,
    OutboxRow.key,
    OutboxRow.event_type,
    OutboxRow.event_id,
    OutboxRow.attempts,
    OutboxRow.last_error,
    OutboxRow.created_at,
    OutboxRow.execute_after,
    OutboxRow.dead_at,
    OutboxRow.sent_at,
    func.length(OutboxRow.value).label("value_size"),
    OutboxRow.discarded_at,
)


def _entry(row: Any) -> OutboxEntry:
    return OutboxEntry(**row._asdict())


def _status_filter(status: OutboxStatus) -> list[Any]:
    unsent = [OutboxRow.sent_at.is_(None), OutboxRow.discarded_at.is_(None)]
    match status:
        case OutboxStatus.SENT:
            return [OutboxRow.sent_at.is_not(None)]
        case OutboxStatus.DISCARDED:
            return [OutboxRow.discarded_at.is_not(None)]
        case OutboxStatus.DEAD:
            return [*unsent, OutboxRow.dead_at.is_not(None)]
        case OutboxStatus.HELD:
            return [*unsent, OutboxRow.dead_at.is_(None), held_by().is_not(None)]
        case OutboxStatus.PENDING:
            return [*unsent, OutboxRow.dead_at.is_(None), held_by().is_(None)]


class OutboxQueries:
    def __init__(self, session: AsyncSession, on_change: Callable[[], None] | None = None) -> None:
        self._session = session
        self._on_change = on_change

    async def page(
        self, status: OutboxStatus, *, limit: int, before: int | None = None
    ) -> list[OutboxEntry]:
        """Rows of one status, newest first; ``before`` (a ``seq``) continues a previous page."""
        query = select(*_COLUMNS, held_by().label("held_by")).where(*_status_filter(status))
        if before is not None:
            query = query.where(OutboxRow.seq < before)
        rows = await self._session.execute(query.order_by(OutboxRow.seq.desc()).limit(limit))
        return [_entry(row) for row in rows]

    async def get(self, seq: int) -> OutboxEntry | None:
        query = select(*_COLUMNS, held_by().label("held_by")).where(OutboxRow.seq == seq)
        row = (await self._session.execute(query)).first()
        return None if row is None else _entry(row)

    async def held(self, key: str) -> list[OutboxEntry]:
        """The rows of ``key`` held behind a dead one, oldest first."""
        query = select(*_COLUMNS, held_by().label("held_by")).where(
            OutboxRow.key == key, *_status_filter(OutboxStatus.HELD)
        )
        return [_entry(row) for row in await self._session.execute(query.order_by(OutboxRow.seq))]

    async def requeue(self, seq: int, now: dt.datetime) -> bool:
        """Make an unsent row (dead or pending) due now with its attempts reset; False when it
        is unknown or sent meanwhile. The relay is woken on commit."""
        return await self._change(
            update(OutboxRow)
            .where(
                OutboxRow.seq == seq,
                OutboxRow.sent_at.is_(None),
                OutboxRow.discarded_at.is_(None),
            )
            .values(dead_at=None, attempts=0, execute_after=now)
        )

    async def discard(self, seq: int, now: dt.datetime) -> bool:
        """Give up on a dead row: it is never published and no longer holds its key; False when
        it is unknown or not dead (retried or discarded meanwhile). The relay is woken on
        commit."""
        return await self._change(
            update(OutboxRow)
            .where(
                OutboxRow.seq == seq,
                OutboxRow.sent_at.is_(None),
                OutboxRow.dead_at.is_not(None),
                OutboxRow.discarded_at.is_(None),
            )
            .values(discarded_at=now)
        )

    async def _change(self, statement: Any) -> bool:
        result = cast(CursorResult[Any], await self._session.execute(statement))
        if result.rowcount != 1:
            return False
        if self._on_change is not None:
            self._on_change()
        return True

    async def count(self, status: OutboxStatus) -> int:
        query = select(func.count()).select_from(OutboxRow).where(*_status_filter(status))
        return int(await self._session.scalar(query) or 0)
