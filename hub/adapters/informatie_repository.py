"""Information requests: the request, its questions (``verzoek`` rows of soort ``informatie`` with
what each asks), and the sealed content the agencies gave. Never commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.orm import (
    InformatieGegevenRow,
    InformatieverzoekRow,
    InformatieVraagRow,
)
from hub.adapters.verzoek_repository import VerzoekRepository
from hub.domain.informatieverzoek import (
    Deel,
    Informatieverzoek,
    NietGegeven,
    OntvangenGegeven,
    Ontvanger,
    Vraag,
)
from hub.domain.model import Aggregaat
from hub.domain.selectie import Pagina
from hub.domain.verzoek import Verzoek, keten_status
from schemas.gedeeld import Regel


def _deel(d: dict[str, Any]) -> Deel:
    return Deel(
        uitvoerder=d["uitvoerder"],
        categorieen=tuple(d["categorieen"]),
        kenmerk=d["kenmerk"],
        versie=int(d["versie"]),
        toegestane_categorieen=tuple(d["toegestane_categorieen"]),
    )


def _deel_kolom(d: Deel) -> dict[str, Any]:
    return {
        "uitvoerder": d.uitvoerder,
        "categorieen": list(d.categorieen),
        "kenmerk": d.kenmerk,
        "versie": d.versie,
        "toegestane_categorieen": list(d.toegestane_categorieen),
    }


def _gegeven_row(vraag: Vraag, verzoek_id: str, g: OntvangenGegeven) -> InformatieGegevenRow:
    return InformatieGegevenRow(
        instructie_id=vraag.instructie_id,
        informatieverzoek_id=verzoek_id,
        categorie=g.categorie,
        pseudoniem=g.pseudoniem,
        peildatum=g.peildatum,
        inhoud=g.inhoud,
        ontvangen_op=g.ontvangen_op,
        verwijderd_op=g.verwijderd_op,
    )


class InformatieRepository:
    def __init__(self, session: AsyncSession, zie: Callable[[Aggregaat], None]) -> None:
        """``zie``: tells the unit of work about each aggregate added or loaded, so the events
        it records are handled on commit."""
        self._session = session
        self._zie = zie
        self._verzoeken = VerzoekRepository(session)

    async def add(self, verzoek: Informatieverzoek) -> None:
        self._session.add(
            InformatieverzoekRow(
                informatieverzoek_id=verzoek.informatieverzoek_id,
                casus_id=verzoek.casus_id,
                verzoeker=verzoek.verzoeker,
                door=verzoek.door,
                doel=verzoek.doel,
                grondslag=verzoek.grondslag.model_dump(mode="json", exclude_none=True),
                delen=[_deel_kolom(d) for d in verzoek.delen],
                personen=list(verzoek.personen),
                ontvanger=verzoek.ontvanger.value,
                ontvanger_sleutel=verzoek.ontvanger_sleutel,
                gevraagd_op=verzoek.gevraagd_op,
                reageer_uiterlijk=verzoek.reageer_uiterlijk,
                schuldenoverzicht=verzoek.schuldenoverzicht,
                status=verzoek.status.value,
            )
        )
        await self._session.flush()
        self._verzoeken.add(verzoek.keten)
        await self._session.flush()
        for vraag in verzoek.vragen:
            self._session.add(
                InformatieVraagRow(
                    instructie_id=vraag.instructie_id,
                    informatieverzoek_id=verzoek.informatieverzoek_id,
                    uitvoerder=vraag.uitvoerder,
                    pseudoniem=vraag.pseudoniem,
                    categorieen=list(vraag.categorieen),
                    niet_verstrekt=[],
                )
            )
        self._zie(verzoek)

    async def get(
        self, informatieverzoek_id: str, *, for_update: bool = False
    ) -> Informatieverzoek | None:
        query = select(InformatieverzoekRow).where(
            InformatieverzoekRow.informatieverzoek_id == informatieverzoek_id
        )
        if for_update:
            query = query.with_for_update()
        row = await self._session.scalar(query)
        if row is None:
            return None
        keten = await self._verzoeken.van_instrument(informatieverzoek_id)
        gegevens: dict[str, list[OntvangenGegeven]] = {}
        for g in await self._session.scalars(
            select(InformatieGegevenRow)
            .where(InformatieGegevenRow.informatieverzoek_id == informatieverzoek_id)
            .order_by(InformatieGegevenRow.id)
        ):
            gegevens.setdefault(g.instructie_id, []).append(
                OntvangenGegeven(
                    categorie=g.categorie,
                    pseudoniem=g.pseudoniem,
                    peildatum=g.peildatum,
                    inhoud=g.inhoud,
                    ontvangen_op=g.ontvangen_op,
                    verwijderd_op=g.verwijderd_op,
                )
            )
        vraag_rows = await self._session.scalars(
            select(InformatieVraagRow)
            .where(InformatieVraagRow.informatieverzoek_id == informatieverzoek_id)
            .order_by(InformatieVraagRow.uitvoerder, InformatieVraagRow.pseudoniem)
        )
        vragen = [
            Vraag(
                instructie_id=v.instructie_id,
                uitvoerder=v.uitvoerder,
                pseudoniem=v.pseudoniem,
                categorieen=tuple(v.categorieen),
                gegevens=gegevens.get(v.instructie_id, []),
                niet_verstrekt=tuple(
                    NietGegeven(n["categorie"], n["redencode"]) for n in v.niet_verstrekt or []
                ),
            )
            for v in vraag_rows
        ]
        verzoek = Informatieverzoek(
            informatieverzoek_id=row.informatieverzoek_id,
            casus_id=row.casus_id,
            verzoeker=row.verzoeker,
            door=row.door,
            doel=row.doel,
            grondslag=Regel.model_validate(row.grondslag),
            delen=tuple(_deel(d) for d in row.delen),
            personen=tuple(row.personen),
            ontvanger=Ontvanger(row.ontvanger),
            ontvanger_sleutel=row.ontvanger_sleutel,
            gevraagd_op=row.gevraagd_op,
            reageer_uiterlijk=row.reageer_uiterlijk,
            schuldenoverzicht=row.schuldenoverzicht,
            keten=keten,
            vragen=vragen,
        )
        self._zie(verzoek)
        return verzoek

    async def save_antwoord(self, verzoek: Informatieverzoek, antwoord: Verzoek) -> None:
        """Store one answered question: its request row, what was withheld, the sealed content
        given, and the request's chain status as the stored questions give it."""
        vraag = verzoek.vraag_van(antwoord.instructie_id)
        await self._verzoeken.save(antwoord)
        await self._session.execute(
            update(InformatieVraagRow)
            .where(InformatieVraagRow.instructie_id == vraag.instructie_id)
            .values(
                niet_verstrekt=[
                    {"categorie": n.categorie, "redencode": n.redencode}
                    for n in vraag.niet_verstrekt
                ]
            )
        )
        for gegeven in vraag.gegevens:
            self._session.add(_gegeven_row(vraag, verzoek.informatieverzoek_id, gegeven))
        await self._session.flush()
        statussen = await self._verzoeken.statussen(verzoek.informatieverzoek_id)
        await self._session.execute(
            update(InformatieverzoekRow)
            .where(InformatieverzoekRow.informatieverzoek_id == verzoek.informatieverzoek_id)
            .values(status=keten_status(statussen).value)
        )

    async def van_casus(
        self, casus_id: str, verzoeker: str, pagina: Pagina, *, schuldenoverzicht: bool | None
    ) -> tuple[list[str], int]:
        """Ids of one requester's requests on a casus, newest first, one page; and how many."""
        waar = (InformatieverzoekRow.casus_id == casus_id) & (
            InformatieverzoekRow.verzoeker == verzoeker
        )
        if schuldenoverzicht is not None:
            waar = waar & (InformatieverzoekRow.schuldenoverzicht == schuldenoverzicht)
        totaal = await self._session.scalar(
            select(func.count()).select_from(InformatieverzoekRow).where(waar)
        )
        ids = await self._session.scalars(
            select(InformatieverzoekRow.informatieverzoek_id)
            .where(waar)
            .order_by(
                InformatieverzoekRow.gevraagd_op.desc(), InformatieverzoekRow.informatieverzoek_id
            )
            .offset(pagina.offset)
            .limit(pagina.grootte)
        )
        return list(ids), int(totaal or 0)

    async def wis_inhoud(self, ontvangen_voor: dt.datetime, nu: dt.datetime, limit: int) -> int:
        """Delete the sealed content received before ``ontvangen_voor`` (at most ``limit``
        items); the fact that it was given stays, with ``verwijderd_op``."""
        oudste = (
            select(InformatieGegevenRow.id)
            .where(
                InformatieGegevenRow.inhoud.is_not(None),
                InformatieGegevenRow.ontvangen_op < ontvangen_voor,
            )
            .order_by(InformatieGegevenRow.id)
            .limit(limit)
        )
        result = cast(
            CursorResult[Any],
            await self._session.execute(
                update(InformatieGegevenRow)
                .where(InformatieGegevenRow.id.in_(oudste))
                .values(inhoud=None, verwijderd_op=nu)
                .execution_options(synchronize_session=False)
            ),
        )
        return int(result.rowcount)
