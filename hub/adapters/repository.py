"""Repositories: every query of the hub lives here. They never commit; the unit of work does."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import (
    AuditRow,
    OpschortingRow,
    ProcessedEventRow,
    SchakelRow,
    WijzigingRow,
    WijzigingSchakelRow,
)
from hub.domain.opschorting import (
    KetenSchakel,
    Opschorting,
    SchakelStatus,
    VorderingUitkomst,
    Wijziging,
    WijzigingSoort,
)

if TYPE_CHECKING:
    from hub.service.unit_of_work import UnitOfWork


class OpschortingRepository:
    def __init__(self, session: AsyncSession, uow: UnitOfWork) -> None:
        self._session = session
        self._uow = uow

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
        query = select(OpschortingRow).where(OpschortingRow.opschorting_id == opschorting_id)
        if for_update:
            query = query.with_for_update()
        row = await self._session.scalar(query)
        if row is None:
            return None
        links = (
            await self._session.scalars(
                select(SchakelRow)
                .where(SchakelRow.opschorting_id == opschorting_id)
                .order_by(SchakelRow.uitvoerder)
            )
        ).all()
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
            wijzigingen=await self._wijzigingen(opschorting_id),
            opgeheven_per=row.opgeheven_per,
            verlopen_op=row.verlopen_op,
        )

    async def _wijzigingen(self, opschorting_id: str) -> list[Wijziging]:
        rows = (
            await self._session.scalars(
                select(WijzigingRow)
                .where(WijzigingRow.opschorting_id == opschorting_id)
                .order_by(WijzigingRow.gewijzigd_op)
            )
        ).all()
        if not rows:
            return []
        links = (
            await self._session.scalars(
                select(WijzigingSchakelRow)
                .where(WijzigingSchakelRow.wijziging_id.in_([r.wijziging_id for r in rows]))
                .order_by(WijzigingSchakelRow.uitvoerder)
            )
        ).all()
        return [
            Wijziging(
                wijziging_id=row.wijziging_id,
                soort=WijzigingSoort(row.soort),
                reden=row.reden,
                gewijzigd_op=row.gewijzigd_op,
                nieuwe_einddatum=row.nieuwe_einddatum,
                opheffingsdatum=row.opheffingsdatum,
                keten=[_schakel(link) for link in links if link.wijziging_id == row.wijziging_id],
            )
            for row in rows
        ]

    async def add_wijziging(self, opschorting_id: str, wijziging: Wijziging) -> None:
        self._session.add(
            WijzigingRow(
                wijziging_id=wijziging.wijziging_id,
                opschorting_id=opschorting_id,
                soort=wijziging.soort.value,
                reden=wijziging.reden,
                gewijzigd_op=wijziging.gewijzigd_op,
                nieuwe_einddatum=wijziging.nieuwe_einddatum,
                opheffingsdatum=wijziging.opheffingsdatum,
            )
        )
        for link in wijziging.keten:
            self._session.add(
                WijzigingSchakelRow(wijziging_id=wijziging.wijziging_id, **_kolommen(link))
            )

    async def save_toestand(self, opschorting: Opschorting) -> None:
        """Store what a change or expiry moved: the end date, lifting and expiry."""
        await self._session.execute(
            update(OpschortingRow)
            .where(OpschortingRow.opschorting_id == opschorting.opschorting_id)
            .values(
                einddatum=opschorting.einddatum,
                opgeheven_per=opschorting.opgeheven_per,
                verlopen_op=opschorting.verlopen_op,
            )
        )

    async def lopend_tot_voor(self, dag: dt.date) -> list[str]:
        """Ids of time-outs neither lifted nor expired whose last day lies before ``dag``."""
        rows = await self._session.scalars(
            select(OpschortingRow.opschorting_id).where(
                OpschortingRow.opgeheven_per.is_(None),
                OpschortingRow.verlopen_op.is_(None),
                OpschortingRow.einddatum < dag,
            )
        )
        return list(rows)

    async def for_casus(self, casus_id: str) -> list[str]:
        rows = await self._session.scalars(
            select(OpschortingRow.opschorting_id)
            .where(OpschortingRow.casus_id == casus_id)
            .order_by(OpschortingRow.opgedragen_op)
        )
        return list(rows)

    async def save_schakel(self, opschorting: Opschorting, link: KetenSchakel) -> None:
        """Store one link of the order's chain or of one of its changes."""
        if any(own is link for own in opschorting.keten):
            await self._session.merge(_schakel_row(opschorting.opschorting_id, link))
            return
        for wijziging in opschorting.wijzigingen:
            if any(own is link for own in wijziging.keten):
                await self._session.merge(
                    WijzigingSchakelRow(wijziging_id=wijziging.wijziging_id, **_kolommen(link))
                )
                return
        raise ValueError(f"link {link.instructie_id} is not part of {opschorting.opschorting_id}")


def _schakel_row(opschorting_id: str, link: KetenSchakel) -> SchakelRow:
    return SchakelRow(opschorting_id=opschorting_id, **_kolommen(link))


def _kolommen(link: KetenSchakel) -> dict[str, Any]:
    return dict(
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


def _schakel(row: SchakelRow | WijzigingSchakelRow) -> KetenSchakel:
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
    "OpschortingRepository",
    "ProcessedEvents",
]
