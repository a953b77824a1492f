"""Deviation decisions (``hub.domain.afwijking``): one row each, written once. Never commits."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import AfwijkingRow
from hub.domain.afwijking import Afwijking, Besluit, Besluitnemer, Regel
from hub.domain.model import Aggregaat


def _row(b: Besluit) -> AfwijkingRow:
    return AfwijkingRow(
        afwijking_id=b.afwijking_id,
        casus_id=b.casus_id,
        regel={
            "regeling": b.regel.regeling,
            "artikel": b.regel.artikel,
            "bwb_id": b.regel.bwb_id,
            "omschrijving": b.regel.omschrijving,
        },
        afwijking=b.afwijking,
        motivering=b.motivering,
        besloten_door={
            "oin": b.besloten_door.oin,
            "naam": b.besloten_door.naam,
            "soort": b.besloten_door.soort,
            "functie": b.besloten_door.functie,
        },
        mandaat=b.mandaat,
        betrokkenen=list(b.betrokkenen),
        geldig_van=b.geldig_van,
        geldig_tot=b.geldig_tot,
        besluitdatum=b.besluitdatum,
        knelpunt_id=b.knelpunt_id,
        vastgelegd_op=b.vastgelegd_op,
        vastgelegd_door=b.vastgelegd_door,
    )


def _afwijking(row: AfwijkingRow) -> Afwijking:
    return Afwijking(
        besluit=Besluit(
            afwijking_id=row.afwijking_id,
            casus_id=row.casus_id,
            regel=Regel(**row.regel),
            afwijking=row.afwijking,
            motivering=row.motivering,
            besloten_door=Besluitnemer(**row.besloten_door),
            mandaat=row.mandaat,
            betrokkenen=tuple(row.betrokkenen),
            geldig_van=row.geldig_van,
            geldig_tot=row.geldig_tot,
            besluitdatum=row.besluitdatum,
            knelpunt_id=row.knelpunt_id,
            vastgelegd_op=row.vastgelegd_op,
            vastgelegd_door=row.vastgelegd_door,
        )
    )


class AfwijkingRepository:
    def __init__(self, session: AsyncSession, zie: Callable[[Aggregaat], None]) -> None:
        """``zie``: tells the unit of work about each aggregate added, so the event it
        recorded is handled on commit."""
        self._session = session
        self._zie = zie

    async def add(self, afwijking: Afwijking) -> None:
        self._session.add(_row(afwijking.besluit))
        self._zie(afwijking)

    async def get(self, afwijking_id: str) -> Afwijking | None:
        row = await self._session.get(AfwijkingRow, afwijking_id)
        return None if row is None else _afwijking(row)

    async def van_casus(self, casus_id: str) -> list[Afwijking]:
        rows = await self._session.scalars(
            select(AfwijkingRow)
            .where(AfwijkingRow.casus_id == casus_id)
            .order_by(AfwijkingRow.vastgelegd_op, AfwijkingRow.afwijking_id)
        )
        return [_afwijking(row) for row in rows]
