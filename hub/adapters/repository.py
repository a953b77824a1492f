"""Repositories: every query of the hub lives here. They never commit; the unit of work does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import AuditRow, ProcessedEventRow


class ProcessedEvents:
    """Idempotency keys: event ids already handled."""

    def __init__(self, session: AsyncSession, clock: Callable[[], dt.datetime]) -> None:
        self._session = session
        self._clock = clock

    async def seen(self, event_id: str) -> bool:
        return await self._session.get(ProcessedEventRow, event_id) is not None

    def mark(self, event_id: str, event_type: str) -> None:
        self._session.add(
            ProcessedEventRow(event_id=event_id, event_type=event_type, processed_at=self._clock())
        )


class AuditTrail:
    def __init__(self, session: AsyncSession, clock: Callable[[], dt.datetime]) -> None:
        self._session = session
        self._clock = clock

    def record(
        self, *, actor: str, actie: str, casus_id: str | None, details: dict[str, Any]
    ) -> None:
        self._session.add(
            AuditRow(
                at=self._clock(),
                actor=actor,
                actie=actie,
                casus_id=casus_id,
                details=details,
            )
        )

    async def for_casus(self, casus_id: str) -> list[AuditRow]:
        rows = await self._session.scalars(
            select(AuditRow).where(AuditRow.casus_id == casus_id).order_by(AuditRow.id)
        )
        return list(rows)


__all__ = [
    "AuditTrail",
    "IntegrityError",
    "ProcessedEvents",
]
