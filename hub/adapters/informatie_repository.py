"""Information requests: the request, its questions (``verzoek`` rows of soort ``informatie`` with
what each asks), and the sealed content the agencies gave. Never commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any, cast

from sqlalchemy import CursorResult, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.adapters.batch_cache import Checkout
from hub.adapters.ketenstatus import Ketenstatussen
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
from hub.domain.verzoek import Verzoek
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


def _gegeven_row(vraag: Vraag, verzoek_id: str, g: OntvangenGegeven) -> dict[str, Any]:
    return dict(
        instructie_id=vraag.instructie_id,
        informatieverzoek_id=verzoek_id,
        categorie=g.categorie,
        pseudoniem=g.pseudoniem,
        peildatum=g.peildatum,
        inhoud=g.inhoud,
        ontvangen_op=g.ontvangen_op,
        verwijderd_op=g.verwijderd_op,
    )


def _kolommen(tabel: Any) -> tuple[Any, ...]:
    return tuple(getattr(tabel, c.key) for c in tabel.__table__.columns)


_KIND = "informatieverzoek"
"""Its kind in a batch's cache (``hub.adapters.batch_cache``)."""

# Built once (a statement's construction took longer than SQLite took to run it), and read as
# rows rather than ORM objects (what ``_NIET_VERSTREKT`` writes never leaves a stale object).
_VERZOEK = select(*_kolommen(InformatieverzoekRow)).where(
    InformatieverzoekRow.informatieverzoek_id == bindparam("id")
)
_VERZOEK_VOOR_UPDATE = _VERZOEK.with_for_update()
_GEGEVENS = (
    select(*_kolommen(InformatieGegevenRow))
    .where(InformatieGegevenRow.informatieverzoek_id == bindparam("id"))
    .order_by(InformatieGegevenRow.id)
)
_VRAGEN = (
    select(*_kolommen(InformatieVraagRow))
    .where(InformatieVraagRow.informatieverzoek_id == bindparam("id"))
    .order_by(InformatieVraagRow.uitvoerder, InformatieVraagRow.pseudoniem)
)
_NIET_VERSTREKT = (
    update(InformatieVraagRow)
    .where(InformatieVraagRow.instructie_id == bindparam("vraag"))
    .values(
        niet_verstrekt=bindparam(
            "nieuw_niet_verstrekt", type_=InformatieVraagRow.__table__.c.niet_verstrekt.type
        )
    )
    .execution_options(synchronize_session=False)
)
_NIEUWE_GEGEVENS = insert(InformatieGegevenRow)
_KETENSTATUS = update(InformatieverzoekRow)
"""With one parameter set per request (its key and ``status``): the ORM's bulk ``UPDATE`` by
primary key, one statement (executemany) for any number."""


class InformatieRepository:
    def __init__(
        self,
        session: AsyncSession,
        zie: Callable[[Aggregaat], None],
        *,
        checkout: Checkout | None = None,
    ) -> None:
        """``zie``: tells the unit of work about each aggregate added or loaded, so the events
        it records are handled on commit. ``checkout``: in a batch of answers, the requests it
        loaded for update already (``hub.adapters.batch_cache``)."""
        self._session = session
        self._zie = zie
        self._checkout = checkout
        self._verzoeken = VerzoekRepository(session)
        self._ketens = Ketenstatussen(
            session, self._verzoeken, _KETENSTATUS, "informatieverzoek_id"
        )
        """Requests whose chain status :meth:`write` brings up to date."""

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
        if for_update and self._checkout is not None:
            kept = self._checkout.take(_KIND, informatieverzoek_id)
            if isinstance(kept, Informatieverzoek):
                self._zie(kept)
                return kept
        parameters = {"id": informatieverzoek_id}
        query = _VERZOEK_VOOR_UPDATE if for_update else _VERZOEK
        row = (await self._session.execute(query, parameters)).first()
        if row is None:
            return None
        keten = await self._verzoeken.van_instrument(informatieverzoek_id)
        gegevens: dict[str, list[OntvangenGegeven]] = {}
        for g in await self._session.execute(_GEGEVENS, parameters):
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
        vraag_rows = await self._session.execute(_VRAGEN, parameters)
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
        if for_update and self._checkout is not None:
            self._checkout.hold(_KIND, informatieverzoek_id, verzoek)
        self._zie(verzoek)
        return verzoek

    async def save_antwoord(self, verzoek: Informatieverzoek, antwoord: Verzoek) -> None:
        """Store one answered question: its request row, what was withheld, the sealed content
        given, and the request's chain status as the stored questions give it."""
        vraag = verzoek.vraag_van(antwoord.instructie_id)
        await self._verzoeken.save(antwoord)
        if vraag.niet_verstrekt:  # stored as [] with the question
            await self._session.execute(
                _NIET_VERSTREKT,
                {
                    "vraag": vraag.instructie_id,
                    "nieuw_niet_verstrekt": [
                        {"categorie": n.categorie, "redencode": n.redencode}
                        for n in vraag.niet_verstrekt
                    ],
                },
            )
        if vraag.gegevens:
            await self._session.execute(
                _NIEUWE_GEGEVENS,
                [_gegeven_row(vraag, verzoek.informatieverzoek_id, g) for g in vraag.gegevens],
            )
        self._ketens.add(verzoek.informatieverzoek_id)

    def take(self) -> set[str]:
        """The requests whose chain status is to be written, handed over (a batch of answers
        writes them all when it commits)."""
        return self._ketens.take()

    async def write(self, ketens: Iterable[str] = ()) -> None:
        """Store the chain status of each of the requests answered in this unit of work (and of
        ``ketens``): ``hub.adapters.ketenstatus``."""
        await self._ketens.write(ketens)

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
