"""Reading the processing log: per pseudonym, per casus, and per person (the right of access:
the loket gives the BSN in a body, the hub looks it up by its lookup key); and writing the entries
of the time-out's instructions and of information requests and their answers."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hub.adapters.telemetry import current_traceparent
from hub.domain.casus import Lid
from hub.domain.informatieverzoek import Informatieverzoek, Vraag
from hub.domain.opschorting import Opschorting
from hub.domain.selectie import Pagina
from hub.domain.verwerking import (
    CATEGORIE_BSN,
    CATEGORIE_ESCALATIEDOSSIER,
    CATEGORIE_OPSCHORTING,
    DOEL_ESCALATIE,
    DOEL_INSTRUCTIE,
    GRONDSLAG_ESCALATIE,
    HUB_OIN,
    Betrokkene,
    Verwerking,
    oin_van_door,
)
from hub.domain.verzoek import Verzoek
from hub.service.deps import Deps
from hub.service.invoer import Geheel, Paginanummer
from hub.service.queries import MAX_PER_PAGINA
from hub.service.unit_of_work import UnitOfWork
from schemas.gedeeld import Regel
from schemas.ids import Bsn, CasusId, Pseudoniem
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.tracing import trace_id_of


class ZoekVerwerkingen(BaseModel):
    """Query parameters of the log: a pseudonym or a casus, and a page."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pseudoniem: Pseudoniem | None = None
    casus_id: CasusId | None = None
    pagina: Paginanummer = 1
    per_pagina: Geheel = Field(default=20, ge=1, le=MAX_PER_PAGINA)

    @model_validator(mode="after")
    def _een_criterium(self) -> ZoekVerwerkingen:
        if self.pseudoniem is None and self.casus_id is None:
            raise ValueError("give pseudoniem or casus_id")
        return self


class ZoekVerwerkingenPerPersoon(BaseModel):
    """The right of access: every activity about one person, in any casus."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bsn: Bsn
    pagina: Paginanummer = 1
    per_pagina: Geheel = Field(default=20, ge=1, le=MAX_PER_PAGINA)


async def zoek_verwerkingen(
    vraag: ZoekVerwerkingen, uow: UnitOfWork
) -> tuple[list[Verwerking], int]:
    async with uow:
        return await uow.verwerkingen.zoek(
            Pagina(vraag.pagina, vraag.per_pagina),
            pseudoniem=vraag.pseudoniem,
            casus_id=vraag.casus_id,
        )


async def zoek_per_persoon(
    vraag: ZoekVerwerkingenPerPersoon, uow: UnitOfWork, deps: Deps
) -> tuple[list[Verwerking], int]:
    async with uow:
        return await uow.verwerkingen.zoek(
            Pagina(vraag.pagina, vraag.per_pagina),
            bsn_zoeksleutel=deps.secrets.zoeksleutel(vraag.bsn),
        )


async def log_instructie(
    uow: UnitOfWork, o: Opschorting, uitvoerder: str, leden: Iterable[Lid], *, door: str
) -> None:
    """Log that the hub gives ``uitvoerder`` these members of a time-out's household (the
    persons its instruction names, each BSN sealed for it): a processing activity in the
    transaction that queues the instruction."""
    await uow.verwerkingen.add(
        Verwerking(
            verwerking_id=str(uuid.uuid4()),
            op=uow.clock(),
            vrager=oin_van_door(door),
            verstrekker=HUB_OIN,
            ontvanger=UITVOERDERS[Uitvoerder(uitvoerder)].oin,
            doel=DOEL_INSTRUCTIE,
            grondslag=o.grondslag,
            categorieen=(CATEGORIE_BSN, CATEGORIE_OPSCHORTING),
            betrokkenen=tuple(
                Betrokkene(pseudoniem=lid.pseudoniem, bsn_zoeksleutel=lid.bsn_zoeksleutel)
                for lid in leden
            ),
            casus_id=o.casus_id,
            trace_id=trace_id_of(current_traceparent()),
        )
    )


UITKOMST_INFORMATIE = {
    "confirmed": "verstrekt",
    "partially_confirmed": "deels-verstrekt",
    "refused": "geweigerd",
}
"""The outcome of an information request's answer in the log, by the status it gave."""


def grondslag_tekst(regel: Regel) -> str:
    """A legal ground in one line, as the log keeps it."""
    return f"{regel.regeling}, {regel.artikel}" if regel.artikel else regel.regeling


def _informatie(
    uow: UnitOfWork,
    verzoek: Informatieverzoek,
    vraag: Vraag,
    lid: Lid | None,
    categorieen: tuple[str, ...],
    uitkomst: str | None,
) -> Verwerking:
    vrager = oin_van_door(verzoek.door)
    return Verwerking(
        verwerking_id=str(uuid.uuid4()),
        op=uow.clock(),
        vrager=vrager,
        verstrekker=UITVOERDERS[Uitvoerder(vraag.uitvoerder)].oin,
        ontvanger=vrager,
        doel=verzoek.doel,
        grondslag=grondslag_tekst(verzoek.grondslag),
        categorieen=categorieen,
        betrokkenen=(
            Betrokkene(
                pseudoniem=vraag.pseudoniem,
                bsn_zoeksleutel=lid.bsn_zoeksleutel if lid is not None else None,
            ),
        ),
        casus_id=verzoek.casus_id,
        uitkomst=uitkomst,
        trace_id=trace_id_of(current_traceparent()),
    )


async def log_informatieverzoek(
    uow: UnitOfWork, verzoek: Informatieverzoek, vraag: Vraag, lid: Lid
) -> None:
    """Log that the hub asks ``vraag.uitvoerder`` for information about one person (its BSN
    sealed for that agency), in the transaction that queues the message."""
    await uow.verwerkingen.add(_informatie(uow, verzoek, vraag, lid, vraag.categorieen, None))


async def log_informatie_antwoord(
    uow: UnitOfWork, verzoek: Informatieverzoek, vraag: Vraag, antwoord: Verzoek
) -> None:
    """Log an agency's answer taken: what it gave (the categories actually given) or that it
    refused, in the transaction that records the answer."""
    leden = {lid.pseudoniem: lid for lid in await uow.casussen.leden(verzoek.casus_id)}
    gegeven = tuple(dict.fromkeys(g.categorie for g in vraag.gegevens))
    await uow.verwerkingen.add(
        _informatie(
            uow,
            verzoek,
            vraag,
            leden.get(vraag.pseudoniem),
            gegeven,
            UITKOMST_INFORMATIE.get(antwoord.status.value, antwoord.status.value),
        )
    )


async def log_escalatiedossier(
    uow: UnitOfWork, casus_id: str, leden: Iterable[Lid], *, loket: str, ontvanger: str
) -> None:
    """Log that the escalation dossier of a household went to ``ontvanger`` (the LET when the
    loket escalates, an invited organisation when it reads it), from the loket that escalated,
    in the transaction that shares it. ``loket``: the actor that escalated."""
    await uow.verwerkingen.add(
        Verwerking(
            verwerking_id=str(uuid.uuid4()),
            op=uow.clock(),
            vrager=ontvanger,
            verstrekker=oin_van_door(loket),
            ontvanger=ontvanger,
            doel=DOEL_ESCALATIE,
            grondslag=GRONDSLAG_ESCALATIE,
            categorieen=(CATEGORIE_ESCALATIEDOSSIER,),
            betrokkenen=tuple(
                Betrokkene(pseudoniem=lid.pseudoniem, bsn_zoeksleutel=lid.bsn_zoeksleutel)
                for lid in leden
            ),
            casus_id=casus_id,
            uitkomst="gedeeld",
            trace_id=trace_id_of(current_traceparent()),
        )
    )
