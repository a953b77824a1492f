"""Deletes of what is past its retention: published (or discarded) outbox rows, processed-event
ids and idempotency keys.

Each call deletes at most ``limit`` rows, so that the service can commit in short transactions
(``hub.service.retention``). Dead, held and pending outbox rows are never deleted here; a
discarded one goes like a sent one (its audit entry stays).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import IdempotencyKeyRow, OutboxRow, ProcessedEventRow


class RetentionQueries:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def delete_sent_outbox(self, sent_before: dt.datetime, limit: int) -> int:
        oldest = (
            select(OutboxRow.seq)
            .where(or_(OutboxRow.sent_at < sent_before, OutboxRow.discarded_at < sent_before))
            .order_by(OutboxRow.seq)
            .limit(limit)
        )
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
