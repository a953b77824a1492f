"""The processing log (``hub.domain.verwerking``) in the store, and the one query a check before
collecting needs. Never commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Select, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import (
    LidRow,
    OpschortingRow,
    VerwerkingBetrokkeneRow,
    VerwerkingRow,
    VerzoekRow,
)
from hub.domain.selectie import Lopend, Pagina
from hub.domain.verwerking import Betrokkene, Verwerking
from hub.domain.verzoek import VerzoekStatus, VorderingUitkomst


class VerwerkingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._nieuw: list[Verwerking] = []

    async def add(self, verwerking: Verwerking) -> None:
        """Queue an activity: :meth:`write` stores the queued ones together (the unit of work
        does at commit), two statements for any number (an order to eight agencies logs eight).
        """
        self._nieuw.append(verwerking)

    def take(self) -> list[Verwerking]:
        """The queued activities, handed over (a batch of answers writes them at its commit)."""
        nieuw, self._nieuw = self._nieuw, []
        return nieuw

    async def write(self, verwerkingen: Sequence[Verwerking] = ()) -> None:
        """Store the queued activities (and ``verwerkingen``): their rows, then the persons that
        refer to them."""
        nieuw = [*self.take(), *verwerkingen]
        if not nieuw:
            return
        await self._session.execute(
            insert(VerwerkingRow),
            [
                {
                    "verwerking_id": v.verwerking_id,
                    "op": v.op,
                    "vrager": v.vrager,
                    "verstrekker": v.verstrekker,
                    "ontvanger": v.ontvanger,
                    "doel": v.doel,
                    "grondslag": v.grondslag,
                    "categorieen": list(v.categorieen),
                    "casus_id": v.casus_id,
                    "uitkomst": v.uitkomst,
                    "trace_id": v.trace_id,
                }
                for v in nieuw
            ],
        )
        personen = [
            {
                "verwerking_id": v.verwerking_id,
                "pseudoniem": p.pseudoniem,
                "bsn_zoeksleutel": p.bsn_zoeksleutel,
            }
            for v in nieuw
            for p in v.betrokkenen
        ]
        if personen:
            await self._session.execute(insert(VerwerkingBetrokkeneRow), personen)

    async def zoek(
        self,
        pagina: Pagina,
        *,
        pseudoniem: str | None = None,
        bsn_zoeksleutel: str | None = None,
        casus_id: str | None = None,
    ) -> tuple[list[Verwerking], int]:
        """One page of the activities about a person (by pseudonym or lookup key) or on a casus,
        newest first, and how many there are in all."""
        await self.write()  # this unit of work's own activities count too
        ids: Select[tuple[str]] = select(VerwerkingRow.verwerking_id)
        if pseudoniem is not None or bsn_zoeksleutel is not None:
            persoon = select(VerwerkingBetrokkeneRow.verwerking_id)
            if pseudoniem is not None:
                persoon = persoon.where(VerwerkingBetrokkeneRow.pseudoniem == pseudoniem)
            if bsn_zoeksleutel is not None:
                persoon = persoon.where(VerwerkingBetrokkeneRow.bsn_zoeksleutel == bsn_zoeksleutel)
            ids = ids.where(VerwerkingRow.verwerking_id.in_(persoon))
        if casus_id is not None:
            ids = ids.where(VerwerkingRow.casus_id == casus_id)
        totaal = await self._session.scalar(select(func.count()).select_from(ids.subquery()))
        rows = (
            await self._session.scalars(
                select(VerwerkingRow)
                .where(VerwerkingRow.verwerking_id.in_(ids))
                .order_by(VerwerkingRow.op.desc(), VerwerkingRow.verwerking_id)
                .offset(pagina.offset)
                .limit(pagina.grootte)
            )
        ).all()
        personen: dict[str, list[Betrokkene]] = {}
        if rows:
            for p in await self._session.scalars(
                select(VerwerkingBetrokkeneRow)
                .where(VerwerkingBetrokkeneRow.verwerking_id.in_([r.verwerking_id for r in rows]))
                .order_by(VerwerkingBetrokkeneRow.id)
            ):
                personen.setdefault(p.verwerking_id, []).append(
                    Betrokkene(pseudoniem=p.pseudoniem, bsn_zoeksleutel=p.bsn_zoeksleutel)
                )
        return [
            Verwerking(
                verwerking_id=r.verwerking_id,
                op=r.op,
                vrager=r.vrager,
                verstrekker=r.verstrekker,
                ontvanger=r.ontvanger,
                doel=r.doel,
                grondslag=r.grondslag,
                categorieen=tuple(r.categorieen),
                betrokkenen=tuple(personen.get(r.verwerking_id, ())),
                casus_id=r.casus_id,
                uitkomst=r.uitkomst,
                trace_id=r.trace_id,
            )
            for r in rows
        ], totaal or 0

    async def zoeksleutel_van(self, pseudoniem: str) -> str | None:
        """The lookup key of the person with this pseudonym (in whichever casus), if known."""
        return await self._session.scalar(
            select(LidRow.bsn_zoeksleutel)
            .where(LidRow.pseudoniem == pseudoniem, LidRow.bsn_zoeksleutel.is_not(None))
            .limit(1)
        )

    async def lopend_bij(
        self, casus_ids: Sequence[str], uitvoerder: str, dag: dt.date, zoeksleutel: str
    ) -> list[Lopend]:
        """The time-outs in force on ``dag`` on these casussen (one person's, by its lookup key
        ``zoeksleutel``: ``CasusRepository.casus_ids_van``) whose order went to ``uitvoerder``
        with this person among its persons (the whole household, or the persons in scope) and
        was not refused by it: one query, each step through an index (the casussen's orders, the
        agency's request in each by its chain and agency, the person's membership). Each comes
        with the agency's answer per claim, if it gave one (``controle.bevestigde_vorderingen``)."""
        if not casus_ids:
            return []
        rows = await self._session.execute(
            select(
                OpschortingRow.ingangsdatum,
                OpschortingRow.einddatum,
                OpschortingRow.opgeheven_per,
                OpschortingRow.maatregelen,
                VerzoekRow.vorderingen_in_scope,
                VerzoekRow.personen_in_scope,
                VerzoekRow.status,
                VerzoekRow.vorderingen,
                LidRow.pseudoniem,
            )
            .join(
                VerzoekRow,
                (VerzoekRow.keten_id == OpschortingRow.opschorting_id)
                # The agency compared as an expression (`|| ''`), so no planner takes its index
                # (a handful of values): SQLite without statistics did, and read every request
                # the agency ever got, a check growing with the store (60 ms at 40,000 orders).
                # Now every step is by the person's casussen: under 1 ms at any size.
                & ((VerzoekRow.uitvoerder + "") == uitvoerder),
            )
            .join(
                LidRow,
                (LidRow.casus_id == OpschortingRow.casus_id)
                & (LidRow.bsn_zoeksleutel == zoeksleutel),
            )
            .where(
                OpschortingRow.casus_id.in_(casus_ids),
                VerzoekRow.status != VerzoekStatus.REFUSED.value,
                OpschortingRow.verlopen_op.is_(None),
                OpschortingRow.ingangsdatum <= dag,
                OpschortingRow.einddatum >= dag,
            )
            .order_by(OpschortingRow.ingangsdatum, OpschortingRow.opschorting_id)
        )
        return [
            Lopend(
                ingangsdatum=r.ingangsdatum,
                einddatum=r.einddatum,
                opgeheven_per=r.opgeheven_per,
                maatregelen=tuple(r.maatregelen),
                vorderingen=None
                if r.vorderingen_in_scope is None
                else tuple(r.vorderingen_in_scope),
                antwoord=VerzoekStatus(r.status),
                resultaten=tuple(VorderingUitkomst(**v) for v in r.vorderingen or []),
            )
            for r in rows
            if r.personen_in_scope is None or r.pseudoniem in r.personen_in_scope
        ]
