"""Repositories: every query of the hub lives here. They never commit; the unit of work does."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import (
    AuditRow,
    CasusRow,
    LidRow,
    OpschortingRow,
    ProcessedEventRow,
    SchakelRow,
)
from hub.domain.casus import Lid
from hub.domain.opschorting import (
    KetenSchakel,
    Opschorting,
    SchakelStatus,
    VorderingUitkomst,
)


class CasusRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

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


class OpschortingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, opschorting: Opschorting) -> None:
        self._session.add(
            OpschortingRow(
                opschorting_id=opschorting.opschorting_id,
                casus_id=opschorting.casus_id,
                maatregelen=list(opschorting.maatregelen),
                ingangsdatum=opschorting.ingangsdatum,
                einddatum=opschorting.einddatum,
                grondslag=opschorting.grondslag,
                reden=opschorting.reden,
                opgedragen_op=opschorting.opgedragen_op,
            )
        )
        for link in opschorting.keten:
            self._session.add(_schakel_row(opschorting.opschorting_id, link))

    async def get(self, opschorting_id: str, *, for_update: bool = False) -> Opschorting | None:
        row = await self._session.get(OpschortingRow, opschorting_id)
        if row is None:
            return None
        query = select(SchakelRow).where(SchakelRow.opschorting_id == opschorting_id)
        if for_update:
            query = query.with_for_update()
        links = (await self._session.scalars(query.order_by(SchakelRow.uitvoerder))).all()
        return Opschorting(
            opschorting_id=row.opschorting_id,
            casus_id=row.casus_id,
            maatregelen=tuple(row.maatregelen),
            ingangsdatum=row.ingangsdatum,
            einddatum=row.einddatum,
            grondslag=row.grondslag,
            reden=row.reden,
            opgedragen_op=row.opgedragen_op,
            keten=[_schakel(link) for link in links],
        )

    async def for_casus(self, casus_id: str) -> list[str]:
        rows = await self._session.scalars(
            select(OpschortingRow.opschorting_id)
            .where(OpschortingRow.casus_id == casus_id)
            .order_by(OpschortingRow.opgedragen_op)
        )
        return list(rows)

    async def save_schakel(self, opschorting_id: str, link: KetenSchakel) -> None:
        await self._session.merge(_schakel_row(opschorting_id, link))


def _schakel_row(opschorting_id: str, link: KetenSchakel) -> SchakelRow:
    return SchakelRow(
        opschorting_id=opschorting_id,
        uitvoerder=link.uitvoerder,
        instructie_id=link.instructie_id,
        reageer_uiterlijk=link.reageer_uiterlijk,
        vorderingen_in_scope=(
            list(link.vorderingen_in_scope) if link.vorderingen_in_scope is not None else None
        ),
        status=link.status.value,
        referentie=link.referentie,
        redencode=link.redencode,
        reden=link.reden,
        vorderingen=[dataclasses.asdict(v) for v in link.vorderingen],
        beantwoord_op=link.beantwoord_op,
        verwerkt_op=link.verwerkt_op,
    )


def _schakel(row: SchakelRow) -> KetenSchakel:
    return KetenSchakel(
        uitvoerder=row.uitvoerder,
        instructie_id=row.instructie_id,
        reageer_uiterlijk=row.reageer_uiterlijk,
        vorderingen_in_scope=(
            tuple(row.vorderingen_in_scope) if row.vorderingen_in_scope is not None else None
        ),
        status=SchakelStatus(row.status),
        referentie=row.referentie,
        redencode=row.redencode,
        reden=row.reden,
        vorderingen=tuple(VorderingUitkomst(**v) for v in row.vorderingen or []),
        beantwoord_op=row.beantwoord_op,
        verwerkt_op=row.verwerkt_op,
    )


class ProcessedEvents:
    """Idempotency keys: event ids already handled."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def seen(self, event_id: str) -> bool:
        return await self._session.get(ProcessedEventRow, event_id) is not None

    def mark(self, event_id: str, event_type: str) -> None:
        self._session.add(
            ProcessedEventRow(
                event_id=event_id, event_type=event_type, processed_at=dt.datetime.now(dt.UTC)
            )
        )


class AuditTrail:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def record(
        self, *, actor: str, actie: str, casus_id: str | None, details: dict[str, Any]
    ) -> None:
        self._session.add(
            AuditRow(
                at=dt.datetime.now(dt.UTC),
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
    "OpschortingRepository",
    "ProcessedEvents",
]
