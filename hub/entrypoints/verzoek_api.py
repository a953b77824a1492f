"""The agencies' route: ``GET /api/v1/verzoeken``, the caller's own requests.

An agency's connector gets its instructions on Kafka; this is the same list seen from the hub, so
an agency can check what the hub still waits for (and by when) without asking the loket. The
agency is the caller's, from its certificate: there is no parameter to name another one.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from hub.domain.verzoek import Verzoek, VerzoekSoort, VerzoekStatus
from hub.entrypoints.api import Fouten, HubDep
from hub.entrypoints.identiteit import Beller, Rol, VereisteRol
from hub.service import verzoeken as verzoek_service
from hub.service.queries import ZoekVerzoeken

router = APIRouter(
    prefix="/api/v1",
    tags=["uitvoerder"],
    responses={422: {"model": Fouten, "description": "Invalid query parameter."}},
)


class VerzoekRegel(BaseModel):
    """One request to the calling agency."""

    instructie_id: str = Field(description="The instruction's event id; the answer names it.")
    soort: VerzoekSoort
    instrument_id: str = Field(
        description="The time-out's id (GET /api/v1/opschortingen/{id}), or the information "
        "request's (soort informatie)."
    )
    keten_id: str = Field(
        description="The chain: the order's id or the change's; an information request's id."
    )
    casus_id: str
    status: VerzoekStatus
    reageer_uiterlijk: dt.datetime
    late: bool = Field(description="Pending past the answer deadline.")
    vorderingen_in_scope: list[str] | None = Field(
        description="The claims it covers; null: all of the household's."
    )
    referentie: str | None = Field(description="The agency's own reference, once answered.")
    beantwoord_op: dt.datetime | None

    @classmethod
    def of(cls, v: Verzoek, now: dt.datetime) -> VerzoekRegel:
        return cls(
            instructie_id=v.instructie_id,
            soort=v.soort,
            instrument_id=v.instrument_id,
            keten_id=v.keten_id,
            casus_id=v.casus_id,
            status=v.status,
            reageer_uiterlijk=v.reageer_uiterlijk,
            late=v.is_late(now),
            vorderingen_in_scope=(
                list(v.vorderingen_in_scope) if v.vorderingen_in_scope is not None else None
            ),
            referentie=v.referentie,
            beantwoord_op=v.beantwoord_op,
        )


class VerzoekPagina(BaseModel):
    totaal: int = Field(description="How many requests pass the filter, over all pages.")
    pagina: int
    per_pagina: int
    items: list[VerzoekRegel]


AgencyDep = Annotated[Beller, Depends(VereisteRol(Rol.UITVOERDER))]


@router.get("/verzoeken", response_model=VerzoekPagina)
async def zoek_verzoeken(
    vraag: Annotated[ZoekVerzoeken, Query()], hub: HubDep, beller: AgencyDep
) -> VerzoekPagina:
    """The calling agency's requests (default: the open ones), soonest deadline first."""
    uitvoerder = beller.uitvoerder
    assert uitvoerder is not None  # the role says so
    lijst = await verzoek_service.zoek_verzoeken(uitvoerder, vraag, hub.uow())
    now = hub.now()
    return VerzoekPagina(
        totaal=lijst.totaal,
        pagina=lijst.pagina,
        per_pagina=lijst.per_pagina,
        items=[VerzoekRegel.of(v, now) for v in lijst.items],
    )
