"""Repositories: every query of the hub lives here. They never commit; the unit of work does."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import AuditRow, CasusRow, LidRow, ProcessedEventRow
from hub.domain.casus import Lid

if TYPE_CHECKING:
    from hub.service.unit_of_work import UnitOfWork


class CasusRepository:
    def __init__(self, session: AsyncSession, uow: UnitOfWork) -> None:
        self._session = session
        self._uow = uow

    async def add(
        self,
        *,
        casus_id: str,
        indiener_oin: str,
        status: str,
        urgentie: str,
        gegevens: dict[str, Any],
        ingediend_op: dt.datetime,
        leden: list[Lid],
    ) -> None:
        self._session.add(
            CasusRow(
                casus_id=casus_id,
                indiener_oin=indiener_oin,
                status=status,
                urgentie=urgentie,
                gegevens=gegevens,
                ingediend_op=ingediend_op,
            )
        )
        for lid in leden:
            self._session.add(
                LidRow(
                    casus_id=casus_id,
                    pseudoniem=lid.pseudoniem,
                    rol=lid.rol,
                    bsn_opgeslagen=lid.bsn_opgeslagen,
                )
            )

    async def get(self, casus_id: str) -> CasusRow | None:
        return await self._session.get(CasusRow, casus_id)

    async def leden(self, casus_id: str) -> list[Lid]:
        rows = await self._session.scalars(
            select(LidRow).where(LidRow.casus_id == casus_id).order_by(LidRow.id)
        )
        return [Lid(r.pseudoniem, r.rol, r.bsn_opgeslagen) for r in rows]


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
    "CasusRepository",
    "IntegrityError",
    "ProcessedEvents",
]
