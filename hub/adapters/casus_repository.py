"""The casus in the store: the aggregate to rows and back, and the loket's list query.

A casus is spread over ``casus`` (what the loket filters on, indexed), ``casus_organisatie``,
``casus_transitie`` (its history) and ``huishoudlid`` (pseudonym and the BSN sealed at rest,
exactly as the time-out reads it). The repository never commits; the unit of work does.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, case, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import (
    CasusOrganisatieRow,
    CasusRow,
    CasusTellingRow,
    CasusTransitieRow,
    LidRow,
)
from hub.domain.casus import Casus, CasusStatus, Lid, Maatwerkfunctionaris, Transitie
from hub.domain.model import Aggregaat
from hub.domain.selectie import CasusFilter, CasusSortering, Pagina
from schemas.casus import Instrument, Probleemdomein, Urgentie
from schemas.organisaties import Uitvoerder

_ERNST = case({u.value: rank for rank, u in enumerate(Urgentie)}, value=CasusRow.urgentie, else_=-1)
"""Urgency by severity (normaal < hoog < acuut), for sorting."""


_LEDEN = select(LidRow).where(LidRow.casus_id == bindparam("casus_id")).order_by(LidRow.id)
_WOONGEMEENTE = select(CasusRow.woongemeente).where(CasusRow.casus_id == bindparam("casus_id"))


class CasusRepository:
    def __init__(
        self,
        session: AsyncSession,
        zie: Callable[[Aggregaat], None],
        *,
        leden: dict[str, list[Lid]] | None = None,
    ) -> None:
        """``zie``: tells the unit of work about each aggregate added or loaded, so the events
        it records are handled on commit. ``leden``: in a batch of answers, the households it
        read already (``hub.adapters.batch_cache``)."""
        self._session = session
        self._zie = zie
        self._leden = leden
        self._opgeslagen: dict[str, int] = {}
        """Per casus in this unit of work: how many of its transitions the store has."""

    async def add(self, casus: Casus) -> None:
        self._session.add(
            CasusRow(
                casus_id=casus.casus_id,
                indiener_oin=casus.indiener_oin,
                status=casus.status.value,
                urgentie=casus.urgentie.value,
                ingediend_op=casus.ingediend_op,
                functionaris_naam=casus.maatwerkfunctionaris.naam,
                functionaris_email=casus.maatwerkfunctionaris.email,
                functionaris_telefoon=casus.maatwerkfunctionaris.telefoon,
                probleemdomeinen=[p.value for p in casus.probleemdomeinen],
                geprobeerd=casus.geprobeerd,
                gevraagde_instrumenten=[i.value for i in casus.gevraagde_instrumenten],
                woongemeente=casus.woongemeente,
            )
        )
        # The rows below point at this one. Without relationships the session orders inserts by
        # class name, not by foreign key: write the casus first.
        await self._session.flush()
        await self._session.execute(
            update(CasusTellingRow).values(aantal=CasusTellingRow.aantal + 1)
        )
        for positie, uitvoerder in enumerate(casus.betrokken_organisaties):
            self._session.add(
                CasusOrganisatieRow(
                    casus_id=casus.casus_id, uitvoerder=uitvoerder.value, positie=positie
                )
            )
        for lid in casus.leden:
            self._session.add(
                LidRow(
                    casus_id=casus.casus_id,
                    pseudoniem=lid.pseudoniem,
                    rol=lid.rol,
                    bsn_opgeslagen=lid.bsn_opgeslagen,
                    bsn_zoeksleutel=lid.bsn_zoeksleutel,
                )
            )
        self._opgeslagen[casus.casus_id] = 0
        self._add_transities(casus)
        self._zie(casus)

    async def get(self, casus_id: str, *, for_update: bool = False) -> Casus | None:
        """The casus, or None. ``for_update`` locks its row (PostgreSQL) so two transitions of
        one casus cannot both start from the same status."""
        query = select(CasusRow).where(CasusRow.casus_id == casus_id)
        if for_update:
            query = query.with_for_update()
        row = await self._session.scalar(query)
        if row is None:
            return None
        [casus] = await self._assemble([row])
        self._opgeslagen[casus_id] = len(casus.transities)
        self._zie(casus)
        return casus

    async def save(self, casus: Casus) -> None:
        """Store what a transition changed: the status and the new steps of the history."""
        await self._session.execute(
            update(CasusRow)
            .where(CasusRow.casus_id == casus.casus_id)
            .values(status=casus.status.value)
        )
        self._add_transities(casus)

    async def leden(self, casus_id: str) -> list[Lid]:
        if self._leden is not None and casus_id in self._leden:
            return builtins.list(self._leden[casus_id])
        rows = await self._session.scalars(_LEDEN, {"casus_id": casus_id})
        leden = [_lid(r) for r in rows]
        if self._leden is not None:
            self._leden[casus_id] = leden
        return builtins.list(leden)

    async def woongemeente(self, casus_id: str) -> str | None:
        return await self._session.scalar(_WOONGEMEENTE, {"casus_id": casus_id})

    async def casus_ids_van(self, zoeksleutel: str) -> builtins.list[str]:
        """The casussen with a household member of this lookup key (``HubSecrets.zoeksleutel``),
        in order of id: how the hub finds one person's casussen. For the hub's own use only."""
        rows = await self._session.scalars(
            select(LidRow.casus_id)
            .where(LidRow.bsn_zoeksleutel == zoeksleutel)
            .distinct()
            .order_by(LidRow.casus_id)
        )
        return builtins.list(rows)

    async def leden_zonder_zoeksleutel(
        self, *, na: int, limit: int
    ) -> builtins.list[tuple[int, str]]:
        """(row id, stored BSN) of up to ``limit`` members without a lookup key whose row id is
        above ``na``, by row id: the rows from before revision 0009, to fill."""
        rows = await self._session.execute(
            select(LidRow.id, LidRow.bsn_opgeslagen)
            .where(LidRow.bsn_zoeksleutel.is_(None), LidRow.id > na)
            .order_by(LidRow.id)
            .limit(limit)
        )
        return [(lid_id, opgeslagen) for lid_id, opgeslagen in rows]

    async def zet_zoeksleutel(self, lid_id: int, zoeksleutel: str) -> None:
        await self._session.execute(
            update(LidRow)
            .where(LidRow.id == lid_id, LidRow.bsn_zoeksleutel.is_(None))
            .values(bsn_zoeksleutel=zoeksleutel)
        )

    def _add_transities(self, casus: Casus) -> None:
        nieuw = casus.transities[self._opgeslagen.get(casus.casus_id, 0) :]
        for stap in nieuw:
            self._session.add(
                CasusTransitieRow(
                    casus_id=casus.casus_id,
                    van=stap.van.value if stap.van is not None else None,
                    naar=stap.naar.value,
                    op=stap.op,
                    door=stap.door,
                    details=dict(stap.details),
                )
            )
        self._opgeslagen[casus.casus_id] = len(casus.transities)

    async def _assemble(self, rows: Sequence[CasusRow]) -> list[Casus]:
        """Aggregates from their rows: three queries for the whole page, not three per casus."""
        ids = [row.casus_id for row in rows]
        if not ids:
            return []
        leden: dict[str, list[Lid]] = {}
        for lid in await self._session.scalars(
            select(LidRow).where(LidRow.casus_id.in_(ids)).order_by(LidRow.id)
        ):
            leden.setdefault(lid.casus_id, []).append(_lid(lid))
        organisaties: dict[str, list[Uitvoerder]] = {}
        for org in await self._session.scalars(
            select(CasusOrganisatieRow)
            .where(CasusOrganisatieRow.casus_id.in_(ids))
            .order_by(CasusOrganisatieRow.positie)
        ):
            organisaties.setdefault(org.casus_id, []).append(Uitvoerder(org.uitvoerder))
        transities: dict[str, list[Transitie]] = {}
        for stap in await self._session.scalars(
            select(CasusTransitieRow)
            .where(CasusTransitieRow.casus_id.in_(ids))
            .order_by(CasusTransitieRow.id)
        ):
            transities.setdefault(stap.casus_id, []).append(
                Transitie(
                    van=CasusStatus(stap.van) if stap.van is not None else None,
                    naar=CasusStatus(stap.naar),
                    op=stap.op,
                    door=stap.door,
                    details=stap.details,
                )
            )
        return [
            Casus(
                casus_id=row.casus_id,
                indiener_oin=row.indiener_oin,
                maatwerkfunctionaris=Maatwerkfunctionaris(
                    naam=row.functionaris_naam,
                    email=row.functionaris_email,
                    telefoon=row.functionaris_telefoon,
                ),
                leden=tuple(leden.get(row.casus_id, [])),
                probleemdomeinen=tuple(Probleemdomein(p) for p in row.probleemdomeinen),
                betrokken_organisaties=tuple(organisaties.get(row.casus_id, [])),
                geprobeerd=row.geprobeerd,
                urgentie=Urgentie(row.urgentie),
                gevraagde_instrumenten=tuple(Instrument(i) for i in row.gevraagde_instrumenten),
                ingediend_op=row.ingediend_op,
                woongemeente=row.woongemeente,
                status=CasusStatus(row.status),
                transities=transities.get(row.casus_id, []),
            )
            for row in rows
        ]

    async def list(
        self, filters: CasusFilter, sort: CasusSortering, page: Pagina
    ) -> tuple[builtins.list[Casus], int]:
        """One page of the casussen that pass ``filters``, in ``sort`` order, and how many pass
        in all."""
        query = _gefilterd(filters)
        total = None
        if filters == CasusFilter():  # all of them: kept, not counted (revision 0028)
            total = await self._session.scalar(select(CasusTellingRow.aantal))
        if total is None:
            total = await self._session.scalar(select(func.count()).select_from(query.subquery()))
        rows = (
            await self._session.scalars(
                query.order_by(*_volgorde(sort)).offset(page.offset).limit(page.grootte)
            )
        ).all()
        return await self._assemble(rows), total or 0


def _lid(row: LidRow) -> Lid:
    return Lid(row.pseudoniem, row.rol, row.bsn_opgeslagen, row.bsn_zoeksleutel)


def _gefilterd(filters: CasusFilter) -> Select[CasusRow]:
    query = select(CasusRow)
    if filters.statussen:
        query = query.where(CasusRow.status.in_([s.value for s in filters.statussen]))
    if filters.urgenties:
        query = query.where(CasusRow.urgentie.in_([u.value for u in filters.urgenties]))
    if filters.organisaties:
        query = query.where(
            exists().where(
                CasusOrganisatieRow.casus_id == CasusRow.casus_id,
                CasusOrganisatieRow.uitvoerder.in_([o.value for o in filters.organisaties]),
            )
        )
    if filters.vanaf is not None:
        query = query.where(CasusRow.ingediend_op >= filters.vanaf)
    if filters.tot is not None:
        query = query.where(CasusRow.ingediend_op < filters.tot)
    return query


def _volgorde(sort: CasusSortering) -> list[ColumnElement[Any]]:
    """The order, then submission and id as tie-breakers so that pages are stable."""
    match sort:
        case CasusSortering.INGEDIEND_OP:
            return [CasusRow.ingediend_op.asc(), CasusRow.casus_id.asc()]
        case CasusSortering.INGEDIEND_OP_AFLOPEND:
            return [CasusRow.ingediend_op.desc(), CasusRow.casus_id.desc()]
        case CasusSortering.URGENTIE:
            return [_ERNST.asc(), CasusRow.ingediend_op.asc(), CasusRow.casus_id.asc()]
        case CasusSortering.URGENTIE_AFLOPEND:
            return [_ERNST.desc(), CasusRow.ingediend_op.asc(), CasusRow.casus_id.asc()]
