"""The outbox for operators: list pending and dead rows (never their value), put a row back in
the queue, count the dead. Like every repository these never commit; the unit of work does."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import OutboxRow


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    """Not sent yet; published once ``execute_after`` has passed."""
    DEAD = "dead"
    """Attempts ran out, or it can never be published: waits for an operator."""
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

    @property
    def status(self) -> OutboxStatus:
        if self.sent_at is not None:
            return OutboxStatus.SENT
        return OutboxStatus.PENDING if self.dead_at is None else OutboxStatus.DEAD


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
)


def _entry(row: Any) -> OutboxEntry:
    return OutboxEntry(**row._asdict())


def _status_filter(status: OutboxStatus) -> list[Any]:
    match status:
        case OutboxStatus.SENT:
            return [OutboxRow.sent_at.is_not(None)]
        case OutboxStatus.DEAD:
            return [OutboxRow.sent_at.is_(None), OutboxRow.dead_at.is_not(None)]
        case OutboxStatus.PENDING:
            return [OutboxRow.sent_at.is_(None), OutboxRow.dead_at.is_(None)]


class OutboxQueries:
    def __init__(self, session: AsyncSession, on_change: Callable[[], None] | None = None) -> None:
        self._session = session
        self._on_change = on_change

    async def page(
        self, status: OutboxStatus, *, limit: int, before: int | None = None
    ) -> list[OutboxEntry]:
        """Rows of one status, newest first; ``before`` (a ``seq``) continues a previous page."""
        query = select(*_COLUMNS).where(*_status_filter(status))
        if before is not None:
            query = query.where(OutboxRow.seq < before)
        rows = await self._session.execute(query.order_by(OutboxRow.seq.desc()).limit(limit))
        return [_entry(row) for row in rows]

    async def get(self, seq: int) -> OutboxEntry | None:
        row = (await self._session.execute(select(*_COLUMNS).where(OutboxRow.seq == seq))).first()
        return None if row is None else _entry(row)

    async def requeue(self, seq: int, now: dt.datetime) -> bool:
        """Make an unsent row (dead or pending) due now with its attempts reset; False when it
        is unknown or sent meanwhile. The relay is woken on commit."""
        result = cast(
            CursorResult[Any],
            await self._session.execute(
                update(OutboxRow)
                .where(OutboxRow.seq == seq, OutboxRow.sent_at.is_(None))
                .values(dead_at=None, attempts=0, execute_after=now)
            ),
        )
        if result.rowcount != 1:
            return False
        if self._on_change is not None:
            self._on_change()
        return True

    async def count(self, status: OutboxStatus) -> int:
        query = select(func.count()).select_from(OutboxRow).where(*_status_filter(status))
        return int(await self._session.scalar(query) or 0)
