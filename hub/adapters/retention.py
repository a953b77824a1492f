"""Deletes of what is past its retention: published (or discarded) outbox rows, processed-event
ids and idempotency keys.

Each call deletes at most ``limit`` rows, so that the service can commit in short transactions
(``hub.service.retention``). Dead, held and pending outbox rows are never deleted here; a
discarded one goes like a sent one (its audit entry stays).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import IdempotencyKeyRow, OutboxRow, ProcessedEventRow


class RetentionQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def delete_sent_outbox(self, sent_before: dt.datetime, limit: int) -> int:
        """The rows sent longest ago first, then (while the slice has room) the discarded ones:
        each an index range of just the rows to go. One query for both (an ``OR``, ordered by
        ``seq``) read the whole outbox, inside the delete, holding SQLite's one writer."""
        deleted = await self._delete_oldest(OutboxRow.sent_at, sent_before, limit)
        if deleted < limit:
            deleted += await self._delete_oldest(
                OutboxRow.discarded_at, sent_before, limit - deleted
            )
        return deleted

    async def _delete_oldest(self, at: Any, before: dt.datetime, limit: int) -> int:
        oldest = select(OutboxRow.seq).where(at < before).order_by(at).limit(limit)
        return await self._delete(delete(OutboxRow).where(OutboxRow.seq.in_(oldest)))

    async def delete_processed_events(self, processed_before: dt.datetime, limit: int) -> int:
        oldest = (
            select(ProcessedEventRow.event_id)
            .where(ProcessedEventRow.processed_at < processed_before)
            .limit(limit)
        )
        return await self._delete(
            delete(ProcessedEventRow).where(ProcessedEventRow.event_id.in_(oldest))
        )

    async def delete_idempotency_keys(self, created_before: dt.datetime, limit: int) -> int:
        oldest = (
            select(IdempotencyKeyRow.caller, IdempotencyKeyRow.key)
            .where(IdempotencyKeyRow.created_at < created_before)
            .limit(limit)
        )
        return await self._delete(
            delete(IdempotencyKeyRow).where(
                tuple_(IdempotencyKeyRow.caller, IdempotencyKeyRow.key).in_(oldest)
            )
        )

    async def _delete(self, statement: Any) -> int:
        result = cast(CursorResult[Any], await self._session.execute(statement))
        return int(result.rowcount)
