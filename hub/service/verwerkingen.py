"""Reading the processing log: per pseudonym, per casus, and per person (the right of access:
the loket gives the BSN in a body, the hub looks it up by its lookup key)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hub.adapters.telemetry import current_traceparent
from hub.domain.casus import Lid
from hub.domain.opschorting import Opschorting
from hub.domain.verwerking import (
    CATEGORIE_BSN,
    CATEGORIE_OPSCHORTING,
    DOEL_INSTRUCTIE,
    HUB_OIN,
    Betrokkene,
    Verwerking,
    oin_van_door,
)
from hub.service.deps import Deps
from hub.service.queries import MAX_PER_PAGINA, Pagina
from hub.service.unit_of_work import UnitOfWork
from schemas.ids import Bsn, CasusId, Pseudoniem
from schemas.organisaties import UITVOERDERS, Uitvoerder
from schemas.tracing import trace_id_of


class ZoekVerwerkingen(BaseModel):
    """Query parameters of the log: a pseudonym or a casus, and a page."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    pseudoniem: Pseudoniem | None = None
    casus_id: CasusId | None = None
    pagina: int = Field(default=1, ge=1)
    per_pagina: int = Field(default=20, ge=1, le=MAX_PER_PAGINA)

    @model_validator(mode="after")
    def _een_criterium(self) -> ZoekVerwerkingen:
        if self.pseudoniem is None and self.casus_id is None:
            raise ValueError("give pseudoniem or casus_id")
        return self


class ZoekVerwerkingenPerPersoon(BaseModel):
    """The right of access: every activity about one person, in any casus."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    bsn: Bsn
    pagina: int = Field(default=1, ge=1)
    per_pagina: int = Field(default=20, ge=1, le=MAX_PER_PAGINA)


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
    """Log that the hub gives ``uitvoerder`` the household of a time-out (each BSN sealed for
    it): a processing activity in the transaction that queues the instruction."""
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
