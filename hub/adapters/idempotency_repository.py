"""Queries of the ``idempotency_key`` table (``hub.service.idempotentie``)."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import IdempotencyKeyRow


class IdempotencyKeys:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, caller: str, key: str, request_hash: str, now: dt.datetime) -> bool:
        """Record the key as being handled; ``False`` when the caller used it before (or uses it
        at this moment in another request). One statement that cannot fail on the duplicate
        (``ON CONFLICT DO NOTHING``), so two requests racing for a key never both win."""
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(IdempotencyKeyRow)
            .values(caller=caller, key=key, request_hash=request_hash, created_at=now)
            .on_conflict_do_nothing(index_elements=["caller", "key"])
        )
        result = cast(CursorResult[Any], await self._session.execute(statement))
        return int(result.rowcount) == 1

    async def get(self, caller: str, key: str) -> IdempotencyKeyRow | None:
        return await self._session.get(IdempotencyKeyRow, (caller, key))

    async def complete(
        self,
        caller: str,
        key: str,
        request_hash: str,
        claimed_at: dt.datetime,
        status: int,
        content_type: str | None,
        body: bytes,
    ) -> bool:
        """Store the answer on the claim of this request; ``False`` when that claim is gone
        (purged, or taken over after its lease)."""
        return await self._update_claim(
            caller,
            key,
            request_hash,
            claimed_at,
            status=status,
            content_type=content_type,
            body=body,
        )

    async def take_over(
        self,
        caller: str,
        key: str,
        request_hash: str,
        claimed_at: dt.datetime,
        now: dt.datetime,
    ) -> bool:
        """Claim anew a key whose claim of ``claimed_at`` never got an answer; ``False`` when
        another request took it over first (one statement, so only one can)."""
        return await self._update_claim(caller, key, request_hash, claimed_at, created_at=now)

    async def release(self, caller: str, key: str, claimed_at: dt.datetime) -> None:
        """Forget a key whose request failed on the hub's side: the caller may try again. Only
        the claim of ``claimed_at`` without an answer: not one a retry took over since."""
        row = IdempotencyKeyRow
        await self._session.execute(
            delete(row).where(
                row.caller == caller,
                row.key == key,
                row.created_at == claimed_at,
                row.status.is_(None),
            )
        )

    async def _update_claim(
        self,
        caller: str,
        key: str,
        request_hash: str,
        claimed_at: dt.datetime,
        **values: Any,
    ) -> bool:
        """Set ``values`` on the claim of ``claimed_at`` if it is still unanswered; ``False`` when
        it is not (one statement, so of two racing requests only one can)."""
        row = IdempotencyKeyRow
        result = cast(
            CursorResult[Any],
            await self._session.execute(
                update(row)
                .where(
                    row.caller == caller,
                    row.key == key,
                    row.request_hash == request_hash,
                    row.created_at == claimed_at,
                    row.status.is_(None),
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            ),
        )
        return int(result.rowcount) == 1
