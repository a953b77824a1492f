"""The processing log: per pseudonym or casus (GET), and per person for the right of access
(POST, the BSN in the body, never in a URL). For the loket and the hub's operators."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from hub.domain.verwerking import Verwerking
from hub.entrypoints.api import Fouten, HubDep
from hub.entrypoints.controle_views import VerwerkingenView, VerwerkingView
from hub.entrypoints.identiteit import Beller, Rol, VereisteRol
from hub.service import verwerkingen as verwerking_service
from hub.service.verwerkingen import ZoekVerwerkingen, ZoekVerwerkingenPerPersoon

LezerDep = Annotated[Beller, Depends(VereisteRol(Rol.LOKET, Rol.OPERATOR))]

router = APIRouter(
    prefix="/api/v1",
    tags=["verwerkingen"],
    responses={422: {"model": Fouten, "description": "Invalid input; each error names its field."}},
)


def _view(found: tuple[list[Verwerking], int], pagina: int, per: int) -> VerwerkingenView:
    verwerkingen, totaal = found
    return VerwerkingenView(
        verwerkingen=[VerwerkingView.of(v) for v in verwerkingen],
        totaal=totaal,
        pagina=pagina,
        per_pagina=per,
    )


@router.get("/verwerkingen", response_model=VerwerkingenView)
async def lees_verwerkingen(
    vraag: Annotated[ZoekVerwerkingen, Query()], hub: HubDep, beller: LezerDep
) -> VerwerkingenView:
    """The processing activities about a pseudonym or on a casus, newest first."""
    found = await verwerking_service.zoek_verwerkingen(vraag, hub.uow())
    return _view(found, vraag.pagina, vraag.per_pagina)


@router.post("/verwerkingen/zoek", response_model=VerwerkingenView)
async def zoek_verwerkingen_per_persoon(
    vraag: ZoekVerwerkingenPerPersoon, hub: HubDep, beller: LezerDep
) -> VerwerkingenView:
    """Who shared what about this person, why, and when: every activity about the person in any
    casus (the right of access)."""
    found = await verwerking_service.zoek_per_persoon(vraag, hub.uow(), hub.deps)
    return _view(found, vraag.pagina, vraag.per_pagina)
